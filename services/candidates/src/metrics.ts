import type { RetrieverHooks } from '@recsys/retrieval';
import {
  createMetrics,
  createVersionMetrics,
  type ServiceMetrics,
  type VersionMetrics,
} from '@recsys/telemetry';
import { Counter } from 'prom-client';

export interface CandidatesMetrics extends ServiceMetrics {
  /** Candidates each source contributed, before de-duplication. */
  candidates: Counter<'source'>;
  /** Source runs by outcome (ok, timeout, failed). */
  sourceRuns: Counter<'source' | 'outcome'>;
  /** Fallbacks named in responses. */
  degraded: Counter<'reason'>;
  /** The artifacts version served, and loads by outcome. */
  versions: VersionMetrics;
}

/** The service registry: the shared latency histograms plus candidate-generation counters. */
export function createCandidatesMetrics(): CandidatesMetrics {
  const base = createMetrics('candidates');
  const registers = [base.registry];
  return {
    ...base,
    candidates: new Counter({
      name: 'recsys_candidates_total',
      help: 'Candidates contributed per source before de-duplication',
      labelNames: ['source'] as const,
      registers,
    }),
    sourceRuns: new Counter({
      name: 'recsys_candidate_source_runs_total',
      help: 'Candidate source runs by outcome',
      labelNames: ['source', 'outcome'] as const,
      registers,
    }),
    degraded: new Counter({
      name: 'recsys_degraded_total',
      help: 'Fallbacks taken while serving, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    versions: createVersionMetrics(base.registry),
  };
}

/** Retriever hooks that feed the stage histogram and the source counters. */
export function retrieverHooks(metrics: CandidatesMetrics): RetrieverHooks {
  return {
    stage: (stage, ms) => metrics.stageSeconds.observe({ stage }, ms / 1000),
    source: (source, outcome, count, ms) => {
      metrics.sourceRuns.inc({ source, outcome });
      metrics.stageSeconds.observe({ stage: `source_${source}` }, ms / 1000);
      if (count > 0) metrics.candidates.inc({ source }, count);
    },
  };
}
