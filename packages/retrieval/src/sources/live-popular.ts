import type { PopularityScope, RankedRows } from '@recsys/artifacts';
import type { PopularItem } from '@recsys/feature-store';
import type { LivePopularity, LiveScope } from '../live-popularity.js';
import { keyOf } from '../live-popularity.js';
import type { CandidateSource } from '../source.js';
import type { RetrievalState } from '../retrieval-state.js';
import { popularCategories, rankPopular } from './popular.js';

/**
 * `popular` ranked by the live counters the stream processor keeps (global, per category, per
 * region), each scope's live list first and the trained list after it, so what people click
 * now leads and the trained table fills the rest (and stands in alone while the live counters
 * are empty, failing or slow). Device lists exist only in training. The walk over the scopes
 * is the trained source's (rankPopular); a store problem is named in `degraded` as
 * `popular_live_unavailable` or `popular_live_timeout`, and the source still answers.
 */
export function livePopularSource(live: LivePopularity): CandidateSource {
  return {
    name: 'popular',
    async run(ctx, count) {
      const { popularity, items } = ctx.state;
      const { region } = ctx.request.context;
      // Only categories the catalog has: a made-up preference must not become a cached scope.
      const scopes: LiveScope[] = popularCategories(ctx)
        .filter((category) => popularity.get({ kind: 'category', name: category }) !== undefined)
        .map((category) => ({ category }));
      if (region !== '') scopes.push({ region });
      scopes.push({});
      const { lists, failure } = await live.read(scopes);
      if (failure !== undefined) ctx.degrade?.(`popular_live_${failure}`);
      const blended = new Map<string, RankedRows | undefined>();
      return rankPopular(ctx, count, (scope) => {
        const trained = popularity.get(scope);
        if (scope.kind === 'device') return trained;
        const key = liveKey(scope);
        if (!blended.has(key)) blended.set(key, blend(items, lists.get(key), trained));
        return blended.get(key);
      });
    },
  };
}

function liveKey(scope: Exclude<PopularityScope, { kind: 'device' }>): string {
  if (scope.kind === 'global') return keyOf({});
  return scope.kind === 'category'
    ? keyOf({ category: scope.name })
    : keyOf({ region: scope.name });
}

/**
 * The live list, then the trained one without the items already listed. A live item scores
 * the trained list's best plus its live score, so the blend stays sorted best first; with no
 * live list the trained list is returned as it is.
 */
export function blend(
  items: RetrievalState['items'],
  live: readonly PopularItem[] | undefined,
  trained: RankedRows | undefined,
): RankedRows | undefined {
  if (live === undefined || live.length === 0) return trained;
  const liveRows: number[] = [];
  const liveScores: number[] = [];
  const seen = new Set<number>();
  for (const item of live) {
    const row = items.rowOf(item.itemId);
    // Ids this version does not know (yet) cannot be served; positive scores only.
    if (row === undefined || seen.has(row) || !(item.score > 0)) continue;
    seen.add(row);
    liveRows.push(row);
    liveScores.push(item.score);
  }
  if (liveRows.length === 0) return trained;
  const base = trained?.scores[0] ?? 0;
  const size = liveRows.length + (trained?.rows.length ?? 0);
  const rows = new Int32Array(size);
  const scores = new Float32Array(size);
  let n = 0;
  for (let i = 0; i < liveRows.length; i++, n++) {
    rows[n] = liveRows[i] ?? 0;
    scores[n] = base + (liveScores[i] ?? 0);
  }
  if (trained !== undefined) {
    for (let i = 0; i < trained.rows.length; i++) {
      const row = trained.rows[i] ?? 0;
      if (seen.has(row)) continue;
      rows[n] = row;
      scores[n++] = trained.scores[i] ?? 0;
    }
  }
  return { rows: rows.subarray(0, n), scores: scores.subarray(0, n) };
}
