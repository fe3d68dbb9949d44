import { loadArtifacts, VersionWatcher, type Artifacts } from '@recsys/artifacts';
import { decodeCatalogEvent, encodeItemUpdate, type events } from '@recsys/contracts';
import type { ItemCategories } from '@recsys/feature-store';
import { createPublisher, runConsumer, type EventBus, type RunningConsumer } from '@recsys/kafka';
import { followItemUpdates } from '@recsys/live-catalog';
import type { Log } from '@recsys/telemetry';
import { itemUpdatesOf, type CatalogStats } from './catalog-events.js';
import type { Config } from './config.js';
import { openVersionEmbedder, type VersionEmbedder } from './embedder.js';
import { ItemMirror } from './item-mirror.js';

interface Loaded {
  artifacts: Artifacts;
  embedder: VersionEmbedder;
}

export interface CatalogPart {
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): CatalogStats & { liveItems: number };
  /** Item categories from the served catalog, then from items added since. */
  itemCategories: ItemCategories;
}

/**
 * The catalog side of the processor: the artifacts version (content encoder and catalog,
 * watched for new ones), the catalog-events consumer that embeds and publishes item updates,
 * and the mirror of item-updates that re-embeds items for a new version.
 */
export function catalogPart(
  config: Config,
  deps: { bus: EventBus; log: Log; onFatal: (err: unknown) => void },
): CatalogPart {
  const { bus, log } = deps;
  let watcher: VersionWatcher<Loaded> | undefined;
  const current = () => watcher?.live.peek();
  const publisher = createPublisher<events.ItemUpdate>({
    bus,
    topic: config.ITEM_UPDATES_TOPIC,
    encode: encodeItemUpdate,
    keyOf: (u) => u.itemId,
  });
  const publish = (updates: events.ItemUpdate[]) => publisher.publish(updates);
  const mirror = new ItemMirror(() => current()?.embedder, publish);
  const counts: CatalogStats = { upserts: 0, retirements: 0, reembedded: 0 };
  const stoppers: (() => Promise<unknown>)[] = [];
  let consumer: RunningConsumer | undefined;

  return {
    itemCategories: (itemId) => {
      const items = current()?.artifacts.items;
      const row = items?.rowOf(itemId);
      return row !== undefined ? items?.categories(row) : mirror.categoriesOf(itemId);
    },
    async start() {
      watcher = await VersionWatcher.start<Loaded>({
        root: config.ARTIFACTS_DIR,
        pollMs: config.ARTIFACTS_POLL_MS,
        load: async ({ dir }) => {
          // Item tables only: the users' histories (the largest table) are not the processor's.
          const artifacts = await loadArtifacts(dir, { histories: false });
          const embedder = await openVersionEmbedder(artifacts, {
            workers: config.ENCODER_WORKERS,
          });
          return { version: artifacts.version, value: { artifacts, embedder } };
        },
        close: ({ embedder }) => embedder.close(),
        onEvent: (event) => {
          if (event.kind !== 'loaded') {
            log.error(`artifacts ${event.kind.replace('_', ' ')}`, { ...event });
            return;
          }
          log.info('artifacts loaded', { version: event.version, ms: Math.round(event.ms) });
          // The first load happens before the mirror has read anything; later ones re-embed.
          void mirror
            .refreshAll()
            .catch((err: unknown) => log.warn('re-embedding for the new version failed', { err }));
        },
      });
      stoppers.push(() => watcher!.close());
      const following = await followItemUpdates({
        bus,
        topic: config.ITEM_UPDATES_TOPIC,
        groupPrefix: 'stream-processor.item-mirror',
        onUpdates: (updates) => mirror.observe(updates),
        log,
        onFatal: deps.onFatal,
      });
      stoppers.push(() => following.stop());
      consumer = await runConsumer({
        bus,
        groupId: config.CATALOG_EVENTS_GROUP,
        topic: config.CATALOG_EVENTS_TOPIC,
        dlqTopic: config.CATALOG_EVENTS_DLQ_TOPIC,
        decode: decodeCatalogEvent,
        handleBatch: async (batch) => {
          const updates = await itemUpdatesOf(current()?.embedder, batch);
          await publish(updates);
          for (const u of updates) {
            if (u.embedding.length > 0) counts.upserts++;
            else counts.retirements++;
          }
        },
        onError: (err, info) =>
          log.warn('catalog batch failed; it will be retried', { err, ...info }),
        onFatal: (err) => {
          log.error('catalog-events consumer died', { err });
          deps.onFatal(err);
        },
      });
      stoppers.push(() => consumer!.stop());
    },
    async stop() {
      for (const stop of stoppers.splice(0).reverse())
        await stop().catch((err: unknown) => log.warn('close failed', { err }));
    },
    stats: () => ({
      ...counts,
      reembedded: mirror.stats().reembedded,
      liveItems: mirror.stats().items,
    }),
  };
}
