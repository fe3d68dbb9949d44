import type { FeedResponse } from './api-schemas.js';
import { timed, type FeedContext, type FeedRequest } from './context.js';
import { explain } from './explain.js';
import { withExploration } from './explore.js';
import { loadProfile } from './profile.js';
import { rank } from './rank.js';
import { rerank } from './rerank.js';
import { retrieve } from './retrieve.js';

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * The feed, top to bottom: preferences, retrieval, ranking, MMR, response.
 * Each stage owns its fallback (profile and ranking degrade; retrieval, with
 * nothing to serve, fails the request) and notes it in ctx.degraded.
 */
export async function serveFeed(request: FeedRequest, ctx: FeedContext): Promise<FeedResponse> {
  const started = performance.now();
  const profile = await timed(ctx, 'profile', () => loadProfile(request, ctx));
  const retrieved = await timed(ctx, 'retrieval', () => retrieve({ request, profile }, ctx));
  const ranked = await timed(ctx, 'ranking', () => rank({ request, retrieved }, ctx));
  const picked = await timed(ctx, 'rerank', () => {
    const diverse = rerank({ request, ranked }, ctx);
    const { settings } = ctx.deps;
    return withExploration(diverse, ranked.items, request, {
      share: settings.exploration[request.surface],
      maxInteractions: settings.explorationMaxInteractions,
    });
  });

  for (const reason of ctx.degraded) ctx.deps.metrics.fallbacks.inc({ reason });
  const explainContext = {
    surface: request.surface,
    query: request.query,
    seedItemId: request.itemId,
    region: retrieved.context.region || undefined,
    titles: ctx.deps.itemTitles,
  };
  return {
    request_id: ctx.requestId,
    model_version: ranked.modelVersion,
    items: picked.map((item, i) => ({
      item_id: item.itemId,
      score: item.score,
      rank: i + 1,
      sources: item.sources,
      reason: explain(item, explainContext),
    })),
    timings: {
      retrieval_ms: round(ctx.timings.retrieval),
      ranking_ms: round(ctx.timings.ranking),
      rerank_ms: round(ctx.timings.rerank),
      total_ms: round(performance.now() - started),
    },
    degraded: ctx.degraded,
  };
}
