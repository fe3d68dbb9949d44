import { loadConfig } from '@recsys/config';
import { loadRankerSource } from '@recsys/ranker';
import { build, type RankingApp } from './app.js';
import { Config } from './config.js';
import { createLog, handleShutdown } from '@recsys/telemetry';

const log = createLog('ranking');

let config: Config;
try {
  config = loadConfig(Config);
} catch (err) {
  log.error('bad configuration', { err });
  process.exit(1);
}

const app: RankingApp = build(config, { loadSource: loadRankerSource, log });

/**
 * Graceful drain: readiness goes 503, gRPC stops taking calls and finishes the
 * ones in flight, then the model pools and Redis close. A stuck drain ends the
 * process anyway.
 */
const shutdown = handleShutdown({
  log,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS + config.DRAIN_DELAY_MS,
  stop: async (reason) => {
    log.info('stopping', { reason });
    await app.stop();
    log.info('stopped');
  },
});

try {
  await app.start();
  log.info('serving', { ...app.ports(), artifacts: config.ARTIFACTS_DIR });
} catch (err) {
  log.error('start failed', { err });
  await shutdown('start failed', 1);
}
