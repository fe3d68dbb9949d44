import { AppError } from '@recsys/errors';
import { takeRows, type CandidateSource, type SourceCandidate } from '../source.js';

// Sources that read lists and indexes built once per version: popularity, arrival order,
// the search index. None needs the user tower, so they also serve cold users.

/** `fresh`: the newest items of the catalog (live additions included once indexed). */
export const freshSource: CandidateSource = {
  name: 'fresh',
  run(ctx, count) {
    const { fresh } = ctx.state;
    return Promise.resolve(takeRows(fresh.rows, fresh.scores, ctx, count));
  },
};

const DAY_MS = 86_400_000;
const MAX_DIGEST_SCAN = 20_000;

export interface EmailDigestOptions {
  /** Items that arrived within this many days of the newest item count as recent. */
  windowDays: number;
}

/**
 * `email_digest`: the best unseen items of the last days: items that arrived within the window
 * (measured back from the catalog's newest arrival, so an old export still has a "last
 * week"), ranked by recent popularity; then, if too few arrived or the catalog has no arrival
 * times, the items most popular lately (time-decayed counts).
 */
export function emailDigestSource({ windowDays }: EmailDigestOptions): CandidateSource {
  return {
    name: 'email_digest',
    run(ctx, count) {
      const { items, fresh, itemPopularity, popularity } = ctx.state;
      const newest = items.createdAt(fresh.rows[0] ?? 0);
      const recent: number[] = [];
      if (newest !== undefined) {
        const since = newest - windowDays * DAY_MS;
        // The newest MAX_DIGEST_SCAN arrivals at most: a bounded cost whatever the catalog.
        for (let i = 0; i < fresh.rows.length && i < MAX_DIGEST_SCAN; i++) {
          const row = fresh.rows[i] ?? 0;
          const created = items.createdAt(row);
          if (created === undefined || created < since) break;
          if (!ctx.excluded(row) && items.isLive(row)) recent.push(row);
        }
      }
      recent.sort((a, b) => (itemPopularity[b] ?? 0) - (itemPopularity[a] ?? 0) || b - a);
      const picked = new Set<number>();
      const out: SourceCandidate[] = [];
      for (const row of recent.slice(0, count)) {
        picked.add(row);
        out.push({ row, score: itemPopularity[row] ?? 0 });
      }
      const trending = popularity.get({ kind: 'global' });
      if (trending !== undefined) takeRows(trending.rows, trending.scores, ctx, count, picked, out);
      return Promise.resolve(out);
    },
  };
}

/** `search`: items whose title, genres or tags match the query (SearchIndex). */
export const searchSource: CandidateSource = {
  name: 'search',
  run(ctx, count) {
    const query = ctx.request.query?.trim() ?? '';
    if (query === '') throw new AppError('invalid_argument', 'query: the search surface needs q');
    const keep = (row: number) => !ctx.excluded(row) && ctx.state.items.isLive(row);
    return ctx.state.search.search(query, count, keep, { signal: ctx.signal });
  },
};
