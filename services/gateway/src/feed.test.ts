import { AppError } from '@recsys/errors';
import { describe, expect, it } from 'vitest';
import { FeedResponse } from './api-schemas.js';
import { buildApp } from './app.js';
import { candidateList, fakeDeps, generated, TEST_SETTINGS } from './testing.js';

async function feed(deps: ReturnType<typeof fakeDeps>['deps'], query: string) {
  const app = buildApp(deps);
  const res = await app.inject({ method: 'GET', url: `/v1/feed?${query}` });
  await app.close();
  return res;
}

const ids = (body: FeedResponse) => body.items.map((i) => i.item_id);

describe('GET /v1/feed', () => {
  it('serves home: retrieval, then the ranker order, documented shape', async () => {
    const { deps, candidates, ranking } = fakeDeps();
    const res = await feed(deps, 'user_id=42&n=5&device=web&locale=en-US');
    expect(res.statusCode).toBe(200);
    const body = FeedResponse.parse(res.json());
    // The fake ranker reverses retrieval order.
    expect(ids(body)).toEqual(['i50', 'i49', 'i48', 'i47', 'i46']);
    expect(body.items.map((i) => i.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(body.items[0]).toMatchObject({
      score: 49,
      sources: ['ann'],
      reason: 'Recommended for you',
    });
    expect(body.model_version).toBe('ranker-v1');
    expect(body.degraded).toEqual([]);
    expect(body.request_id).toBe(res.headers['x-request-id']);
    expect(body.timings.total_ms).toBeGreaterThanOrEqual(body.timings.retrieval_ms);

    expect(candidates.calls[0]).toMatchObject({
      userId: '42',
      surface: 'home',
      limit: 1000,
      seedItemId: '',
      query: '',
      excludeItemIds: [],
      context: { device: 'web', locale: 'en-US' },
    });
    expect(ranking.calls[0]?.itemIds).toHaveLength(50);
  });

  it('serves more_like_this seeded by the item, never returning the seed', async () => {
    const { deps, candidates } = fakeDeps();
    candidates.handler = () =>
      generated([
        { itemId: 'seed:1', score: 1, sources: ['item2item'], viaItemId: '', interactions: 50 },
        { itemId: 'a', score: 0.9, sources: ['item2item'], viaItemId: 'seed:1', interactions: 50 },
        { itemId: 'b', score: 0.8, sources: ['ann'], viaItemId: '', interactions: 50 },
        { itemId: 'a', score: 0.7, sources: ['ann'], viaItemId: '', interactions: 50 },
      ]);
    deps.itemTitles = new Map([['seed:1', 'Heat (1995)']]);
    const res = await feed(deps, 'user_id=u1&surface=more_like_this&item_id=seed:1');
    expect(res.statusCode).toBe(200);
    const body = FeedResponse.parse(res.json());
    expect(ids(body).sort()).toEqual(['a', 'b']);
    const a = body.items.find((i) => i.item_id === 'a');
    expect(a?.reason).toBe('Similar to "Heat (1995)"');
    expect(candidates.calls[0]).toMatchObject({ seedItemId: 'seed:1', excludeItemIds: ['seed:1'] });
  });

  it('serves search with the query passed on and explained', async () => {
    const { deps, candidates } = fakeDeps();
    candidates.handler = () => generated(candidateList(3, [['search']]));
    const res = await feed(deps, 'user_id=u1&surface=search&q=%20space%20opera%20');
    expect(res.statusCode).toBe(200);
    expect(candidates.calls[0]).toMatchObject({ surface: 'search', query: 'space opera' });
    expect(res.json<FeedResponse>().items[0]?.reason).toBe('Matches "space opera"');
  });

  it('diversifies email_digest more strongly than home (its own lambda)', async () => {
    // Ranked: A 1.0, B 0.9 (a duplicate of A), C 0.5. Scaled relevance 1, 0.8, 0.
    // home, lambda 0.8: B = 0.64 - 0.2 = 0.44 > C = 0, so B stays second.
    // email_digest, lambda 0.5: B = 0.4 - 0.5 < C = 0, so C moves up.
    const scores: Record<string, number> = { A: 1, B: 0.9, C: 0.5 };
    const setup = () => {
      const f = fakeDeps({
        itemVectors: new Map([
          ['A', Float32Array.of(1, 0)],
          ['B', Float32Array.of(1, 0)],
          ['C', Float32Array.of(0, 1)],
        ]),
      });
      f.candidates.handler = () =>
        generated(
          candidateList(0).concat(
            ['C', 'B', 'A'].map((itemId) => ({
              itemId,
              score: 0,
              sources: ['ann'],
              viaItemId: '',
              interactions: 50,
            })),
          ),
        );
      f.ranking.handler = (req) => ({
        scores: req.itemIds.map((id) => scores[id]!),
        modelVersion: 'r',
        degraded: [],
      });
      return f.deps;
    };
    const home = await feed(setup(), 'user_id=u&n=3');
    expect(ids(home.json())).toEqual(['A', 'B', 'C']);
    const digest = await feed(setup(), 'user_id=u&n=3&surface=email_digest');
    expect(ids(digest.json())).toEqual(['A', 'C', 'B']);
    // Scores stay the ranker's: MMR reorders, it does not rescore.
    expect(digest.json<FeedResponse>().items.map((i) => i.score)).toEqual([1, 0.5, 0.9]);
  });

  it('keeps the ranker order when no embeddings are known, and says so', async () => {
    const { deps } = fakeDeps({ itemVectors: undefined });
    const body = (await feed(deps, 'user_id=u&n=3')).json<FeedResponse>();
    expect(ids(body)).toEqual(['i50', 'i49', 'i48']);
    expect(body.degraded).toEqual(['diversity_unavailable']);
  });

  it('returns n items within bounds, growing the MMR window when n exceeds it', async () => {
    const { deps, candidates } = fakeDeps();
    candidates.handler = () => generated(candidateList(300));
    expect((await feed(deps, 'user_id=u&n=1')).json<FeedResponse>().items).toHaveLength(1);
    const big = (await feed(deps, 'user_id=u&n=200')).json<FeedResponse>();
    expect(big.items).toHaveLength(200);
    expect(new Set(ids(big)).size).toBe(200);
    expect((await feed(deps, 'user_id=u')).json<FeedResponse>().items).toHaveLength(20);
  });

  it('serves fewer items when retrieval has fewer, and an empty feed when none', async () => {
    const { deps, candidates, ranking } = fakeDeps();
    candidates.handler = () => generated(candidateList(2));
    expect((await feed(deps, 'user_id=u&n=10')).json<FeedResponse>().items).toHaveLength(2);
    candidates.handler = () => generated([]);
    const empty = await feed(deps, 'user_id=u');
    expect(empty.statusCode).toBe(200);
    expect(empty.json<FeedResponse>().items).toEqual([]);
    expect(ranking.calls).toHaveLength(1);
  });

  it('explains items by their sources', async () => {
    const { deps, candidates, profiles } = fakeDeps();
    await profiles.put('u', { categories: [], region: 'eu', updatedAt: 1 });
    deps.itemTitles = new Map([['m9', 'Toy Story (1995)']]);
    candidates.handler = () =>
      generated([
        { itemId: 'i1', score: 1, sources: ['session_i2i'], viaItemId: 'm9', interactions: 50 },
        { itemId: 'i2', score: 1, sources: ['popular_region'], viaItemId: '', interactions: 50 },
        { itemId: 'i3', score: 1, sources: ['fresh'], viaItemId: '', interactions: 50 },
        { itemId: 'i4', score: 1, sources: ['ann', 'popular'], viaItemId: '', interactions: 50 },
        { itemId: 'i5', score: 1, sources: ['ann'], viaItemId: '', interactions: 50 },
      ]);
    deps.ranking = {
      rank: (req) =>
        Promise.resolve({ scores: req.itemIds.map(() => 1), modelVersion: 'r', degraded: [] }),
    };
    const body = (await feed(deps, 'user_id=u&n=5')).json<FeedResponse>();
    expect(body.items.map((i) => [i.item_id, i.reason])).toEqual([
      ['i1', 'Because you watched "Toy Story (1995)"'],
      ['i2', 'Popular in your region'],
      ['i3', 'New arrival'],
      ['i4', 'Popular in your region'],
      ['i5', 'Recommended for you'],
    ]);
  });
});

describe('GET /v1/feed fallbacks', () => {
  it('serves retrieval order when ranking is late', async () => {
    const { deps, ranking } = fakeDeps({ settings: { ...TEST_SETTINGS, rankingDeadlineMs: 20 } });
    ranking.handler = (req) =>
      new Promise((resolve) =>
        setTimeout(
          () => resolve({ scores: req.itemIds.map(() => 1), modelVersion: 'r', degraded: [] }),
          300,
        ),
      );
    const res = await feed(deps, 'user_id=u&n=3');
    expect(res.statusCode).toBe(200);
    const body = FeedResponse.parse(res.json());
    expect(ids(body)).toEqual(['i1', 'i2', 'i3']);
    expect(body.degraded).toEqual(['ranking_timeout']);
    expect(body.model_version).toBe('retrieval-v1');
    expect(body.items.map((i) => i.score)).toEqual([1, 1 - 1 / 51, 1 - 2 / 51]);
  });

  it('serves retrieval order when ranking is down or answers nonsense', async () => {
    for (const handler of [
      () => {
        throw new AppError('unavailable', 'connection refused');
      },
      () => ({ scores: [1, 2], modelVersion: 'r', degraded: [] }),
      (req: { itemIds: string[] }) => ({
        scores: req.itemIds.map(() => Number.NaN),
        modelVersion: 'r',
        degraded: [],
      }),
    ]) {
      const { deps, ranking } = fakeDeps();
      ranking.handler = handler;
      const res = await feed(deps, 'user_id=u&n=3');
      expect(res.statusCode).toBe(200);
      expect(ids(res.json())).toEqual(['i1', 'i2', 'i3']);
      expect(res.json<FeedResponse>().degraded).toEqual(['ranking_unavailable']);
    }
  });

  it('passes the degraded flags of candidates and ranking through', async () => {
    const { deps, candidates, ranking } = fakeDeps();
    candidates.handler = () => generated(candidateList(5), ['session_store_unavailable']);
    ranking.handler = (req) => ({
      scores: req.itemIds.map(() => 0),
      modelVersion: 'r',
      degraded: ['session_features_unavailable'],
    });
    const res = await feed(deps, 'user_id=u');
    expect(res.json<FeedResponse>().degraded).toEqual([
      'session_store_unavailable',
      'session_features_unavailable',
    ]);
  });

  it('serves without preferences when the profile store fails', async () => {
    const { deps, candidates } = fakeDeps();
    deps.profiles = {
      get: () => Promise.reject(new Error('ECONNREFUSED')),
      put: () => Promise.resolve(),
    };
    const res = await feed(deps, 'user_id=u&n=2');
    expect(res.statusCode).toBe(200);
    expect(res.json<FeedResponse>().degraded).toEqual(['profile_unavailable']);
    expect(candidates.calls[0]?.context?.preferredCategories).toEqual([]);
  });

  it('answers 503, retryable, when retrieval is down or late', async () => {
    const down = fakeDeps();
    down.candidates.handler = () => {
      throw new Error('ECONNREFUSED 10.0.0.1:50051');
    };
    const res = await feed(down.deps, 'user_id=u');
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json()).toEqual({
      error: {
        code: 'unavailable',
        message: 'candidate generation is unavailable; retry shortly',
        retryable: true,
      },
    });
    expect(down.ranking.calls).toHaveLength(0);

    const late = fakeDeps({ settings: { ...TEST_SETTINGS, candidatesDeadlineMs: 20 } });
    late.candidates.handler = () => new Promise(() => {});
    const lateRes = await feed(late.deps, 'user_id=u');
    expect(lateRes.statusCode).toBe(503);
    expect(lateRes.json<{ error: { message: string } }>().error.message).toMatch(/timed out/);
  });

  it('passes retrieval saying the seed item is unknown through as 404', async () => {
    const { deps, candidates } = fakeDeps();
    candidates.handler = () => {
      throw new AppError('not_found', 'candidates: item nope is not in the catalog');
    };
    const res = await feed(deps, 'user_id=u&surface=more_like_this&item_id=nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'not_found', retryable: false } });
  });
});
