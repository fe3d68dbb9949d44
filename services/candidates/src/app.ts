import type { VersionWatcher, WatchEvent } from '@recsys/artifacts';
import type { PopularityStore, SessionStore } from '@recsys/feature-store';
import type { GrpcService } from '@recsys/grpc';
import type { EventBus } from '@recsys/kafka';
import { followLive, LiveCatalog, registerLiveCatalogMetrics } from '@recsys/live-catalog';
import {
  applyItemUpdates,
  startRetrieval,
  type RetrievalState,
  type Retriever,
} from '@recsys/retrieval';
import { mixesOf, type CandidatesConfig } from './config.js';
import { livePopularityOf } from './live-popularity.js';
import type { Log } from '@recsys/telemetry';
import { createCandidatesMetrics, retrieverHooks, type CandidatesMetrics } from './metrics.js';
import { candidateService } from './server.js';

export interface CandidatesApp {
  retriever: Retriever;
  watcher: VersionWatcher<RetrievalState>;
  metrics: CandidatesMetrics;
  service: GrpcService;
  /** True once a version is loaded; main.ts turns readiness off itself while draining. */
  ready(): boolean;
  /** Stops watching and frees every version once its calls finish. */
  close(): Promise<void>;
}

/**
 * Wires the service: retrieval over the artifacts root (tables, index and user tower per
 * version, swapped live), metrics and the gRPC service. Resolves once the first version is
 * loaded; rejects, serving nothing, if it cannot be.
 */
export async function buildCandidates(
  config: CandidatesConfig,
  deps: {
    sessions: SessionStore | undefined;
    log: Log;
    metrics?: CandidatesMetrics;
    /** Where item-updates come from; without it the catalog is the artifacts' alone. */
    bus?: EventBus;
    /** Live popularity counters for `popular`; without them it ranks by the trained table. */
    popularity?: PopularityStore | undefined;
  },
): Promise<CandidatesApp> {
  const metrics = deps.metrics ?? createCandidatesMetrics();
  const onEvent = (event: WatchEvent) => {
    if (event.kind === 'loaded') {
      metrics.versions.loaded(event.version);
      deps.log.info('artifacts loaded', { ...event, ms: Math.round(event.ms) });
      return;
    }
    if (event.kind === 'load_failed') metrics.versions.failed();
    deps.log.error(`artifacts ${event.kind.replace('_', ' ')}; still serving the previous one`, {
      ...event,
    });
  };
  const catalog =
    deps.bus && config.ITEM_UPDATES_TOPIC !== ''
      ? new LiveCatalog<RetrievalState>(applyItemUpdates, (state) => state.version)
      : undefined;
  const retrieval = await startRetrieval({
    artifactsDir: config.ARTIFACTS_DIR,
    pollMs: config.ARTIFACTS_POLL_MS,
    drainMs: config.ARTIFACTS_DRAIN_MS,
    verify: config.ARTIFACTS_VERIFY,
    state: {
      workers: config.ONNX_WORKERS,
      nprobe: config.NPROBE,
      useIndexFile: config.ANN_INDEX === 'file',
      factory: config.ANN_FACTORY,
      encoderDeadlineMs: config.ENCODER_DEADLINE_MS,
      maxBatch: config.ENCODER_MAX_BATCH,
    },
    sessions: deps.sessions,
    mixes: mixesOf(config),
    sources: {
      windowDays: config.DIGEST_WINDOW_DAYS,
      livePopularity: livePopularityOf(config, deps.popularity),
    },
    sessionDeadlineMs: config.SESSION_DEADLINE_MS,
    sourceDeadlineMs: config.SOURCE_DEADLINE_MS,
    hooks: retrieverHooks(metrics),
    onEvent,
    ...(catalog === undefined ? {} : { catalog }),
  });
  const { retriever, watcher } = retrieval;
  const follow =
    catalog && deps.bus
      ? followLive({
          bus: deps.bus,
          topic: config.ITEM_UPDATES_TOPIC,
          groupPrefix: 'candidates.item-updates',
          catalog,
          current: () => watcher.live.peek(),
          log: deps.log,
        })
      : undefined;
  if (catalog) registerLiveCatalogMetrics(metrics.registry, catalog);
  return {
    retriever,
    watcher,
    metrics,
    service: candidateService(retriever, metrics),
    ready: () => watcher.live.ready,
    close: async () => {
      await follow?.stop();
      await retrieval.close();
    },
  };
}
