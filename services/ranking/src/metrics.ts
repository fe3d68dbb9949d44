import {
  createMetrics,
  createVersionMetrics,
  type ServiceMetrics,
  type VersionMetrics,
} from '@recsys/telemetry';
import type { PoolStats } from '@recsys/onnx-runner';
import { Counter, Gauge, Histogram } from 'prom-client';

export interface RankingMetrics extends ServiceMetrics {
  /** Candidates scored per request. */
  candidates: Histogram;
  /** Requests answered with a fallback, by reason (session_store_unavailable, ...). */
  degraded: Counter<'reason'>;
  /** Requested items unknown to the served version (scored as the out-of-vocabulary row). */
  unknownItems: Counter;
  /** The artifacts version served, and loads by outcome. */
  versions: VersionMetrics;
  /** Calls waiting for and running in the ranker's ONNX workers, read at scrape time. */
  modelQueue: Gauge<'state'>;
}

/** @param poolStats the served version's ranker pool, read when /metrics is scraped */
export function createRankingMetrics(poolStats: () => PoolStats | undefined): RankingMetrics {
  const base = createMetrics('ranking');
  const registers = [base.registry];
  return {
    ...base,
    candidates: new Histogram({
      name: 'recsys_ranking_candidates',
      help: 'Candidates scored per request',
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2000],
      registers,
    }),
    degraded: new Counter({
      name: 'recsys_ranking_degraded_total',
      help: 'Requests scored with a fallback, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    unknownItems: new Counter({
      name: 'recsys_ranking_unknown_items_total',
      help: 'Requested items unknown to the served artifacts version',
      registers,
    }),
    versions: createVersionMetrics(base.registry),
    modelQueue: new Gauge({
      name: 'recsys_ranking_model_calls',
      help: 'Ranker model calls queued and in flight in the ONNX workers',
      labelNames: ['state'] as const,
      registers,
      collect() {
        const stats = poolStats();
        this.set({ state: 'queued' }, stats?.queued ?? 0);
        this.set({ state: 'in_flight' }, stats?.inFlight ?? 0);
      },
    }),
  };
}
