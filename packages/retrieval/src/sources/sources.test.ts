import { common } from '@recsys/contracts';
import { emptySession, type Session } from '@recsys/feature-store';
import { beforeAll, describe, expect, it } from 'vitest';
import { requestScope } from '../request-scope.js';
import type { RetrievalState } from '../retrieval-state.js';
import type { CandidateSource, RetrievalRequest, SourceCandidate } from '../source.js';
import { makeTestState } from '../test-state.js';
import { emailDigestSource, freshSource, searchSource } from './catalog.js';
import { popularSource } from './popular.js';
import { seedI2iSource, sessionI2iSource } from './item-to-item.js';
import { annSource, seedAnnSource } from './nearest.js';

let state: RetrievalState;
beforeAll(async () => {
  state = await makeTestState();
});

function request(over: Partial<RetrievalRequest> = {}): RetrievalRequest {
  return {
    userId: 'u1',
    surface: 'home',
    limit: 100,
    excludeItemIds: [],
    ...over,
    context: common.RequestContext.fromPartial(over.context ?? {}),
  };
}

async function run(
  source: CandidateSource,
  count: number,
  over: Partial<RetrievalRequest> = {},
  session?: Partial<Session>,
  seedRow?: number,
): Promise<SourceCandidate[]> {
  const s = session ? { ...emptySession(over.userId ?? 'u1'), ...session } : undefined;
  const scope = requestScope(state, request(over), s, seedRow);
  return source.run({ ...scope, signal: new AbortController().signal }, count);
}

const rows = (cs: SourceCandidate[]) => cs.map((c) => c.row);

describe('candidate sources', () => {
  it('ann: searches the index with the user embedding, skipping the seen history', async () => {
    const found = await run(annSource, 4); // u1 watched i1, i2: action
    expect(found).toHaveLength(4);
    expect(found.every((c) => c.row >= 3 && c.row <= 6)).toBe(true);
    expect(found[0]!.score).toBeGreaterThanOrEqual(found[3]!.score);
  });

  it('session_i2i: neighbours of the latest items, with the item that led there', async () => {
    const found = await run(sessionI2iSource, 10, { userId: 'new' }, { recentItems: ['i7'] });
    expect(found).toEqual([
      { row: 8, score: expect.closeTo(0.9, 5) as number, viaRow: 7 },
      { row: 9, score: expect.closeTo(0.5, 5) as number, viaRow: 7 },
    ]);
  });

  it('session_i2i: sums scores over anchors and skips seen anchors', async () => {
    // Anchors i2 (-> 3: 0.9, 4: 0.5) and i1 (-> 2, 3: 0.5), the training history of u1.
    const found = await run(sessionI2iSource, 10);
    expect(found[0]).toEqual({ row: 3, score: expect.closeTo(1.4, 5) as number, viaRow: 2 });
    expect(rows(found)).toEqual([3, 4]);
  });

  it('popular: onboarding categories, then region, then global, minus seen', async () => {
    const drama = await run(popularSource, 3, {
      userId: 'x',
      context: { preferredCategories: ['Drama'] } as common.RequestContext,
    });
    expect(rows(drama)).toEqual([7, 8, 9]);
    const eu = await run(popularSource, 4, {
      userId: 'x',
      context: { region: 'eu' } as common.RequestContext,
    });
    expect(rows(eu)).toEqual([12, 11, 10, 1]);
    expect(rows(await run(popularSource, 3))).toEqual([3, 4, 5]);
  });

  it('fresh: newest first', async () => {
    expect(rows(await run(freshSource, 3, { userId: 'x' }))).toEqual([12, 11, 10]);
  });

  it('seed_i2i and seed_ann: around the seed item, never the seed itself', async () => {
    const i2i = await run(seedI2iSource, 5, { userId: 'x' }, undefined, 9);
    expect(i2i.map((c) => [c.row, c.viaRow])).toEqual([
      [10, 9],
      [11, 9],
    ]);
    const ann = await run(seedAnnSource, 3, { userId: 'x' }, undefined, 9);
    expect(ann.every((c) => c.row >= 7 && c.row !== 9 && c.viaRow === 9)).toBe(true);
    await expect(run(seedAnnSource, 3)).rejects.toThrow(/needs a seed/);
  });

  it('search: matching titles, genres and tags', async () => {
    const found = await run(searchSource, 20, { userId: 'x', query: 'quiet odd' });
    // Both words first (odd drama), then one word (even drama; odd action).
    expect(rows(found)).toEqual([7, 9, 11, 8, 10, 12, 1, 3, 5]);
  });

  it('email_digest: recent arrivals by popularity, then trending', async () => {
    const digest = emailDigestSource({ windowDays: 3 });
    expect(rows(await run(digest, 6, { userId: 'x' }))).toEqual([9, 10, 11, 12, 1, 2]);
  });
});
