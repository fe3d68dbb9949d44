import {
  itemTitles,
  itemVectors,
  VersionWatcher,
  type ItemCatalog,
  type Live,
} from '@recsys/artifacts';
import {
  MemoryPopularityStore,
  MemoryProfileStore,
  MemorySessionStore,
  profileRegions,
} from '@recsys/feature-store';
import { MemoryBus } from '@recsys/kafka';
import { followLive, LiveCatalog } from '@recsys/live-catalog';
import { applyRankerUpdates, LoadedVersion, loadRankerSource, Ranker } from '@recsys/ranker';
import {
  applyItemUpdates,
  defaultMixes,
  InProcessCandidatesClient,
  LivePopularity,
  startRetrieval,
  type RetrievalState,
} from '@recsys/retrieval';
import { build as buildStreamProcessor, Config as StreamConfig } from '@recsys/stream-processor';
import { createLog } from '@recsys/telemetry';
import type { FastifyInstance } from 'fastify';
import type { AllInOneConfig } from './all-in-one-config.js';
import { buildApp } from './app.js';
import type { RankingClient } from './clients.js';
import { feedSettings, type GatewayConfig } from './config.js';
import { createGatewayMetrics } from './metrics.js';

export interface AllInOne {
  app: FastifyInstance;
  /** The artifacts version retrieval serves (the ranker watches the same folder). */
  version(): string | undefined;
  /** A user the artifacts have a history for, for the sample request printed at boot. */
  sampleUser(): string | undefined;
  /** Stops the consumer, then every model worker; the caller closes the HTTP server first. */
  close(): Promise<void>;
}

/**
 * Every service in one process: retrieval and ranking in process (their ONNX models in worker
 * threads), the in-memory session and popularity stores, the in-memory bus, and the
 * stream-processing consumer over that bus (as services/stream-processor runs it on Kafka), so a
 * click posted to /v1/events changes the next feed. The same gateway app as fleet mode; only the
 * clients and stores differ.
 */
const ITEM_UPDATES_TOPIC = 'item-updates';

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
    const profiles = new MemoryProfileStore();
    const popularity = new MemoryPopularityStore({
      itemCategories: categoriesOf,
      userRegions: profileRegions(profiles),
    });
    const bus = new MemoryBus();
    closers.push(() => bus.close());
    const log = createLog('all-in-one');
    // Catalog changes embedded by the stream processor below, followed as each replica would.
    const itemUpdates = new LiveCatalog<RetrievalState>(applyItemUpdates, (s) => s.version);
    const rankerUpdates = new LiveCatalog<LoadedVersion>(
      (version, updates) => applyRankerUpdates(version, updates),
      (version) => version.version,
    );

    const retrieval = await startRetrieval({
      artifactsDir: config.ARTIFACTS_DIR,
      pollMs: config.ARTIFACTS_POLL_MS,
      state: { workers: config.ENCODER_WORKERS, encoderDeadlineMs: config.ENCODER_DEADLINE_MS },
      sessions,
      mixes: defaultMixes(),
      sessionDeadlineMs: config.SESSION_DEADLINE_MS,
      sourceDeadlineMs: config.SOURCE_DEADLINE_MS,
      catalog: itemUpdates,
      // `popular` ranks by the counters the in-process stream consumer below keeps.
      sources: { windowDays: 7, livePopularity: new LivePopularity({ store: popularity }) },
    });
    closers.push(() => retrieval.close());
    const current = () => retrieval.watcher.live.peek();
    catalog = () => current()?.items;

    const pool = { workers: config.RANKER_WORKERS, intraOpThreads: 1 };
    const rankerLive: { live?: Live<LoadedVersion> } = {};
    const rankerVersions = await VersionWatcher.start<LoadedVersion>({
      root: config.ARTIFACTS_DIR,
      pollMs: config.ARTIFACTS_POLL_MS,
      load: async ({ dir }) => {
        const source = await loadRankerSource(dir);
        const version = await LoadedVersion.open(source, pool);
        await rankerUpdates.sync(version).catch(async (err: unknown) => {
          await version.close();
          throw err;
        });
        return { version: source.version, value: version };
      },
      close: (version) => version.close(),
      // A later version catches up on what arrived while it loaded (the first needs none:
      // nothing is followed yet).
      onEvent: (event) => {
        const live = event.kind === 'loaded' ? rankerLive.live?.peek() : undefined;
        if (live) void rankerUpdates.sync(live).catch(() => undefined);
      },
    });
    rankerLive.live = rankerVersions.live;
    closers.push(() => rankerVersions.close());
    const following = (name: string) => ({
      bus,
      topic: ITEM_UPDATES_TOPIC,
      groupPrefix: `all-in-one.${name}`,
      log,
    });
    const follows = [
      followLive({ ...following('retrieval'), catalog: itemUpdates, current }),
      followLive({
        ...following('ranker'),
        catalog: rankerUpdates,
        current: () => rankerVersions.live.peek(),
      }),
    ];
    closers.push(() => Promise.all(follows.map((f) => f.stop())));
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

    // The stream processor (user events -> sessions and popularity; catalog events -> item
    // updates), the same app as the fleet's, over the in-memory bus and stores.
    const processor = buildStreamProcessor(
      StreamConfig.parse({
        USER_EVENTS_TOPIC: gateway.USER_EVENTS_TOPIC,
        USER_EVENTS_DLQ_TOPIC: `${gateway.USER_EVENTS_TOPIC}.dlq`,
        CATALOG_EVENTS_TOPIC: gateway.CATALOG_EVENTS_TOPIC,
        CATALOG_EVENTS_DLQ_TOPIC: `${gateway.CATALOG_EVENTS_TOPIC}.dlq`,
        ITEM_UPDATES_TOPIC: ITEM_UPDATES_TOPIC,
        ARTIFACTS_DIR: config.ARTIFACTS_DIR,
        ARTIFACTS_POLL_MS: String(config.ARTIFACTS_POLL_MS),
        PROGRESS_LOG_MS: '0',
      }),
      { bus, store: sessions, popularity, itemCategories: categoriesOf, log },
    );
    await processor.start();
    closers.push(() => processor.stop());

    const app = buildApp({
      candidates: new InProcessCandidatesClient(retrieval.retriever),
      ranking,
      profiles,
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
