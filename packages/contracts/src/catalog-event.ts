import { z } from 'zod';
import { CatalogEvent, CatalogOp, ItemUpdate } from './gen/recsys/events/v1/events.js';
import { Id } from './ids.js';
import { decodeWith, type Decoded } from './decode.js';

/** What an item's content may hold on the wire; the gateway enforces the same bounds on input. */
const Content = z.object({
  title: z.string().max(500),
  categories: z.array(z.string().min(1).max(64)).max(50),
  tags: z.array(z.string().min(1).max(64)).max(100),
  numeric: z
    .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/), z.number().finite())
    .refine((n) => Object.keys(n).length <= 64, 'at most 64 numeric fields'),
});

const Op = z.union([
  z.literal(CatalogOp.CATALOG_OP_UPSERT),
  z.literal(CatalogOp.CATALOG_OP_RETIRE),
]);

/** An upsert carries its content; a retirement needs none. */
function contentForUpserts(
  value: { op: CatalogOp; content?: unknown },
  ctx: z.RefinementCtx,
): void {
  if (value.op === CatalogOp.CATALOG_OP_UPSERT && value.content === undefined) {
    ctx.addIssue({ code: 'custom', path: ['content'], message: 'required for upsert' });
  }
}

const DecodedCatalogEvent = z
  .object({
    eventId: z.string().min(1).max(128),
    itemId: Id,
    op: Op,
    content: Content.optional(),
    timestamp: z.number().int().positive(),
  })
  .superRefine(contentForUpserts);

const DecodedItemUpdate = z
  .object({
    eventId: z.string().min(1).max(128),
    itemId: Id,
    op: Op,
    content: Content.optional(),
    embedding: z.array(z.number().finite()).max(4096),
    categoryRows: z.array(z.number().int().min(0)).max(64),
    scalars: z.array(z.union([z.number(), z.nan()])).max(64),
    modelVersion: z.string().max(128),
    timestamp: z.number().int().positive(),
  })
  .superRefine(contentForUpserts)
  .superRefine((value, ctx) => {
    if (value.op === CatalogOp.CATALOG_OP_UPSERT && value.embedding.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['embedding'], message: 'required for upsert' });
    }
  });

/** Decodes and validates a `catalog-events` record value; never throws. */
export function decodeCatalogEvent(bytes: Uint8Array): Decoded<CatalogEvent> {
  return decodeWith(bytes, (b) => CatalogEvent.decode(b), DecodedCatalogEvent);
}

/** Decodes and validates an `item-updates` record value; never throws. */
export function decodeItemUpdate(bytes: Uint8Array): Decoded<ItemUpdate> {
  return decodeWith(bytes, (b) => ItemUpdate.decode(b), DecodedItemUpdate);
}

export function encodeItemUpdate(update: ItemUpdate): Uint8Array {
  return ItemUpdate.encode(update).finish();
}
