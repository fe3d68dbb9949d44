import { events } from '@recsys/contracts';
import { AppError } from '@recsys/errors';
import { contentOf, type VersionEmbedder } from './embedder.js';

export interface CatalogStats {
  /** Upserts embedded and published, retirements published. */
  upserts: number;
  retirements: number;
  /** Upserts re-embedded for a newer artifacts version. */
  reembedded: number;
}

/**
 * Embeds catalog upserts with the served version's content encoder and turns each event into
 * an item update for the candidates and ranking replicas (topic item-updates). The update
 * carries the vector with the version that made it, and the item's model inputs, so a replica
 * adds the item without running a model itself. Publishing is at least once; replicas apply an
 * item's latest update idempotently.
 */
export async function itemUpdatesOf(
  embedder: VersionEmbedder | undefined,
  batch: readonly events.CatalogEvent[],
): Promise<events.ItemUpdate[]> {
  const upserts = batch.filter((e) => e.op === events.CatalogOp.CATALOG_OP_UPSERT);
  if (upserts.length > 0 && embedder === undefined) {
    // The batch is retried: nothing is committed until the encoder is there.
    throw new AppError('unavailable', 'no artifacts version loaded: cannot embed new items');
  }
  const embedded =
    upserts.length > 0 && embedder !== undefined
      ? await embedder.embed(upserts.map((e) => contentOf(e.content)))
      : undefined;
  const dim = embedded === undefined ? 0 : embedded.vectors.length / upserts.length;
  let next = 0;
  return batch.map((event) => {
    const base = {
      eventId: event.eventId,
      itemId: event.itemId,
      op: event.op,
      timestamp: event.timestamp,
      content: event.content,
    };
    if (event.op !== events.CatalogOp.CATALOG_OP_UPSERT || embedded === undefined) {
      return events.ItemUpdate.fromPartial({ ...base, content: undefined });
    }
    const i = next++;
    const inputs = embedded.inputs[i]!;
    return events.ItemUpdate.fromPartial({
      ...base,
      embedding: Array.from(embedded.vectors.subarray(i * dim, (i + 1) * dim)),
      modelVersion: embedder!.version,
      categoryRows: Array.from(inputs.categoryRows),
      scalars: Array.from(inputs.scalars),
    });
  });
}
