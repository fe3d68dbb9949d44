import { itemTitles, itemVectors, VersionWatcher, type ItemCatalog } from '@recsys/artifacts';
import { decodeUserEvent } from '@recsys/contracts';
import { MemoryPopularityStore, MemorySessionStore } from '@recsys/feature-store';
import { MemoryBus, runConsumer } from '@recsys/kafka';
import { LoadedVersion, loadRankerSource, Ranker } from '@recsys/ranker';
import { defaultMixes, InProcessCandidatesClient, startRetrieval } from '@recsys/retrieval';
import type { FastifyInstance } from 'fastify';
import type { AllInOneConfig } from './all-in-one-config.js';
import { buildApp } from './app.js';
import type { RankingClient } from './clients.js';
import { feedSettings, type GatewayConfig } from './config.js';
import { createGatewayMetrics } from './metrics.js';
import { InMemoryProfileStore } from './profile-store.js';

export interface AllInOne {
  app: FastifyInstance;
  /** The artifacts version retrieval serves (the ranker watches the same folder). */
  version(): string | undefined;
  /** A user the artifacts have a history for, for the sample request printed at boot. */
  sampleUser(): string | undefined;
  /** Stops the consumer, then every model worker; the caller closes the HTTP server first. */
  close(): Promise<void>;
}

const USER_EVENTS_GROUP = 'stream-processor.user-events';

/**
 * Every service in one process: retrieval and ranking in process (their ONNX models in worker
 * threads), the in-memory session and popularity stores, the in-memory bus, and the
 * stream-processing consumer over that bus (as services/stream-processor runs it on Kafka), so a
 * click posted to /v1/events changes the next feed. The same gateway app as fleet mode; only the
 * clients and stores differ.
 */
export async function startAllInOne(
  gateway: GatewayConfig,
  config: AllInOneConfig,
): Promise<AllInOne> {
  const closers: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    closers.length = 0;
  };
  try {
    let catalog: () => ItemCatalog | undefined = () => undefined;
    const categoriesOf = (itemId: string) => {
      const items = catalog();
      const row = items?.rowOf(itemId);
      return row === undefined ? undefined : items?.categories(row);
    };
    const sessions = new MemorySessionStore({ itemCategories: categoriesOf });
    const popularity = new MemoryPopularityStore({ itemCategories: categoriesOf });

    const retrieval = await startRetrieval({
      artifactsDir: config.ARTIFACTS_DIR,
      pollMs: config.ARTIFACTS_POLL_MS,
      state: { workers: config.ENCODER_WORKERS, encoderDeadlineMs: config.ENCODER_DEADLINE_MS },
      sessions,
      mixes: defaultMixes(),
      sessionDeadlineMs: config.SESSION_DEADLINE_MS,
      sourceDeadlineMs: config.SOURCE_DEADLINE_MS,
    });
    closers.push(() => retrieval.close());
    const current = () => retrieval.watcher.live.peek();
    catalog = () => current()?.items;

    const pool = { workers: config.RANKER_WORKERS, intraOpThreads: 1 };
    const rankerVersions = await VersionWatcher.start<LoadedVersion>({
      root: config.ARTIFACTS_DIR,
      pollMs: config.ARTIFACTS_POLL_MS,
      load: async ({ dir }) => {
        const source = await loadRankerSource(dir);
        return { version: source.version, value: await LoadedVersion.open(source, pool) };
      },
      close: (version) => version.close(),
    });
    closers.push(() => rankerVersions.close());
    const ranker = new Ranker(rankerVersions.live, { sessions, pool });
    const ranking: RankingClient = {
      rank: async (request, options) => {
        const result = await ranker.rank(request, { deadlineMs: options.deadlineMs });
        return {
          scores: Array.from(result.scores),
          modelVersion: result.modelVersion,
          degraded: result.degraded,
        };
      },
    };

    // The stream processor's user-events stage, over the in-memory bus.
    const bus = new MemoryBus();
    closers.push(() => bus.close());
    const consumer = await runConsumer({
      bus,
      groupId: USER_EVENTS_GROUP,
      topic: gateway.USER_EVENTS_TOPIC,
      dlqTopic: `${gateway.USER_EVENTS_TOPIC}.dlq`,
      decode: decodeUserEvent,
      handleBatch: async (batch) => {
        await sessions.applyUserEvents(batch);
        await popularity.applyUserEvents(batch);
      },
    });
    closers.push(() => consumer.stop());

    const app = buildApp({
      candidates: new InProcessCandidatesClient(retrieval.retriever),
      ranking,
      profiles: new InMemoryProfileStore(),
      itemVectors: itemVectors(current),
      itemTitles: itemTitles(current),
      metrics: createGatewayMetrics(),
      settings: feedSettings(gateway),
      logger: { level: gateway.LOG_LEVEL },
      bodyLimitBytes: gateway.BODY_LIMIT_BYTES,
      ingest: {
        bus,
        keys: {
          events: gateway.RECSYS_API_KEY,
          items: gateway.RECSYS_ADMIN_KEY,
          demo: gateway.RECSYS_DEMO_UI_KEY,
        },
        topics: {
          userEvents: gateway.USER_EVENTS_TOPIC,
          catalogEvents: gateway.CATALOG_EVENTS_TOPIC,
        },
        publishTimeoutMs: gateway.INGEST_PUBLISH_TIMEOUT_MS,
        maxFutureMs: gateway.INGEST_MAX_FUTURE_MS,
        bodyLimitBytes: gateway.INGEST_BODY_LIMIT_BYTES,
      },
    });
    return {
      app,
      version: () => retrieval.watcher.live.version,
      sampleUser: () => current()?.histories?.users.valueOf(1),
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
