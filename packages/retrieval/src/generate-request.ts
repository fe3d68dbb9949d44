import { Id, type candidates } from '@recsys/contracts';
import { AppError } from '@recsys/errors';
import { z } from 'zod';
import type { RetrievalResponse } from './retriever.js';
import type { RetrievalRequest } from './source.js';

const label = (max: number) => z.string().max(max);

/**
 * A decoded candidates.GenerateRequest, checked field by field. The gRPC service and the
 * in-process client both validate with it, so the two modes accept exactly the same input.
 * The surface is checked against the configured mixes by the Retriever.
 */
export const GenerateRequestSchema = z.object({
  userId: Id,
  surface: z.string().min(1, 'is required').max(64),
  limit: z.number().int().min(1).max(2000),
  seedItemId: z.union([z.literal(''), Id]),
  query: label(256),
  context: z
    .object({
      device: label(64),
      locale: label(35),
      region: label(64),
      hourOfDay: z.number().int().min(0).max(23),
      dayOfWeek: z.number().int().min(0).max(7),
      preferredCategories: z.array(label(128)).max(50),
    })
    .optional(),
  excludeItemIds: z.array(Id).max(2000),
});
export type GenerateRequestInput = z.infer<typeof GenerateRequestSchema>;

/** Validates a decoded request; the error names the first bad field, as the gRPC edge does. */
export function parseGenerateRequest(request: candidates.GenerateRequest): GenerateRequestInput {
  const parsed = GenerateRequestSchema.safeParse(request);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'request';
  throw new AppError('invalid_argument', `${field}: ${issue?.message}`);
}

export function toRetrievalRequest(input: GenerateRequestInput): RetrievalRequest {
  return {
    userId: input.userId,
    surface: input.surface,
    limit: input.limit,
    seedItemId: input.seedItemId,
    query: input.query,
    context: input.context ?? {
      device: '',
      locale: '',
      region: '',
      hourOfDay: 0,
      dayOfWeek: 0,
      preferredCategories: [],
    },
    excludeItemIds: input.excludeItemIds,
  };
}

export function toGenerateResponse(response: RetrievalResponse): candidates.GenerateResponse {
  return {
    candidates: response.candidates,
    sourceCounts: response.sourceCounts,
    modelVersion: response.modelVersion,
    degraded: response.degraded,
  };
}
