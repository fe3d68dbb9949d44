import type { Profile } from '@recsys/feature-store';
import type { common } from '@recsys/contracts';
import { AppError, toAppError } from '@recsys/errors';
import { degrade, type FeedContext, type FeedRequest, type Scored } from './context.js';
import { withDeadline } from './deadline.js';

export interface Retrieved {
  /** In the order retrieval returned them, duplicates and the seed item removed. */
  candidates: Scored[];
  modelVersion: string;
  /** Sent to ranking as well, so both stages see the same context. */
  context: common.RequestContext;
}

/**
 * First stage: candidates from the configured sources of the surface. With
 * no candidates there is nothing to rank or serve, so a failure here is the
 * one that fails the request: 503, retryable.
 */
export async function retrieve(
  input: { request: FeedRequest; profile: Profile | undefined },
  ctx: FeedContext,
): Promise<Retrieved> {
  const { request, profile } = input;
  const { candidates: client, settings, metrics } = ctx.deps;
  const context = requestContext(request, profile);
  const response = await withDeadline(
    client.generate(
      {
        userId: request.userId,
        surface: request.surface,
        limit: settings.candidateLimit,
        seedItemId: request.itemId ?? '',
        query: request.query ?? '',
        context,
        excludeItemIds: request.itemId ? [request.itemId] : [],
      },
      { deadlineMs: settings.candidatesDeadlineMs, requestId: ctx.requestId },
    ),
    settings.candidatesDeadlineMs,
    'candidates',
  ).catch((err: unknown) => {
    throw unavailable(err);
  });

  for (const [source, count] of Object.entries(response.sourceCounts)) {
    metrics.candidates.inc({ source }, count);
  }
  for (const reason of response.degraded) degrade(ctx, reason);

  const seen = new Set<string>(request.itemId ? [request.itemId] : []);
  const candidates: Scored[] = [];
  for (const c of response.candidates) {
    if (seen.has(c.itemId)) continue;
    seen.add(c.itemId);
    // Already a Scored, and never changed downstream (rank.ts copies): no copy per item.
    candidates.push(c);
  }
  return { candidates, modelVersion: response.modelVersion, context };
}

function requestContext(request: FeedRequest, profile: Profile | undefined): common.RequestContext {
  // Server time in UTC: the clock the training events were logged in.
  const now = new Date();
  return {
    device: request.device ?? profile?.device ?? '',
    locale: request.locale ?? '',
    region: profile?.region ?? '',
    hourOfDay: now.getUTCHours(),
    dayOfWeek: now.getUTCDay() === 0 ? 7 : now.getUTCDay(),
    preferredCategories: profile?.categories ?? [],
  };
}

/** The client's own mistakes (an unknown seed item) pass through; the rest is "try again". */
function unavailable(err: unknown): AppError {
  const appError = toAppError(err);
  if (appError.code === 'invalid_argument' || appError.code === 'not_found') return appError;
  const why = appError.code === 'deadline_exceeded' ? 'timed out' : 'is unavailable';
  return new AppError('unavailable', `candidate generation ${why}; retry shortly`, true, {
    cause: err,
  });
}
