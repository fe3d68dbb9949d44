import { randomUUID } from 'node:crypto';
import { events } from '@recsys/contracts';
import { userEvent } from '@recsys/contracts/testing';
import { describe, expect, it } from 'vitest';
import type { PopularItem, PopularityStore, PopularityStoreOptions } from '../popularity.js';

export type PopularityStoreFactory = (
  options: PopularityStoreOptions,
) => PopularityStore | Promise<PopularityStore>;

const HOUR = 3_600_000;
const T = events.UserEventType;

/**
 * The behaviour every PopularityStore must have, run against the in-memory
 * store in unit tests and against real Redis in the integration tests. Each
 * case makes its own store with `now` fixed, and uses categories and regions
 * of its own (the global scope is shared by the cases of one Redis prefix, so
 * the factory must give each case a fresh prefix).
 */
export function describePopularityStore(name: string, make: PopularityStoreFactory): void {
  describe(`PopularityStore contract: ${name}`, () => {
    const T0 = 1_764_000_000_000;

    it('weights events by type and decays them by the half-life', async () => {
      const store = await make({ limits: { halfLifeMs: HOUR }, now: () => T0 + 2 * HOUR });
      const u = user();
      const result = await store.applyUserEvents([
        ev(u, 'a', T.USER_EVENT_TYPE_CLICK, T0), // 1, two half-lives ago
        ev(u, 'b', T.USER_EVENT_TYPE_WATCH, T0 + HOUR), // 2, one half-life ago
        ev(u, 'c', T.USER_EVENT_TYPE_LIKE, T0 + 2 * HOUR), // 3, now
        ev(u, 'a', T.USER_EVENT_TYPE_IMPRESSION, T0 + 2 * HOUR), // counts nothing
        ev(u, 'd', T.USER_EVENT_TYPE_SKIP, T0 + 2 * HOUR), // counts nothing
      ]);
      expect(result).toEqual({ applied: 3, duplicates: 0 });
      const now = await store.getPopular({ limit: 10, at: T0 + 2 * HOUR });
      expect(now.map((p) => p.itemId)).toEqual(['c', 'b', 'a']);
      expect(now.map((p) => p.score)).toEqual([
        expect.closeTo(3, 9),
        expect.closeTo(1, 9),
        expect.closeTo(0.25, 9),
      ]);
      const later = await store.getPopular({ limit: 1, at: T0 + 3 * HOUR });
      expect(later).toEqual([{ itemId: 'c', score: expect.closeTo(1.5, 9) as number }]);
    });

    it('counts each event id once per user, also across batches', async () => {
      const store = await make({ now: () => T0 });
      const [u1, u2] = [user(), user()];
      const click = ev(u1, 'a', T.USER_EVENT_TYPE_CLICK, T0);
      // The same event id from another user is another event.
      const other = { ...click, userId: u2 };
      expect(await store.applyUserEvents([click, click, other])).toEqual({
        applied: 2,
        duplicates: 1,
      });
      expect(await store.applyUserEvents([click, other])).toEqual({ applied: 0, duplicates: 2 });
      expect(await store.getPopular({ limit: 5 })).toEqual([
        { itemId: 'a', score: expect.closeTo(2, 9) as number },
      ]);
    });

    it('keeps per-category and per-region rankings beside the global one', async () => {
      const [drama, comedy, eu, us] = ['drama', 'comedy', 'eu', 'us'].map(scoped);
      const categories: Record<string, string[]> = { m1: [drama!], m2: [drama!, comedy!] };
      const [u1, u2, nowhere] = [user(), user(), user()];
      const regions = new Map([
        [u1, eu!],
        [u2, us!],
      ]);
      const asked: string[][] = [];
      const store = await make({
        now: () => T0,
        itemCategories: (item) => categories[item],
        userRegions: (ids) => {
          asked.push([...ids].sort());
          return Promise.resolve(new Map([...regions].filter(([u]) => ids.includes(u))));
        },
      });
      await store.applyUserEvents([
        ev(u1, 'm1', T.USER_EVENT_TYPE_LIKE, T0),
        ev(u2, 'm2', T.USER_EVENT_TYPE_CLICK, T0),
        ev(u2, 'm3', T.USER_EVENT_TYPE_WATCH, T0),
        ev(nowhere, 'm2', T.USER_EVENT_TYPE_CLICK, T0),
        ev(u1, 'm3', T.USER_EVENT_TYPE_IMPRESSION, T0),
      ]);
      expect(asked).toEqual([[u1, u2, nowhere].sort()]);
      const ids = async (q: { category?: string; region?: string }) =>
        (await store.getPopular({ ...q, limit: 10 })).map(shown);
      expect(await ids({ category: drama })).toEqual(['m1=3', 'm2=2']);
      expect(await ids({ category: comedy })).toEqual(['m2=2']);
      expect(await ids({ region: eu })).toEqual(['m1=3']);
      expect(await ids({ region: us })).toEqual(['m3=2', 'm2=1']);
      expect(await ids({ region: scoped('nobody') })).toEqual([]);
      await expect(store.getPopular({ category: drama, region: eu, limit: 1 })).rejects.toThrow(
        /not both/,
      );
    });

    it('keeps the most popular items of a scope and drops the rest', async () => {
      const cat = scoped('bounded');
      const store = await make({
        now: () => T0,
        limits: { maxItems: 3 },
        itemCategories: () => [cat],
      });
      const u = user();
      const batch = ['a', 'b', 'c', 'd', 'e'].flatMap((item, i) =>
        Array.from({ length: i + 1 }, () => ev(u, item, T.USER_EVENT_TYPE_CLICK, T0)),
      );
      await store.applyUserEvents(batch);
      await store.applyUserEvents([ev(u, 'a', T.USER_EVENT_TYPE_CLICK, T0)]);
      const top = await store.getPopular({ category: cat, limit: 10 });
      expect(top.map(shown)).toEqual(['e=5', 'd=4', 'c=3']);
    });

    it('ranks the same whatever the arrival order, across an epoch boundary, and never counts the future', async () => {
      const halfLifeMs = HOUR;
      const epoch = 32 * halfLifeMs;
      const boundary = Math.ceil(T0 / epoch) * epoch;
      const now = boundary + 2 * HOUR;
      const cats = [scoped('fwd'), scoped('rev')];
      const seq = (cat: string) => {
        const u = user();
        return [
          ev(u, `${cat}-old`, T.USER_EVENT_TYPE_LIKE, boundary - 3 * HOUR),
          ev(u, `${cat}-new`, T.USER_EVENT_TYPE_CLICK, boundary + HOUR),
          ev(u, `${cat}-future`, T.USER_EVENT_TYPE_CLICK, now + 100 * HOUR),
        ];
      };
      const categories = (item: string) => cats.filter((c) => item.startsWith(c));
      const store = await make({
        limits: { halfLifeMs },
        now: () => now,
        itemCategories: categories,
      });
      await store.applyUserEvents(seq(cats[0]!));
      for (const e of seq(cats[1]!).reverse()) await store.applyUserEvents([e]);
      for (const cat of cats) {
        const top = await store.getPopular({ category: cat, limit: 10, at: now });
        const score = Object.fromEntries(top.map((p) => [p.itemId.slice(cat.length + 1), p.score]));
        expect(Object.keys(score).sort()).toEqual(['future', 'new', 'old']);
        expect(score.future).toBeCloseTo(1, 9); // counted as of now
        expect(score.new).toBeCloseTo(0.5, 9);
        expect(score.old).toBeCloseTo(3 / 32, 9);
      }
    });
  });
}

/** `item=score`, the score rounded off the last bits that 2^x * 2^-x leaves. */
function shown(p: PopularItem): string {
  return `${p.itemId}=${Number(p.score.toFixed(9))}`;
}

function user(): string {
  return `u-${randomUUID()}`;
}

/** A category or region name no other case or run uses. */
function scoped(name: string): string {
  return `${name}-${randomUUID().slice(0, 8)}`;
}

let sequence = 0;

function ev(
  userId: string,
  itemId: string,
  type: events.UserEventType,
  timestamp: number,
): events.UserEvent {
  return userEvent({
    eventId: `p-${++sequence}-${randomUUID().slice(0, 8)}`,
    userId,
    itemId,
    type,
    timestamp,
    device: 'test',
  });
}
