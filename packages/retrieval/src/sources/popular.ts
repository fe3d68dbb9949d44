import type { PopularityScope, RankedRows } from '@recsys/artifacts';
import {
  takeRows,
  type CandidateSource,
  type SourceCandidate,
  type SourceContext,
} from '../source.js';

/** A ranked list per scope: the trained table's, or one blended with live counters. */
export type PopularLists = (scope: PopularityScope) => RankedRows | undefined;

/**
 * `popular`: training popularity for the user's tastes: the onboarding categories of the
 * request and the session's strongest categories (interleaved, so every chosen category shows
 * up), then the user's region, then device, then everyone. This is also the cold-start path.
 */
export const popularSource: CandidateSource = {
  name: 'popular',
  run(ctx, count) {
    const { popularity } = ctx.state;
    return Promise.resolve(rankPopular(ctx, count, (scope) => popularity.get(scope)));
  },
};

/** The categories whose popular items the user gets first, preferences before the session's. */
export function popularCategories(ctx: Pick<SourceContext, 'request' | 'user'>): string[] {
  const { context } = ctx.request;
  return [...new Set([...context.preferredCategories, ...ctx.user.affinityCategories])];
}

/** The popular source's walk over the scopes, whatever the lists come from. */
export function rankPopular(
  ctx: Pick<SourceContext, 'request' | 'user' | 'excluded' | 'state'>,
  count: number,
  listOf: PopularLists,
): SourceCandidate[] {
  const { context } = ctx.request;
  const lists = popularCategories(ctx)
    .map((name) => listOf({ kind: 'category', name }))
    .filter((l): l is RankedRows => l !== undefined);
  const picked = new Set<number>();
  const out: SourceCandidate[] = [];
  interleave(lists, ctx, count, picked, out);
  const fallbacks = [
    context.region === '' ? undefined : listOf({ kind: 'region', name: context.region }),
    context.device === '' ? undefined : listOf({ kind: 'device', name: context.device }),
    listOf({ kind: 'global' }),
  ];
  for (const list of fallbacks) {
    if (list !== undefined && out.length < count) {
      takeRows(list.rows, list.scores, ctx, count, picked, out);
    }
  }
  return out;
}

/** Round-robin over ranked lists: the best of each, then the second of each, ... */
function interleave(
  lists: readonly RankedRows[],
  ctx: Pick<SourceContext, 'excluded' | 'state'>,
  count: number,
  picked: Set<number>,
  out: SourceCandidate[],
): void {
  for (let i = 0; out.length < count; i++) {
    let any = false;
    for (const list of lists) {
      if (i >= list.rows.length) continue;
      any = true;
      const row = list.rows[i] ?? 0;
      if (picked.has(row) || ctx.excluded(row) || !ctx.state.items.isLive(row)) continue;
      picked.add(row);
      out.push({ row, score: list.scores[i] ?? 0 });
      if (out.length >= count) return;
    }
    if (!any) return;
  }
}
