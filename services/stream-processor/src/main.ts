import { loadConfig } from '@recsys/config';
import { startHealthServer, type HealthServer } from '@recsys/telemetry';
import { build } from './app.js';
import { Config } from './config.js';
import { createLog } from '@recsys/telemetry';

const log = createLog('stream-processor');

let config: Config;
try {
  config = loadConfig(Config);
} catch (err) {
  log.error('bad configuration', { err });
  process.exit(1);
}

const app = build(config, { log, onFatal: () => void shutdown('consumer died', 1) });
let stopping: Promise<void> | undefined;
let health: HealthServer | undefined;

/** Drain, then exit; a second signal or a stuck drain ends the process anyway. */
function shutdown(reason: string, code: number): Promise<void> {
  if (stopping) return stopping;
  log.info('stopping', { reason });
  setTimeout(() => {
    log.error('drain timed out; exiting', { timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
    process.exit(1);
  }, config.SHUTDOWN_TIMEOUT_MS).unref();
  stopping = app.stop().then(
    async () => {
      await health?.close();
      log.info('stopped', { stats: app.stats() });
      process.exit(code);
    },
    (err: unknown) => {
      log.error('stop failed', { err });
      process.exit(1);
    },
  );
  return stopping;
}

process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
process.on('SIGINT', () => void shutdown('SIGINT', 0));

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
