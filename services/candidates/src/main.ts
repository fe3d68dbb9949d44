import { loadConfig } from '@recsys/config';
import { RedisSessionStore } from '@recsys/feature-store';
import { startGrpcServer, type RunningGrpcServer } from '@recsys/grpc';
import { KafkaBus } from '@recsys/kafka';
import { createLog, handleShutdown, startHealthServer, type HealthServer } from '@recsys/telemetry';
import { Redis } from 'ioredis';
import { buildCandidates, type CandidatesApp } from './app.js';
import { redisPopularity } from './live-popularity.js';
import { CandidatesConfig } from './config.js';
import { createCandidatesMetrics } from './metrics.js';

// Fleet wiring: Redis session features, artifacts from ARTIFACTS_DIR, gRPC on PORT.
const log = createLog('candidates');
let config: CandidatesConfig;
try {
  config = loadConfig(CandidatesConfig);
} catch (err) {
  log.error('bad configuration', { err });
  process.exit(1);
}

const metrics = createCandidatesMetrics();
// Commands fail fast while Redis is down, so a request degrades instead of queueing behind it.
const redis = new Redis(config.REDIS_URL, {
  lazyConnect: true,
  maxRetriesPerRequest: 0,
  enableOfflineQueue: false,
});
redis.on('error', (err: Error) => log.error('redis', { err }));
// Only for following item-updates: the service serves without the broker.
const bus =
  config.ITEM_UPDATES_TOPIC === ''
    ? undefined
    : new KafkaBus({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID });
let app: CandidatesApp | undefined;
let server: RunningGrpcServer | undefined;
let health: HealthServer | undefined;
let draining = false;

/** Readiness off, a delay for load balancers to notice, in-flight calls finish, then exit. */
const shutdown = handleShutdown({
  log,
  stop: async (reason) => {
    draining = true;
    log.info('draining', { reason, delayMs: config.DRAIN_DELAY_MS });
    await new Promise((resolve) => setTimeout(resolve, config.DRAIN_DELAY_MS));
    await server?.shutdown(config.SHUTDOWN_GRACE_MS);
    await app?.close();
    await bus?.close();
    await health?.close();
    redis.disconnect();
    log.info('stopped');
  },
});

try {
  // Up first, so probes see "not ready" rather than nothing while artifacts load.
  health = await startHealthServer({
    port: config.METRICS_PORT,
    registry: metrics.registry,
    ready: () => !draining && app?.ready() === true,
  });
  redis
    .connect()
    .catch((err: unknown) => log.error('redis connect failed; serving degraded', { err }));
  const sessions = new RedisSessionStore({ redis, keyPrefix: config.REDIS_KEY_PREFIX });
  const popularity = redisPopularity(config, redis);
  app = await buildCandidates(config, {
    sessions,
    log,
    metrics,
    popularity,
    ...(bus ? { bus } : {}),
  });
  server = await startGrpcServer({ port: config.PORT, host: config.HOST, services: [app.service] });
  log.info('serving', {
    port: server.port,
    metricsPort: health.port,
    version: app.watcher.live.version,
  });
} catch (err) {
  log.error('start failed', { err });
  await shutdown('start failed', 1);
}
