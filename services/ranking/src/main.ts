import { loadConfig } from '@recsys/config';
import { loadRankerSource } from '@recsys/ranker';
import { build, type RankingApp } from './app.js';
import { Config } from './config.js';
import { createLog } from '@recsys/telemetry';

const log = createLog('ranking');

let config: Config;
try {
  config = loadConfig(Config);
} catch (err) {
  log.error('bad configuration', { err });
  process.exit(1);
}

const app: RankingApp = build(config, { loadSource: loadRankerSource, log });
let stopping: Promise<void> | undefined;

/**
 * Graceful drain: readiness goes 503, gRPC stops taking calls and finishes the
 * ones in flight, then the model pools and Redis close. A stuck drain or a
 * second signal ends the process anyway.
 */
function shutdown(reason: string, code: number): Promise<void> {
  if (stopping) return stopping;
  log.info('stopping', { reason });
  setTimeout(() => {
    log.error('drain timed out; exiting', { timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
    process.exit(1);
  }, config.SHUTDOWN_TIMEOUT_MS + config.DRAIN_DELAY_MS).unref();
  stopping = app.stop().then(
    () => {
      log.info('stopped');
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
  await app.start();
  log.info('serving', { ...app.ports(), artifacts: config.ARTIFACTS_DIR });
} catch (err) {
  log.error('start failed', { err });
  await shutdown('start failed', 1);
}
