import { AppError, toAppError } from '@recsys/errors';
import { degrade, type FeedContext, type FeedRequest, type Scored } from './context.js';
import { withDeadline } from './deadline.js';
import type { Retrieved } from './retrieve.js';

export interface Ranked {
  /** Best first. */
  items: Scored[];
  modelVersion: string;
}

/**
 * Second stage: the ranker scores every candidate. Late or down, the feed
 * keeps retrieval's order and says so in `degraded`; it still answers.
 */
export async function rank(
  input: { request: FeedRequest; retrieved: Retrieved },
  ctx: FeedContext,
): Promise<Ranked> {
  const { request, retrieved } = input;
  const { ranking, settings } = ctx.deps;
  if (retrieved.candidates.length === 0) {
    return { items: [], modelVersion: retrieved.modelVersion };
  }
  try {
    const response = await withDeadline(
      ranking.rank(
        {
          userId: request.userId,
          surface: request.surface,
          context: retrieved.context,
          itemIds: retrieved.candidates.map((c) => c.itemId),
        },
        { deadlineMs: settings.rankingDeadlineMs, requestId: ctx.requestId },
      ),
      settings.rankingDeadlineMs,
      'ranking',
    );
    const { scores } = response;
    if (scores.length !== retrieved.candidates.length || !scores.every(Number.isFinite)) {
      throw new AppError(
        'internal',
        `ranking returned ${scores.length} scores, not ${retrieved.candidates.length} finite ones`,
      );
    }
    for (const reason of response.degraded) degrade(ctx, reason);
    const order = scores.map((_, i) => i);
    // Ties keep retrieval order: Array#sort is stable.
    order.sort((a, b) => scores[b]! - scores[a]!);
    return {
      items: order.map((i) => ({ ...retrieved.candidates[i]!, score: scores[i]! })),
      modelVersion: response.modelVersion,
    };
  } catch (err) {
    const code = toAppError(err).code;
    ctx.log.warn({ err }, 'ranking failed; serving retrieval order');
    degrade(ctx, code === 'deadline_exceeded' ? 'ranking_timeout' : 'ranking_unavailable');
    return { items: retrieved.candidates, modelVersion: retrieved.modelVersion };
  }
}
