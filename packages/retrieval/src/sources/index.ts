import type { CandidateSource } from '../source.js';
import type { SourceName } from '../source-mix.js';
import {
  emailDigestSource,
  freshSource,
  popularSource,
  searchSource,
  type EmailDigestOptions,
} from './catalog.js';
import { seedI2iSource, sessionI2iSource } from './item-to-item.js';
import { annSource, seedAnnSource } from './nearest.js';

export type SourceOptions = EmailDigestOptions;

/** Every named source, built once per process. */
export function createSources(
  options: SourceOptions = { windowDays: 7 },
): ReadonlyMap<SourceName, CandidateSource> {
  const sources: Record<SourceName, CandidateSource> = {
    ann: annSource,
    session_i2i: sessionI2iSource,
    popular: popularSource,
    fresh: freshSource,
    seed_i2i: seedI2iSource,
    seed_ann: seedAnnSource,
    search: searchSource,
    email_digest: emailDigestSource(options),
  };
  return new Map(Object.entries(sources) as [SourceName, CandidateSource][]);
}
