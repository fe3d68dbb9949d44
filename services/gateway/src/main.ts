import { loadConfig } from '@recsys/config';
import { buildApp } from './app.js';
import { feedSettings, GatewayConfig } from './config.js';
import { GrpcCandidatesClient, GrpcRankingClient } from './grpc-clients.js';
import { createGatewayMetrics } from './metrics.js';
import { InMemoryProfileStore } from './profile-store.js';

// Fleet wiring: candidates and ranking over gRPC. The all-in-one mode builds
// the same app with in-process clients instead. Not wired yet: a Redis
// ProfileStore (preferences live in this process until then) and item
// embeddings/titles from the artifacts (until then MMR reports
// diversity_unavailable and reasons name items by id).
const config = loadConfig(GatewayConfig);
const candidates = new GrpcCandidatesClient(config.CANDIDATES_ADDR);
const ranking = new GrpcRankingClient(config.RANKING_ADDR);
let draining = false;

const app = buildApp({
  candidates,
  ranking,
  profiles: new InMemoryProfileStore(),
  metrics: createGatewayMetrics(),
  settings: feedSettings(config),
  isReady: () => !draining,
  logger: { level: config.LOG_LEVEL },
  bodyLimitBytes: config.BODY_LIMIT_BYTES,
});

async function shutdown(signal: string): Promise<void> {
  if (draining) return;
  draining = true;
  // Readiness goes 503 first so load balancers stop sending; then in-flight
  // requests finish before the server and the channels close.
  app.log.info({ signal, delayMs: config.DRAIN_DELAY_MS }, 'draining');
  await new Promise((resolve) => setTimeout(resolve, config.DRAIN_DELAY_MS));
  await app.close();
  candidates.close();
  ranking.close();
  app.log.info('stopped');
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    shutdown(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

await app.listen({ port: config.PORT, host: config.HOST });
