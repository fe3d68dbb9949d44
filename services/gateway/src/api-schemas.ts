import { Id } from '@recsys/contracts';
import { ERROR_CODES, type ErrorCode } from '@recsys/errors';
import { z } from 'zod';
import { SURFACES } from './config.js';

// The HTTP contract: these schemas validate requests and also generate the
// OpenAPI document (openapi.ts), so the document cannot drift from the code.

const Device = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1 to 32 letters, digits, _ or -')
  .describe('Device class, e.g. ios, android, web, tv');
const Locale = z
  .string()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$/, 'must be a BCP 47 tag such as en-US')
  .describe('BCP 47 locale, e.g. en-US');
const Region = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1 to 32 letters, digits, _ or -')
  .describe('Region used by popularity sources, e.g. eu');
const Category = z
  .string()
  .regex(/^[\p{L}\p{N} _&'()./-]{1,64}$/u, "must be 1 to 64 letters, digits, spaces or _&'()./-");

export const FeedQuery = z
  .strictObject({
    user_id: Id.describe('Opaque user id'),
    surface: z
      .enum(SURFACES)
      .default('home')
      .describe('home; more_like_this (needs item_id); search (needs q); email_digest'),
    n: z.coerce.number().int().min(1).max(200).default(20).describe('Items to return'),
    item_id: Id.optional().describe('Seed item; required by and only for more_like_this'),
    q: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('Query; required by and only for search'),
    device: Device.optional(),
    locale: Locale.optional(),
  })
  .superRefine((query, ctx) => {
    const needsItem = query.surface === 'more_like_this';
    if (needsItem !== (query.item_id !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['item_id'],
        message: needsItem ? 'required for surface more_like_this' : 'only used by more_like_this',
      });
    }
    const needsQuery = query.surface === 'search';
    if (needsQuery !== (query.q !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['q'],
        message: needsQuery ? 'required for surface search' : 'only used by search',
      });
    }
  });
export type FeedQuery = z.infer<typeof FeedQuery>;

export const FeedItem = z.object({
  item_id: z.string(),
  score: z.number().describe('Ranker score, or the retrieval score when ranking fell back'),
  rank: z.number().int().min(1),
  sources: z.array(z.string()).describe('Candidate sources that produced the item'),
  reason: z.string().describe('Why the item is shown, for people'),
});
export type FeedItem = z.infer<typeof FeedItem>;

export const FeedResponse = z.object({
  request_id: z.string(),
  model_version: z.string(),
  items: z.array(FeedItem),
  timings: z.object({
    retrieval_ms: z.number(),
    ranking_ms: z.number(),
    rerank_ms: z.number(),
    total_ms: z.number(),
  }),
  degraded: z
    .array(z.string())
    .describe(
      'Fallbacks taken: profile_unavailable, ranking_unavailable, ranking_timeout, ' +
        'diversity_unavailable, and those reported by candidates and ranking',
    ),
});
export type FeedResponse = z.infer<typeof FeedResponse>;

export const UserParams = z.strictObject({ user_id: Id.describe('Opaque user id') });

export const PreferencesBody = z
  .strictObject({
    categories: z.array(Category).max(50).optional().describe('Onboarding categories (genres)'),
    region: Region.optional(),
    device: Device.optional(),
  })
  .refine((b) => b.categories !== undefined || b.region !== undefined || b.device !== undefined, {
    message: 'give at least one of categories, region, device',
  });
export type PreferencesBody = z.infer<typeof PreferencesBody>;

export const Preferences = z.object({
  user_id: z.string(),
  categories: z.array(z.string()),
  region: z.string().optional(),
  device: z.string().optional(),
  updated_at: z.number().int().describe('Epoch milliseconds'),
});
export type Preferences = z.infer<typeof Preferences>;

export const ErrorBody = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    field: z.string().optional().describe('The request field at fault, for invalid_argument'),
    retryable: z.boolean(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
