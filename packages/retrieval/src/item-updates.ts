import { events } from '@recsys/contracts';
import { applyCatalogUpdate, type ItemUpsert } from './catalog-update.js';
import type { RetrievalState } from './retrieval-state.js';

/**
 * Applies item-updates records (see @recsys/live-catalog) to a retrieval state. An item the
 * state's own artifacts already hold keeps its trained embedding and features: once a retrain
 * covers an item, the interaction-trained vector wins over the content-only one. Retirements
 * always apply.
 */
export async function applyItemUpdates(
  state: RetrievalState,
  updates: readonly events.ItemUpdate[],
): Promise<void> {
  const baseRows = state.embeddings.baseRows;
  const upserts: ItemUpsert[] = [];
  const retired: string[] = [];
  for (const update of updates) {
    if (update.op === events.CatalogOp.CATALOG_OP_RETIRE) {
      retired.push(update.itemId);
      continue;
    }
    const row = state.items.rowOf(update.itemId);
    if (row !== undefined && row < baseRows) continue;
    // Validated upstream against this version's encoder; a mismatch would poison every batch.
    if (update.embedding.length !== state.embeddings.dim) continue;
    const content = update.content;
    upserts.push({
      record: {
        id: update.itemId,
        title: content?.title ?? '',
        categories: content?.categories ?? [],
        tags: content?.tags ?? [],
        numeric: content?.numeric ?? {},
        createdAt: update.timestamp,
      },
      vector: Float32Array.from(update.embedding),
    });
  }
  // One item may be both retired and re-added across a batch; the latest (held by the caller)
  // is the only one that arrives here, so the two lists never name the same item.
  await applyCatalogUpdate(state, upserts, retired);
}
