import { events } from '@recsys/contracts';
import type { LoadedVersion } from './loaded-version.js';

/**
 * Applies item-updates records (see @recsys/live-catalog) to the ranker's tables of one version:
 * a new item gets its content embedding, category rows and scalars, as the stream processor
 * computed them for this version. Items the version was trained on keep their trained rows.
 * Retirements need nothing here: a retired item is never a candidate again.
 */
export function applyRankerUpdates(
  version: LoadedVersion,
  updates: readonly events.ItemUpdate[],
  onSkip?: (itemId: string, err: unknown) => void,
): Promise<void> {
  for (const update of updates) {
    if (update.op !== events.CatalogOp.CATALOG_OP_UPSERT) continue;
    try {
      version.tables.items.upsert(update.itemId, {
        embedding: Float32Array.from(update.embedding),
        categoryRows: update.categoryRows,
        scalars: update.scalars,
      });
    } catch (err) {
      // A shape this version cannot take would fail every later batch too: skip the item.
      onSkip?.(update.itemId, err);
    }
  }
  return Promise.resolve();
}
