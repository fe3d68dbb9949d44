import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// Buckets from 1 ms to 2.5 s: the stages we time live between a FAISS probe
// and a slow end-to-end request.
export const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2.5,
];

export interface ServiceMetrics {
  registry: Registry;
  /** Seconds per request, by route/method and outcome. */
  requestSeconds: Histogram<'route' | 'status'>;
  /** Seconds per pipeline stage (retrieval, ranking, rerank, ...). */
  stageSeconds: Histogram<'stage'>;
}

/**
 * One registry per service with process metrics (event-loop lag included)
 * and the two latency histograms every service reports.
 */
export function createMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const requestSeconds = new Histogram({
    name: 'recsys_request_duration_seconds',
    help: 'Request latency by route and status',
    labelNames: ['route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const stageSeconds = new Histogram({
    name: 'recsys_stage_duration_seconds',
    help: 'Latency of each pipeline stage',
    labelNames: ['stage'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  return { registry, requestSeconds, stageSeconds };
}

/** Runs `fn` and records its duration under `stage`, also when it throws. */
export async function timeStage<T>(
  metrics: ServiceMetrics,
  stage: string,
  fn: () => Promise<T>,
): Promise<T> {
  const end = metrics.stageSeconds.startTimer({ stage });
  try {
    return await fn();
  } finally {
    end();
  }
}
