import { decodeUserEvent } from '@recsys/contracts';
import {
  profileRegions,
  RedisPopularityStore,
  RedisProfileStore,
  RedisSessionStore,
  type ItemCategories,
  type PopularityStore,
  type SessionStore,
  type UserRegions,
} from '@recsys/feature-store';
import {
  KafkaBus,
  runConsumer,
  type ConsumerStats,
  type EventBus,
  type RunningConsumer,
} from '@recsys/kafka';
import { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Config } from './config.js';
import { catalogPart, type CatalogPart } from './catalog.js';
import type { CatalogStats } from './catalog-events.js';
import { kafkaLag, type LagProbe } from './lag.js';
import { createLog, type Log } from '@recsys/telemetry';
import { createProcessorMetrics } from './metrics.js';
import { userEventsStage, type UserEventsStats } from './user-events.js';

/**
 * What the processor runs on. Bus and stores not supplied are built from the
 * config (Kafka, Redis); the lookups are simply absent until supplied.
 */
export interface Deps {
  bus: EventBus;
  store: SessionStore;
  popularity: PopularityStore;
  /**
   * Categories of an item, for category affinity and per-category popularity.
   * The artifacts' catalog provides it; without it neither is kept.
   */
  itemCategories: ItemCategories;
  /** Regions of users (from their profiles), for per-region popularity; without it none is kept. */
  userRegions: UserRegions;
  log: Log;
  /** Called when a consumer has died for good; main.ts exits so the supervisor restarts it. */
  onFatal: (err: unknown) => void;
}

export interface Stats {
  userEvents: ConsumerStats & UserEventsStats;
  /** Absent without ARTIFACTS_DIR (no catalog consumer). */
  catalog?: CatalogStats & { liveItems: number };
}

export interface StreamProcessor {
  start(): Promise<void>;
  /** Drains the batch in flight (it commits), leaves the group, closes what build() opened. */
  stop(): Promise<void>;
  stats(): Stats;
  /** True between a finished start() and stop(): what /readyz reports. */
  ready(): boolean;
  /** Process metrics, consumer counters and (on Kafka) the group's lag, for /metrics. */
  registry: Registry;
}

