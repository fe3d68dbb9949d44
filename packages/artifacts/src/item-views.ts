import type { ItemCatalog } from './item-catalog.js';
import type { ItemEmbeddings } from './item-embeddings.js';

/** What the views read: any loaded version (Artifacts, or a state built on one). */
export interface ItemSource {
  items: ItemCatalog;
  embeddings: ItemEmbeddings;
}

/** Looks an item up by external id (the gateway's ItemVectors / ItemTitles shape). */
export interface ItemLookup<T> {
  get(itemId: string): T | undefined;
}

/**
 * The gateway's item embeddings (for MMR), read from whatever version is current at the call:
 * pass `() => watcher.live.peek()`. A lookup is synchronous, so it cannot straddle a swap.
 */
export function itemVectors(current: () => ItemSource | undefined): ItemLookup<Float32Array> {
  return {
    get(itemId) {
      const source = current();
      const row = source?.items.rowOf(itemId);
      return row === undefined ? undefined : source?.embeddings.vector(row);
    },
  };
}

/** The gateway's item titles (for reasons such as "Because you watched ..."). */
export function itemTitles(current: () => ItemSource | undefined): ItemLookup<string> {
  return {
    get(itemId) {
      const source = current();
      const row = source?.items.rowOf(itemId);
      return row === undefined ? undefined : source?.items.title(row);
    },
  };
}
