import { Id, UserEventJson } from '@recsys/contracts';
import { z } from 'zod';

// The ingestion contract. The envelope is validated first (a bad one is a
// 400); each event or item is then validated on its own, so one bad entry is
// a rejection in the 202 answer and never fails its neighbours.

export const MAX_BATCH = 1_000;

const batch = (what: string) =>
  z
    .array(z.unknown())
    .min(1)
    .max(MAX_BATCH)
    .describe(`1 to ${MAX_BATCH} ${what}, each validated on its own`);

export const EventsEnvelope = z.strictObject({ events: batch('events') });
export const ItemsEnvelope = z.strictObject({ items: batch('items') });

const Category = z
  .string()
  .regex(/^[\p{L}\p{N} _&'()./-]{1,64}$/u, "must be 1 to 64 letters, digits, spaces or _&'()./-");
const Tag = z
  .string()
  .regex(/^[^\p{Cc}]{1,64}$/u, 'must be 1 to 64 characters without control characters');
const NUMERIC_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MAX_NUMERIC = 64;
const NAMED = new Set(['item_id', 'op', 'title', 'categories', 'tags']);

/** One catalog change. Fields beyond the named ones are numeric content (year, duration, price). */
export const ItemJson = z
  .object({
    item_id: Id,
    op: z.enum(['upsert', 'retire']).describe('upsert adds or replaces the item; retire drops it'),
    title: z.string().trim().min(1).max(500).optional().describe('Required for upsert'),
    categories: z.array(Category).max(50).default([]),
    tags: z.array(Tag).max(100).default([]),
  })
  .catchall(z.number().finite().describe('Numeric content field, e.g. year or duration'))
  .superRefine((item, ctx) => {
    if (item.op === 'upsert' && item.title === undefined) {
      ctx.addIssue({ code: 'custom', path: ['title'], message: 'required for upsert' });
    }
    const numeric = Object.keys(item).filter((k) => !NAMED.has(k));
    for (const name of numeric) {
      if (!NUMERIC_NAME.test(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'a numeric field name must be a letter then up to 63 letters, digits or _',
        });
      }
    }
    if (numeric.length > MAX_NUMERIC) {
      ctx.addIssue({ code: 'custom', path: [], message: `at most ${MAX_NUMERIC} numeric fields` });
    }
  });
export type ItemJson = z.infer<typeof ItemJson>;

/** The bodies as documented: the envelope with its entries' own schema. */
export const EventsBodyDoc = z.strictObject({
  events: z.array(UserEventJson).min(1).max(MAX_BATCH),
});
export const ItemsBodyDoc = z.strictObject({ items: z.array(ItemJson).min(1).max(MAX_BATCH) });

export const Rejection = z.object({
  index: z.number().int().min(0).describe('Position of the entry in the request'),
  event_id: z.string().optional().describe('The event_id sent, when there was one'),
  item_id: z.string().optional().describe('The item_id sent, when there was one'),
  field: z.string().describe('The field at fault, or the entry itself'),
  reason: z.string(),
});
export type Rejection = z.infer<typeof Rejection>;

export const IngestResult = z.object({
  accepted: z.number().int().describe('Entries published'),
  rejected: z.number().int().describe('Entries refused, each with its reason in rejections'),
  rejections: z.array(Rejection),
});
export type IngestResult = z.infer<typeof IngestResult>;
