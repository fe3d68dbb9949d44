import { itemTitles, itemVectors, loadArtifacts, VersionWatcher } from '@recsys/artifacts';
import type { Artifacts } from '@recsys/artifacts';
import { loadConfig } from '@recsys/config';
import { KafkaBus } from '@recsys/kafka';
import { setFlagsFromString } from 'node:v8';
import { Counter } from 'prom-client';
import { buildApp } from './app.js';
import { feedSettings, GatewayConfig } from './config.js';
import { GrpcCandidatesClient, GrpcRankingClient } from './grpc-clients.js';
import { createGatewayMetrics } from './metrics.js';
import { profileStore } from './profile-stores.js';

// Fleet wiring: candidates and ranking over gRPC, profiles in Redis when
// REDIS_URL is set. The all-in-one mode builds the same app with in-process
// clients and stores instead. Item embeddings and titles come from
// ARTIFACTS_DIR when set (else MMR reports diversity_unavailable and reasons
// name items by id).

// V8 may decide, from the scavenges of the first seconds, to allocate the candidate decoder's
// objects straight in the old generation; from then on each candidate list's young strings and
// arrays survive two scavenges, ~3.5 MB per scavenge at 50 req/s, and scavenges pass 10 ms.
// It did in 4 of 18 runs, and in none of 16 with this flag
// (benchmarks/results/e2e-ml-latest-small-grpc-bytes.md).
setFlagsFromString('--no-allocation-site-pretenuring');

const config = loadConfig(GatewayConfig);
const items =
  config.ARTIFACTS_DIR === undefined
    ? undefined
    : await VersionWatcher.start<Artifacts>({
        root: config.ARTIFACTS_DIR,
        pollMs: 10_000,
        load: async ({ dir }) => {
          // Titles and embeddings only: the users' histories are the ranker's and retrieval's.
          const artifacts = await loadArtifacts(dir, { histories: false });
          return { version: artifacts.version, value: artifacts };
        },
        close: () => undefined,
      });
const currentItems = () => items?.live.peek();
const candidates = new GrpcCandidatesClient(config.CANDIDATES_ADDR);
const ranking = new GrpcRankingClient(config.RANKING_ADDR);
let draining = false;
// Ingestion publishes here. A publish gives up after 2 retries, inside the
// request's INGEST_PUBLISH_TIMEOUT_MS, so a broker outage is a prompt 503.
const bus = new KafkaBus({
  brokers: config.KAFKA_BROKERS,
  clientId: config.KAFKA_CLIENT_ID,
  publishRetries: 2,
});

const metrics = createGatewayMetrics();
const corruptProfiles = new Counter({
  name: 'recsys_profiles_corrupt_total',
  help: 'Stored profiles that failed validation and were read as absent',
  registers: [metrics.registry],
});
// Both fire only after the app below exists (connecting and reading are async), so its logger
// does too.
const profiles = profileStore(config, {
  corrupt: (userId, reason) => {
    corruptProfiles.inc();
    app.log.warn({ userId, reason }, 'stored profile is corrupt; serving without it');
  },
  redisError: (err) => app.log.warn({ err }, 'profile store: redis connection error'),
});

const app = buildApp({
  candidates,
  ranking,
  profiles: profiles.store,
  ...(items === undefined
    ? {}
    : { itemVectors: itemVectors(currentItems), itemTitles: itemTitles(currentItems) }),
  metrics,
  settings: feedSettings(config),
  isReady: () => !draining,
  logger: { level: config.LOG_LEVEL },
  bodyLimitBytes: config.BODY_LIMIT_BYTES,
  ingest: {
    bus,
    keys: {
      events: config.RECSYS_API_KEY,
      items: config.RECSYS_ADMIN_KEY,
      demo: config.RECSYS_DEMO_UI_KEY,
    },
    topics: { userEvents: config.USER_EVENTS_TOPIC, catalogEvents: config.CATALOG_EVENTS_TOPIC },
    publishTimeoutMs: config.INGEST_PUBLISH_TIMEOUT_MS,
    maxFutureMs: config.INGEST_MAX_FUTURE_MS,
    bodyLimitBytes: config.INGEST_BODY_LIMIT_BYTES,
  },
});
app.log.info({ profiles: profiles.kind }, 'profile store');
// Say at boot what the ingestion routes will do, so a missing key is not found by a 401.
for (const [route, key] of [
  ['POST /v1/events', 'RECSYS_API_KEY'],
  ['POST /v1/items', 'RECSYS_ADMIN_KEY'],
] as const) {
  if (config[key] === undefined)
    app.log.warn(`${key} is not set: ${route} answers 401 to everyone`);
}
if (config.RECSYS_DEMO_UI_KEY !== undefined) {
  app.log.warn('RECSYS_DEMO_UI_KEY is set: the page at / hands it out (demo only)');
}

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
  await bus.close();
  await items?.close();
  await profiles.close();
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

await profiles.connect(2_000);
await app.listen({ port: config.PORT, host: config.HOST });
