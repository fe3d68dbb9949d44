import { AsyncLocalStorage } from 'node:async_hooks';
import { status, type Deadline } from '@grpc/grpc-js';
import { Id, ranking } from '@recsys/contracts';
import { unary, type GrpcService } from '@recsys/grpc';
import type { RankRequest, RankResult } from '@recsys/ranker';
import { z } from 'zod';
import type { RankingMetrics } from './metrics.js';

/** The most candidates one call may ask to score (the gateway asks for up to 1,000). */
export const MAX_ITEMS = 2_000;

const RequestContext = z.object({
  device: z.string().max(64),
  locale: z.string().max(64),
  region: z.string().max(64),
  hourOfDay: z.number().int().min(0).max(23),
  dayOfWeek: z.number().int().min(0).max(7),
  preferredCategories: z.array(z.string().max(128)).max(100),
});

/** RankRequest as decoded by ts-proto (camelCase), checked before any work is done. */
export const RankRequestSchema = z.object({
  userId: Id,
  surface: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a surface name: lowercase letters, digits and _'),
  context: RequestContext.optional(),
  itemIds: z.array(Id).min(1, 'must name at least one item').max(MAX_ITEMS),
});

export interface Scorer {
  rank(request: RankRequest, options: { deadlineMs?: number }): Promise<RankResult>;
}

export interface RankServiceOptions {
  /** Model deadline when the caller sets none. */
  defaultDeadlineMs: number;
  onError?: (err: Error) => void;
}

/** Epoch ms of a gRPC deadline; undefined when there is none (grpc-js says Infinity). */
function deadlineAt(deadline: Deadline | undefined): number | undefined {
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return at !== undefined && Number.isFinite(at) ? at : undefined;
}

/**
 * The gRPC edge: validate, score, encode. The caller's deadline bounds the model
 * call, so a late answer is never computed for a caller that stopped waiting.
 */
export function rankService(
  scorer: Scorer,
  metrics: RankingMetrics,
  options: RankServiceOptions,
): GrpcService {
  // grpc-js server calls report their deadline as epoch ms, which unary() does not pass on
  // (it passes Dates only), so the wrapper below hands it to the handler through here.
  const callDeadline = new AsyncLocalStorage<number | undefined>();
  const handler = async (
    request: z.infer<typeof RankRequestSchema>,
    deadline: Date | undefined,
  ): Promise<ranking.RankResponse> => {
    const at = deadlineAt(deadline) ?? callDeadline.getStore();
    const deadlineMs = at === undefined ? options.defaultDeadlineMs : Math.max(1, at - Date.now());
    const result = await scorer.rank(request, { deadlineMs });
    metrics.candidates.observe(request.itemIds.length);
    if (result.unknownItems > 0) metrics.unknownItems.inc(result.unknownItems);
    for (const reason of result.degraded) metrics.degraded.inc({ reason });
    return {
      scores: Array.from(result.scores),
      modelVersion: result.modelVersion,
      degraded: result.degraded,
    };
  };
  const rank = unary<ranking.RankRequest, ranking.RankResponse, typeof RankRequestSchema>(
    RankRequestSchema,
    handler,
    (err) => options.onError?.(err),
  );
  const timed: typeof rank = (call, callback) => {
    const end = metrics.requestSeconds.startTimer({ route: 'Rank' });
    callDeadline.run(deadlineAt(call.getDeadline()), () =>
      rank(call, (err, value) => {
        end({ status: err ? (status[err.code ?? status.UNKNOWN] ?? 'UNKNOWN') : 'OK' });
        callback(err, value);
      }),
    );
  };
  return { definition: ranking.RankingServiceService, implementation: { rank: timed } };
}
