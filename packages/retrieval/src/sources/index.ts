import type { CandidateSource } from '../source.js';
import type { SourceName } from '../source-mix.js';
import type { LivePopularity } from '../live-popularity.js';
import {
  emailDigestSource,
  freshSource,
  searchSource,
  type EmailDigestOptions,
} from './catalog.js';
import { seedI2iSource, sessionI2iSource } from './item-to-item.js';
import { livePopularSource } from './live-popular.js';
import { annSource, seedAnnSource } from './nearest.js';
import { popularSource } from './popular.js';

export interface SourceOptions extends EmailDigestOptions {
  /** Live popularity counters for `popular`; without them it ranks by the trained table alone. */
  livePopularity?: LivePopularity | undefined;
}

/** Every named source, built once per process. */
export function createSources(
  options: SourceOptions = { windowDays: 7 },
): ReadonlyMap<SourceName, CandidateSource> {
  const sources: Record<SourceName, CandidateSource> = {
    ann: annSource,
    session_i2i: sessionI2iSource,
    popular: options.livePopularity ? livePopularSource(options.livePopularity) : popularSource,
    fresh: freshSource,
    seed_i2i: seedI2iSource,
    seed_ann: seedAnnSource,
    search: searchSource,
    email_digest: emailDigestSource(options),
  };
  return new Map(Object.entries(sources) as [SourceName, CandidateSource][]);
}
