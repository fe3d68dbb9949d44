import { userEvent } from '@recsys/contracts/testing';
import { AppError } from '@recsys/errors';
import { MemorySessionStore, type SessionStore } from '@recsys/feature-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ranker, type RankerOptions, type RankRequest } from './ranker.js';
import { makeReference, type Reference } from './testing/index.js';

let ref: Reference;

beforeAll(async () => {
  ref = await makeReference({ seed: 5 });
}, 120_000);
afterAll(() => ref?.remove());

const source = (version = 'v1') => ({
  version,
  tables: ref.tables,
  denseColumns: ref.doc.columns,
  rankerPath: ref.rankerPath,
  userTowerPath: ref.userTowerPath,
});

async function withRanker<T>(options: RankerOptions, f: (r: Ranker) => Promise<T>): Promise<T> {
  const ranker = await Ranker.open(source(), options);
  try {
    return await f(ranker);
  } finally {
    await ranker.close();
  }
}

function request(u = 2): RankRequest {
  return {
    userId: ref.userId(u),
    surface: 'home',
    context: undefined,
    itemIds: ['item-1', 'item-2', 'nope', 'item-7', 'item-9'],
  };
}

const failing: SessionStore = {
  applyUserEvents: () => Promise.reject(new Error('unused')),
  getSession: () => Promise.reject(new AppError('unavailable', 'redis: connection refused')),
};
const hanging: SessionStore = {
  applyUserEvents: () => Promise.reject(new Error('unused')),
  getSession: () => new Promise(() => undefined),
};

describe('Ranker', () => {
  it('scores every item in request order, unknown ones as the out-of-vocabulary row', async () => {
    const stages: string[] = [];
    const onStage = (s: string) => stages.push(s);
    await withRanker({ sessions: new MemorySessionStore(), onStage }, async (ranker) => {
      const result = await ranker.rank(request());
      expect(result.scores).toHaveLength(5);
      expect(result.scores.every(Number.isFinite)).toBe(true);
      expect(result).toMatchObject({ modelVersion: 'v1', degraded: [], unknownItems: 1 });
      // Two unknown ids read the same row, so they score alike.
      const twice = await ranker.rank({ ...request(), itemIds: ['nope', 'other-new'] });
      expect(twice.scores[0]).toBe(twice.scores[1]);
      expect((await ranker.rank({ ...request(), itemIds: [] })).scores).toHaveLength(0);
    });
    expect(new Set(stages)).toEqual(new Set(['session', 'features', 'user_tower', 'model']));
  });

  it('uses live session features, and nothing changes for a user without events', async () => {
    const sessions = new MemorySessionStore();
    const [plain, withEmpty, withClicks] = await withRanker({ sessions }, async (ranker) => {
      const before = await ranker.rank(request());
      const empty = await ranker.rank(request());
      const now = Date.now();
      await sessions.applyUserEvents(
        ['item-7', 'item-3', 'item-7'].map((itemId, i) =>
          userEvent({
            eventId: `e${i}`,
            userId: ref.userId(2),
            itemId,
            timestamp: now - 60_000 + i,
            position: i,
          }),
        ),
      );
      return [before, empty, await ranker.rank(request())];
    });
    expect(withEmpty.scores).toEqual(plain.scores);
    expect(withClicks.scores).not.toEqual(plain.scores);
    expect(withClicks.degraded).toEqual([]);
  });

  it('scores without session features when the store fails or is slow, and says so', async () => {
    const alone = await withRanker({}, (ranker) => ranker.rank(request()));
    for (const sessions of [failing, hanging]) {
      const result = await withRanker({ sessions, sessionTimeoutMs: 20 }, (r) => r.rank(request()));
      expect(result.degraded).toEqual(['session_store_unavailable']);
      expect(result.scores).toEqual(alone.scores);
    }
  });

  it('swaps to a new version under load without failing or mixing a request', async () => {
    await withRanker({ pool: { workers: 1 } }, async (ranker) => {
      const versions: string[] = [];
      const startedAfterSwap: string[] = [];
      const failures: unknown[] = [];
      let [stop, swapped] = [false, false];
      const client = async () => {
        while (!stop) {
          const after = swapped;
          await ranker.rank(request()).then(
            (r) => (after ? startedAfterSwap : versions).push(r.modelVersion),
            (err: unknown) => failures.push(err),
          );
        }
      };
      const clients = Array.from({ length: 6 }, client);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await ranker.swap(source('v2'));
      swapped = true;
      expect(ranker.modelVersion).toBe('v2');
      await new Promise((resolve) => setTimeout(resolve, 100));
      stop = true;
      await Promise.all(clients);
      expect(failures).toEqual([]);
      // Requests that held v1 at the switch finished on it; every later one got v2.
      expect(versions).toContain('v1');
      expect(startedAfterSwap.length).toBeGreaterThan(0);
      expect(new Set(startedAfterSwap)).toEqual(new Set(['v2']));
    });
  });

  it('keeps serving the current version when the new one fails to load', async () => {
    await withRanker({}, async (ranker) => {
      await expect(ranker.swap({ ...source('v3'), rankerPath: '/missing.onnx' })).rejects.toThrow();
      const bad = { ...source('v4'), denseColumns: [...ref.doc.columns, 'ctr'] };
      await expect(ranker.swap(bad)).rejects.toThrow(/unknown dense column "ctr"/);
      expect((await ranker.rank(request())).modelVersion).toBe('v1');
    });
  });
});
