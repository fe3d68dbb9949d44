import { common } from '@recsys/contracts';
import { userEvent } from '@recsys/contracts/testing';
import { AppError } from '@recsys/errors';
import { MemoryPopularityStore, emptySession, type PopularityStore } from '@recsys/feature-store';
import { beforeAll, describe, expect, it } from 'vitest';
import { LivePopularity } from '../live-popularity.js';
import { requestScope } from '../request-scope.js';
import type { RetrievalState } from '../retrieval-state.js';
import type { CandidateSource, RetrievalRequest, SourceCandidate } from '../source.js';
import { ITEMS, makeTestState } from '../test-state.js';
import { blend, livePopularSource } from './live-popular.js';
import { popularSource } from './popular.js';

let state: RetrievalState;
beforeAll(async () => {
  state = await makeTestState();
});

const categoriesOf = (id: string) => ITEMS.find((i) => i.id === id)?.categories;

function memoryStore(): MemoryPopularityStore {
  return new MemoryPopularityStore({ itemCategories: categoriesOf });
}

let sequence = 0;
function clicks(store: PopularityStore, itemId: string, n: number) {
  return store.applyUserEvents(
    Array.from({ length: n }, () =>
      userEvent({
        eventId: `e${++sequence}`,
        userId: `clicker-${sequence}`,
        itemId,
      }),
    ),
  );
}

async function run(
  source: CandidateSource,
  count: number,
  over: Partial<RetrievalRequest> = {},
  seen: string[] = [],
): Promise<{ rows: number[]; degraded: string[]; found: SourceCandidate[] }> {
  const request: RetrievalRequest = {
    userId: 'x',
    surface: 'home',
    limit: 100,
    excludeItemIds: [],
    ...over,
    context: common.RequestContext.fromPartial(over.context ?? {}),
  };
  const session = { ...emptySession(request.userId), seen };
  const degraded: string[] = [];
  const found = await source.run(
    {
      ...requestScope(state, request, session, undefined),
      signal: new AbortController().signal,
      degrade: (reason) => degraded.push(reason),
    },
    count,
  );
  return { rows: found.map((c) => c.row), degraded, found };
}

const CONTEXTS: Partial<common.RequestContext>[] = [
  {},
  { preferredCategories: ['Drama'] },
  { region: 'eu' },
  { preferredCategories: ['Action', 'Drama'], region: 'eu', device: 'web' },
];

describe('popular ranked by live counters', () => {
  it('is the trained source, item for item, while the live counters are empty', async () => {
    const live = livePopularSource(new LivePopularity({ store: memoryStore() }));
    for (const context of CONTEXTS) {
      const over = { context: context as common.RequestContext };
      const got = await run(live, 6, over);
      const trained = await run(popularSource, 6, over);
      expect(got.found).toEqual(trained.found);
      expect(got.degraded).toEqual([]);
    }
  });

  it('puts what people click now first: a trained-unpopular item leads the global list', async () => {
    const store = memoryStore();
    const live = livePopularSource(new LivePopularity({ store }));
    expect((await run(popularSource, 3)).rows).toEqual([1, 2, 3]); // i12 is the least popular
    await clicks(store, 'i12', 3);
    await clicks(store, 'i9', 1);
    const got = await run(live, 4);
    expect(got.rows).toEqual([12, 9, 1, 2]);
    expect(got.found.map((c) => c.score)).toEqual(
      [...got.found.map((c) => c.score)].sort((a, b) => b - a),
    );
  });

  it('blends per category and region, and never serves what the user saw', async () => {
    const store = new MemoryPopularityStore({
      itemCategories: categoriesOf,
      userRegions: (users) => Promise.resolve(new Map(users.map((u) => [u, 'eu']))),
    });
    await clicks(store, 'i5', 2); // Action, clicked from eu
    await clicks(store, 'i11', 1); // Drama, clicked from eu
    const live = livePopularSource(new LivePopularity({ store }));
    const drama = await run(live, 3, {
      context: { preferredCategories: ['Drama'] } as common.RequestContext,
    });
    expect(drama.rows).toEqual([11, 7, 8]);
    const eu = await run(live, 3, { context: { region: 'eu' } as common.RequestContext }, ['i5']);
    expect(eu.rows).toEqual([11, 12, 10]);
  });

  it('falls back to the trained table and says so when the store fails or is slow', async () => {
    const down: PopularityStore = {
      applyUserEvents: () => Promise.reject(new AppError('unavailable', 'down')),
      getPopular: () => Promise.reject(new AppError('unavailable', 'down')),
    };
    const slow: PopularityStore = {
      applyUserEvents: () => Promise.resolve({ applied: 0, duplicates: 0 }),
      getPopular: () => new Promise((resolve) => setTimeout(() => resolve([]), 200)),
    };
    const trained = await run(popularSource, 5);
    for (const [store, reason] of [
      [down, 'popular_live_unavailable'],
      [slow, 'popular_live_timeout'],
    ] as const) {
      const got = await run(livePopularSource(new LivePopularity({ store, waitMs: 10 })), 5);
      expect(got.found).toEqual(trained.found);
      expect(got.degraded).toEqual([reason]);
    }
  });

  it('does not make a cached scope of a category the catalog does not have', async () => {
    const reads: string[] = [];
    const store = memoryStore();
    const counting: PopularityStore = {
      applyUserEvents: (batch) => store.applyUserEvents(batch),
      getPopular: (query) => {
        reads.push(query.category ?? query.region ?? 'g');
        return store.getPopular(query);
      },
    };
    const live = livePopularSource(new LivePopularity({ store: counting }));
    await run(live, 3, {
      context: { preferredCategories: ['Made-up', 'Drama'] } as common.RequestContext,
    });
    expect(reads.sort()).toEqual(['Drama', 'g']);
  });
});

describe('blend', () => {
  it('lists live items first (known ids, positive scores, once), then the trained rest', () => {
    const trained = state.popularity.get({ kind: 'category', name: 'Drama' })!;
    const got = blend(
      state.items,
      [
        { itemId: 'i9', score: 2 },
        { itemId: 'unknown', score: 1.5 },
        { itemId: 'i9', score: 1 },
        { itemId: 'i8', score: 0.5 },
        { itemId: 'i10', score: 0 },
      ],
      trained,
    );
    expect(Array.from(got!.rows)).toEqual([9, 8, 7, 10, 11, 12]);
    const top = trained.scores[0]!;
    expect(Array.from(got!.scores.subarray(0, 3))).toEqual([top + 2, top + 0.5, top]);
    expect(blend(state.items, [], trained)).toBe(trained);
    expect(blend(state.items, [{ itemId: 'unknown', score: 1 }], undefined)).toBeUndefined();
    expect(Array.from(blend(state.items, [{ itemId: 'i3', score: 1 }], undefined)!.rows)).toEqual([
      3,
    ]);
  });
});
