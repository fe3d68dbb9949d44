import { loadConfig } from '@recsys/config';
import { createLog, handleShutdown, startHealthServer, type HealthServer } from '@recsys/telemetry';
import { build } from './app.js';
import { Config } from './config.js';

const log = createLog('stream-processor');

let config: Config;
try {
  config = loadConfig(Config);
} catch (err) {
  log.error('bad configuration', { err });
  process.exit(1);
}

const app = build(config, { log, onFatal: () => void shutdown('consumer died', 1) });
let health: HealthServer | undefined;

/** Drain, then exit; a stuck drain ends the process anyway. */
const shutdown = handleShutdown({
  log,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  stop: async (reason) => {
    log.info('stopping', { reason });
    await app.stop();
    await health?.close();
    log.info('stopped', { stats: app.stats() });
  },
});

try {
  // Up first, so probes see "not ready" (rather than nothing) while the group is joined.
  health = await startHealthServer({
    port: config.METRICS_PORT,
    host: config.METRICS_HOST,
    registry: app.registry,
    ready: () => app.ready(),
  });
  await app.start();
  log.info('started', {
    topic: config.USER_EVENTS_TOPIC,
    group: config.USER_EVENTS_GROUP,
    brokers: config.KAFKA_BROKERS,
    metricsPort: health.port,
  });
} catch (err) {
  log.error('start failed', { err });
  await shutdown('start failed', 1);
}
