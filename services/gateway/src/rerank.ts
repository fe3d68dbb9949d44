import { mmr } from '@recsys/mmr';
import { degrade, type FeedContext, type FeedRequest, type Scored } from './context.js';
import type { Ranked } from './rank.js';

/**
 * Third stage: MMR over the ranker's best `window` items picks the `n` served
 * (Carbonell & Goldstein 1998), trading relevance for variety by the
 * surface's lambda. Without embeddings the ranker's order stands. Synchronous:
 * a 100-item window costs well under a millisecond on the event loop.
 */
export function rerank(
  input: { request: FeedRequest; ranked: Ranked },
  ctx: FeedContext,
): Scored[] {
  const { request, ranked } = input;
  const { settings, itemVectors } = ctx.deps;
  const lambda = settings.lambda[request.surface];
  const window = ranked.items.slice(0, Math.max(settings.rerankWindow, request.n));
  if (lambda >= 1 || window.length <= 1) return window.slice(0, request.n);

  const vectors = itemVectors ? window.map((item) => itemVectors.get(item.itemId)) : [];
  if (!vectors.some((v) => v !== undefined)) {
    degrade(ctx, 'diversity_unavailable');
    return window.slice(0, request.n);
  }
  try {
    const picks = mmr({ scores: window.map((item) => item.score), vectors, lambda, k: request.n });
    return Array.from(picks, (i) => window[i]!);
  } catch (err) {
    // Embeddings of mixed sizes mean broken artifacts: serve, and say so.
    ctx.log.warn({ err }, 'MMR failed; serving the ranker order');
    degrade(ctx, 'diversity_unavailable');
    return window.slice(0, request.n);
  }
}