export function build(config: Config, deps: Partial<Deps> = {}): StreamProcessor {
  const log = deps.log ?? createLog('stream-processor');
  const owned: (() => Promise<unknown>)[] = [];
  const bus =
    deps.bus ??
    new KafkaBus({
      brokers: config.KAFKA_BROKERS,
      clientId: config.KAFKA_CLIENT_ID,
      logLevel: config.KAFKA_LOG_LEVEL,
      sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatIntervalMs: config.KAFKA_HEARTBEAT_INTERVAL_MS,
      partitionsConsumedConcurrently: config.KAFKA_PARTITIONS_CONCURRENTLY,
      maxBytesPerPartition: config.KAFKA_MAX_BYTES_PER_PARTITION,
    });
  if (!deps.bus) owned.push(() => bus.close());
  const catalog: CatalogPart | undefined =
    config.ARTIFACTS_DIR === ''
      ? undefined
      : catalogPart(config, { bus, log, onFatal: (err) => deps.onFatal?.(err) });
  const itemCategories = deps.itemCategories ?? catalog?.itemCategories;
  let redis: Redis | undefined;
  if (!deps.store || !deps.popularity) {
    redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
    redis.on('error', (err: Error) => log.warn('redis connection error', { err }));
    owned.push(() => redis!.quit());
  }
  const store =
    deps.store ??
    new RedisSessionStore({
      redis: redis!,
      keyPrefix: config.REDIS_KEY_PREFIX,
      limits: {
        recentItems: config.SESSION_RECENT_ITEMS,
        seenItems: config.SESSION_SEEN_ITEMS,
        sessionGapMs: config.SESSION_GAP_S * 1000,
        affinityHalfLifeMs: config.AFFINITY_HALF_LIFE_S * 1000,
        stateTtlSeconds: config.SESSION_TTL_S,
        dedupTtlSeconds: config.EVENT_DEDUP_TTL_S,
      },
      itemCategories,
    });
  const popularity =
    deps.popularity ??
    new RedisPopularityStore({
      redis: redis!,
      keyPrefix: config.REDIS_KEY_PREFIX,
      limits: {
        halfLifeMs: config.POPULARITY_HALF_LIFE_S * 1000,
        maxItems: config.POPULARITY_MAX_ITEMS,
        ttlSeconds: config.POPULARITY_TTL_S,
        dedupTtlSeconds: config.EVENT_DEDUP_TTL_S,
      },
      itemCategories,
      // Regions come from the onboarding profiles the gateway keeps in the same Redis.
      userRegions:
        deps.userRegions ??
        profileRegions(
          new RedisProfileStore({ redis: redis!, keyPrefix: config.REDIS_KEY_PREFIX }),
        ),
    });
  // Lag is the broker's view, so only a Kafka bus has one.
  let lag: LagProbe | undefined;
  if (!deps.bus) {
    lag = kafkaLag({
      brokers: config.KAFKA_BROKERS,
      clientId: config.KAFKA_CLIENT_ID,
      groupId: config.USER_EVENTS_GROUP,
      topic: config.USER_EVENTS_TOPIC,
    });
    owned.push(() => lag!.close());
  }

  const userEvents = userEventsStage(store, popularity);
  let consumer: RunningConsumer | undefined;
  let progress: NodeJS.Timeout | undefined;
  let running = false;
  const stats = (): Stats => ({
    userEvents: { ...emptyConsumerStats, ...consumer?.stats(), ...userEvents.stats() },
    ...(catalog === undefined ? {} : { catalog: catalog.stats() }),
  });
  const registry = createProcessorMetrics(stats, config.USER_EVENTS_TOPIC, lag);

  return {
    async start() {
      if (redis) await redis.connect();
      if (catalog) {
        await catalog.start();
        owned.push(() => catalog.stop());
      }
      consumer = await runConsumer({
        bus,
        groupId: config.USER_EVENTS_GROUP,
        topic: config.USER_EVENTS_TOPIC,
        dlqTopic: config.USER_EVENTS_DLQ_TOPIC,
        decode: decodeUserEvent,
        handleBatch: (batch, info) => userEvents.handle(batch, info),
        onError: (err, info) => log.warn('batch failed; it will be retried', { err, ...info }),
        onFatal: (err) => {
          log.error('user-events consumer died', { err });
          deps.onFatal?.(err);
        },
      });
      if (config.PROGRESS_LOG_MS > 0) progress = logProgress(log, stats, config.PROGRESS_LOG_MS);
      running = true;
    },
    async stop() {
      running = false;
      clearInterval(progress);
      // The consumer is kept after it stopped, so its final counters stay readable.
      await consumer?.stop();
      for (const close of owned.reverse())
        await close().catch((err: unknown) => log.warn('close failed', { err }));
      owned.length = 0;
    },
    stats,
    ready: () => running,
    registry,
  };
}

const emptyConsumerStats: ConsumerStats = {
  batches: 0,
  records: 0,
  handled: 0,
  deadLettered: 0,
  failedBatches: 0,
};

/** A periodic line with the counters and the rate since the last one, only when something moved. */
function logProgress(log: Log, stats: () => Stats, everyMs: number): NodeJS.Timeout {
  let last = stats().userEvents;
  let lastAt = Date.now();
  const timer = setInterval(() => {
    const now = stats().userEvents;
    if (now.records === last.records) return;
    const perSecond = Math.round(((now.records - last.records) * 1000) / (Date.now() - lastAt));
    log.info('progress', { userEvents: now, recordsPerSecond: perSecond });
    last = now;
    lastAt = Date.now();
  }, everyMs);
  timer.unref();
  return timer;
}
