import { VersionWatcher, type WatchEvent } from '@recsys/artifacts';
import { RedisSessionStore, type SessionStore } from '@recsys/feature-store';
import { startGrpcServer, type RunningGrpcServer } from '@recsys/grpc';
import { KafkaBus, type EventBus } from '@recsys/kafka';
import {
  followLive,
  LiveCatalog,
  registerLiveCatalogMetrics,
  type LiveFollow,
} from '@recsys/live-catalog';
import {
  applyRankerUpdates,
  LoadedVersion,
  Ranker,
  type PoolSettings,
  type RankerSource,
} from '@recsys/ranker';
import { startHealthServer, type HealthServer } from '@recsys/telemetry';
import { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Config } from './config.js';
import { createLog, type Log } from '@recsys/telemetry';
import { createRankingMetrics } from './metrics.js';
import { rankService } from './rank-service.js';

export interface Deps {
  /** Reads one artifacts version folder into what the ranker serves with. */
  loadSource: (dir: string) => Promise<RankerSource>;
  /** Live session features; a RedisSessionStore on REDIS_URL when not supplied. */
  sessions?: SessionStore;
  /** Where item-updates come from; a KafkaBus on KAFKA_BROKERS when not supplied. */
  bus?: EventBus;
  log?: Log;
}

export interface RankingApp {
  /** Health server first (probes see "not ready"), then the model, then gRPC. */
  start(): Promise<void>;
  /** Readiness off, then in-flight calls finish, then everything opened here closes. */
  stop(): Promise<void>;
  ready(): boolean;
  registry: Registry;
  /** Bound ports, known after start() (useful with port 0). */
  ports(): { grpc: number | undefined; metrics: number | undefined };
}

const REDIS_CONNECT_WAIT_MS = 3_000;

/** Resolves when the client is ready or after `ms`, whichever is first; never rejects. */
function connected(redis: Redis, ms: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    }
    redis.once('ready', done);
  });
}

export function build(config: Config, deps: Deps): RankingApp {
  const log = deps.log ?? createLog('ranking');
  let watcher: VersionWatcher<LoadedVersion> | undefined;
  const metrics = createRankingMetrics(() => watcher?.live.peek()?.ranker.stats());
  let redis: Redis | undefined;
  let sessions = deps.sessions;
  if (sessions === undefined) {
    // No offline queue and one retry: with Redis down a read fails at once and the request
    // is scored without session features instead of waiting for a reconnect.
    redis = new Redis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    redis.on('error', (err: Error) => log.warn('redis connection error', { err }));
    sessions = new RedisSessionStore({ redis, keyPrefix: config.REDIS_KEY_PREFIX });
  }
  const pool: PoolSettings = {
    workers: config.WORKERS,
    intraOpThreads: config.INTRA_OP_THREADS,
    maxQueue: config.MODEL_QUEUE,
  };
  const following = config.ITEM_UPDATES_TOPIC !== '';
  const bus: EventBus | undefined = !following
    ? undefined
    : (deps.bus ??
      new KafkaBus({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID }));
  const catalog = following
    ? new LiveCatalog<LoadedVersion>(
        (version, updates) =>
          applyRankerUpdates(version, updates, (itemId, err) =>
            log.warn('item update skipped', { itemId, err }),
          ),
        (version) => version.version,
      )
    : undefined;
  if (catalog) registerLiveCatalogMetrics(metrics.registry, catalog);
  let follow: LiveFollow | undefined;
  let health: HealthServer | undefined;
  let grpc: RunningGrpcServer | undefined;
  let [started, draining] = [false, false];

  const onVersion = (event: WatchEvent) => {
    if (event.kind === 'loaded') {
      // Catch the new version up on what arrived while it loaded.
      const live = watcher?.live.peek();
      if (catalog && live) void catalog.sync(live).catch(() => undefined);
      metrics.versions.loaded(event.version);
      log.info('artifacts version loaded', {
        version: event.version,
        dir: event.dir,
        ms: event.ms,
      });
    } else if (event.kind === 'load_failed') {
      metrics.versions.failed();
      log.error('artifacts version rejected; still serving the previous one', { ...event });
    } else log.warn('closing a retired version failed', { ...event });
  };

  return {
    registry: metrics.registry,
    ready: () => started && !draining && watcher?.live.ready === true,
    ports: () => ({ grpc: grpc?.port, metrics: health?.port }),

    async start() {
      health = await startHealthServer({
        port: config.METRICS_PORT,
        host: config.METRICS_HOST,
        registry: metrics.registry,
        ready: () => started && !draining && watcher?.live.ready === true,
      });
      // Redis is optional to serve (down means no session features), but a start that
      // races its first connect would score the first requests without them.
      if (redis !== undefined) await connected(redis, REDIS_CONNECT_WAIT_MS);
      watcher = await VersionWatcher.start<LoadedVersion>({
        root: config.ARTIFACTS_DIR,
        load: async ({ dir }) => {
          const source = await deps.loadSource(dir);
          const version = await LoadedVersion.open(source, pool);
          try {
            await catalog?.sync(version);
          } catch (err) {
            await version.close();
            throw err;
          }
          return { version: source.version, value: version };
        },
        close: (version) => version.close(),
        pollMs: config.ARTIFACTS_POLL_MS,
        onEvent: onVersion,
      });
      if (catalog && bus) {
        const live = watcher.live;
        follow = followLive({
          bus,
          topic: config.ITEM_UPDATES_TOPIC,
          groupPrefix: 'ranking.item-updates',
          catalog,
          current: () => live.peek(),
          log,
        });
      }
      const ranker = new Ranker(watcher.live, {
        sessions,
        sessionTimeoutMs: config.SESSION_TIMEOUT_MS,
        pool,
        onStage: (stage, ms) => metrics.stageSeconds.observe({ stage }, ms / 1000),
      });
      const service = rankService(ranker, metrics, {
        defaultDeadlineMs: config.DEFAULT_DEADLINE_MS,
        onError: (err) => log.warn('rank failed', { err }),
      });
      grpc = await startGrpcServer({ port: config.PORT, host: config.HOST, services: [service] });
      started = true;
    },

    async stop() {
      draining = true;
      await new Promise((resolve) => setTimeout(resolve, config.DRAIN_DELAY_MS));
      await grpc?.shutdown(config.SHUTDOWN_TIMEOUT_MS);
      await follow?.stop();
      if (!deps.bus) await bus?.close();
      await watcher?.close();
      await redis?.quit().catch(() => redis?.disconnect());
      await health?.close();
    },
  };
}
