import { createMetrics, type ServiceMetrics } from '@recsys/telemetry';
import { Counter } from 'prom-client';

export interface GatewayMetrics extends ServiceMetrics {
  /** Candidates contributed per source, as retrieval reported them. */
  candidates: Counter<'source'>;
  /** Fallbacks taken, by the name served in `degraded`. */
  fallbacks: Counter<'reason'>;
}

/** The shared request and stage histograms plus the gateway's own counters. */
export function createGatewayMetrics(): GatewayMetrics {
  const base = createMetrics('gateway');
  return {
    ...base,
    candidates: new Counter({
      name: 'recsys_candidates_total',
      help: 'Candidates returned by retrieval, per source, before de-duplication',
      labelNames: ['source'] as const,
      registers: [base.registry],
    }),
    fallbacks: new Counter({
      name: 'recsys_fallbacks_total',
      help: 'Degraded answers, by the fallback taken',
      labelNames: ['reason'] as const,
      registers: [base.registry],
    }),
  };
}
