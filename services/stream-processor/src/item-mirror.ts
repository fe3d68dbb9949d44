import { events } from '@recsys/contracts';
import { itemUpdatesOf } from './catalog-events.js';
import type { VersionEmbedder } from './embedder.js';

/** Re-embedded in chunks, so one call never holds the encoder for long. */
const CHUNK = 256;

/**
 * The processor's copy of the item-updates topic (the latest update per item, read from the
 * topic's beginning at every start), so that items added since training follow a new model:
 * when a new artifacts version loads, every item last embedded by an older version and not
 * covered by the retrain is embedded again and republished. An item the retrain covers needs
 * nothing: replicas serve its trained embedding. Versions are compared as their sortable
 * names, so two processors in a rolling update never re-embed back and forth.
 */
export class ItemMirror {
  private readonly latest = new Map<string, events.ItemUpdate>();
  private chain: Promise<unknown> = Promise.resolve();
  private reembedded = 0;

  constructor(
    private readonly embedder: () => VersionEmbedder | undefined,
    private readonly publish: (updates: events.ItemUpdate[]) => Promise<void>,
  ) {}

  /** Takes a batch read from the topic; re-embeds the ones an older version made. */
  observe(updates: readonly events.ItemUpdate[]): Promise<void> {
    for (const update of updates) {
      const held = this.latest.get(update.itemId);
      if (held === undefined || held.timestamp <= update.timestamp) {
        this.latest.set(update.itemId, update);
      }
    }
    return this.serially(() => this.refresh(updates));
  }

  /** After a new version loaded: brings every held item to it. */
  refreshAll(): Promise<void> {
    return this.serially(() => this.refresh([...this.latest.values()]));
  }

  stats(): { items: number; reembedded: number } {
    return { items: this.latest.size, reembedded: this.reembedded };
  }

  /** Categories of items added since training, for the session and popularity stages. */
  categoriesOf(itemId: string): readonly string[] | undefined {
    return this.latest.get(itemId)?.content?.categories;
  }

  private serially(work: () => Promise<void>): Promise<void> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async refresh(updates: readonly events.ItemUpdate[]): Promise<void> {
    const embedder = this.embedder();
    if (embedder === undefined) return;
    const stale = updates.filter(
      (u) =>
        this.latest.get(u.itemId) === u &&
        u.op === events.CatalogOp.CATALOG_OP_UPSERT &&
        u.modelVersion < embedder.version &&
        !embedder.covers(u.itemId),
    );
    for (let i = 0; i < stale.length; i += CHUNK) {
      const again = stale.slice(i, i + CHUNK).map((u) =>
        events.CatalogEvent.fromPartial({
          eventId: u.eventId,
          itemId: u.itemId,
          op: u.op,
          content: u.content,
          timestamp: u.timestamp,
        }),
      );
      await this.publish(await itemUpdatesOf(embedder, again));
      this.reembedded += again.length;
    }
  }
}
