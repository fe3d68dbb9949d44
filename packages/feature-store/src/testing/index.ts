import { randomUUID } from 'node:crypto';
import { events } from '@recsys/contracts';
import { userEvent } from '@recsys/contracts/testing';
import { describe, expect, it } from 'vitest';
import type { ItemCategories, SessionLimits, SessionStore } from '../session.js';

export { describePopularityStore, type PopularityStoreFactory } from './popularity.js';
export { describeProfileStore, type ProfileStoreFactory } from './profile.js';

export interface StoreFactoryOptions {
  limits?: Partial<SessionLimits>;
  itemCategories?: ItemCategories;
}

export type StoreFactory = (options: StoreFactoryOptions) => SessionStore | Promise<SessionStore>;

const T0 = 1_764_000_000_000;
const MIN = 60_000;
const T = events.UserEventType;

/**
 * The behaviour every SessionStore must have. Runs against the in-memory store
 * in unit tests and against real Redis in the integration tests, so the two
 * cannot drift apart. Each case uses fresh user ids, so a shared Redis is fine.
 */
export function describeSessionStore(name: string, make: StoreFactory): void {
  describe(`SessionStore contract: ${name}`, () => {
    it('applies each event_id once and reports duplicates', async () => {
      const store = await make({});
      const u = user();
      const [e1, e2, e3] = [
        ev(u, 'a', T.USER_EVENT_TYPE_CLICK, 0),
        ev(u, 'b', T.USER_EVENT_TYPE_CLICK, 1),
        ev(u, 'c', T.USER_EVENT_TYPE_IMPRESSION, 2),
      ];
      expect(await store.applyUserEvents([e1, e2, e1])).toEqual({ applied: 2, duplicates: 1 });
      expect(await store.applyUserEvents([e2, e3])).toEqual({ applied: 1, duplicates: 1 });
      expect(await store.applyUserEvents([])).toEqual({ applied: 0, duplicates: 0 });
      const s = await store.getSession(u, T0 + 3 * MIN);
      expect(s.eventCount).toBe(3);
      expect(s.sessionClicks).toBe(2);
    });

    it('leaves the state unchanged when a whole batch is redelivered', async () => {
      const store = await make({ itemCategories: () => ['drama'] });
      const u = user();
      const batch = [
        ev(u, 'a', T.USER_EVENT_TYPE_IMPRESSION, 0),
        ev(u, 'a', T.USER_EVENT_TYPE_CLICK, 1),
        ev(u, 'b', T.USER_EVENT_TYPE_LIKE, 2),
      ];
      await store.applyUserEvents(batch);
      const before = await store.getSession(u, T0 + 5 * MIN);
      expect(await store.applyUserEvents(batch)).toEqual({ applied: 0, duplicates: 3 });
      expect(await store.getSession(u, T0 + 5 * MIN)).toEqual(before);
    });

    it('keeps the recent items distinct, newest first and bounded', async () => {
      const store = await make({ limits: { recentItems: 3 } });
      const u = user();
      const seq = ['a', 'b', 'c', 'a', 'd'].map((item, i) =>
        ev(u, item, T.USER_EVENT_TYPE_CLICK, i),
      );
      seq.push(ev(u, 'x', T.USER_EVENT_TYPE_IMPRESSION, 6), ev(u, 'y', T.USER_EVENT_TYPE_SKIP, 7));
      await store.applyUserEvents(seq);
      expect((await store.getSession(u, T0 + 8 * MIN)).recentItems).toEqual(['d', 'a', 'c']);
    });

    it('keeps a bounded seen set of what was clicked, watched, liked or skipped', async () => {
      const store = await make({ limits: { seenItems: 3 } });
      const u = user();
      await store.applyUserEvents([
        ev(u, 'a', T.USER_EVENT_TYPE_CLICK, 0),
        ev(u, 'b', T.USER_EVENT_TYPE_WATCH, 1),
        ev(u, 'imp', T.USER_EVENT_TYPE_IMPRESSION, 2),
        ev(u, 'c', T.USER_EVENT_TYPE_LIKE, 3),
        ev(u, 'd', T.USER_EVENT_TYPE_SKIP, 4),
        ev(u, 'a', T.USER_EVENT_TYPE_WATCH, 5),
      ]);
      expect((await store.getSession(u, T0 + 6 * MIN)).seen).toEqual(['a', 'd', 'c']);
    });

    it('counts impressions per item', async () => {
      const store = await make({});
      const u = user();
      await store.applyUserEvents([
        ev(u, 'a', T.USER_EVENT_TYPE_IMPRESSION, 0),
        ev(u, 'b', T.USER_EVENT_TYPE_IMPRESSION, 0),
        ev(u, 'a', T.USER_EVENT_TYPE_IMPRESSION, 1),
        ev(u, 'a', T.USER_EVENT_TYPE_CLICK, 1),
      ]);
      expect((await store.getSession(u, T0 + 2 * MIN)).impressions).toEqual({ a: 2, b: 1 });
    });

    it('restarts the session click count after an idle gap', async () => {
      const store = await make({ limits: { sessionGapMs: 30 * MIN } });
      const u = user();
      await store.applyUserEvents([
        ev(u, 'a', T.USER_EVENT_TYPE_CLICK, 0),
        ev(u, 'b', T.USER_EVENT_TYPE_CLICK, 10),
        ev(u, 'c', T.USER_EVENT_TYPE_CLICK, 60),
        ev(u, 'd', T.USER_EVENT_TYPE_WATCH, 61),
      ]);
      const live = await store.getSession(u, T0 + 70 * MIN);
      expect(live).toMatchObject({
        sessionClicks: 1,
        sessionStartedAt: T0 + 60 * MIN,
        lastEventAt: T0 + 61 * MIN,
      });
      const idle = await store.getSession(u, T0 + 120 * MIN);
      expect(idle).toMatchObject({ sessionClicks: 0, sessionStartedAt: 0, eventCount: 4 });
    });

    it('decays category affinity by its half-life, whatever the arrival order', async () => {
      const categories: Record<string, string[]> = {
        m1: ['comedy'],
        m2: ['comedy', 'drama'],
        m3: ['drama'],
      };
      const hour = 60 * MIN;
      const store = await make({
        limits: { affinityHalfLifeMs: hour },
        itemCategories: (i) => categories[i],
      });
      const [inOrder, reversed] = [user(), user()];
      const seq = (u: string) => [
        ev(u, 'm1', T.USER_EVENT_TYPE_CLICK, 0),
        ev(u, 'm2', T.USER_EVENT_TYPE_CLICK, 60),
        ev(u, 'm3', T.USER_EVENT_TYPE_SKIP, 60),
        ev(u, 'unknown', T.USER_EVENT_TYPE_LIKE, 60),
        ev(u, 'm1', T.USER_EVENT_TYPE_IMPRESSION, 60),
      ];
      await store.applyUserEvents(seq(inOrder));
      await store.applyUserEvents(seq(reversed).reverse());
      for (const u of [inOrder, reversed]) {
        const at1 = (await store.getSession(u, T0 + hour)).categoryAffinity;
        expect(Object.keys(at1).sort()).toEqual(['comedy']);
        expect(at1.comedy).toBeCloseTo(1.5, 9); // 1 click an hour ago (halved) + 1 now
        const at2 = (await store.getSession(u, T0 + 2 * hour)).categoryAffinity;
        expect(at2.comedy).toBeCloseTo(0.75, 9);
      }
    });

    it('keeps users apart within one batch and returns an empty session for a stranger', async () => {
      const store = await make({});
      const [u1, u2] = [user(), user()];
      await store.applyUserEvents([
        ev(u1, 'a', T.USER_EVENT_TYPE_CLICK, 0),
        ev(u2, 'b', T.USER_EVENT_TYPE_CLICK, 0),
        ev(u1, 'c', T.USER_EVENT_TYPE_CLICK, 1),
      ]);
      expect((await store.getSession(u1, T0 + 2 * MIN)).recentItems).toEqual(['c', 'a']);
      expect((await store.getSession(u2, T0 + 2 * MIN)).recentItems).toEqual(['b']);
      const stranger = user();
      expect(await store.getSession(stranger)).toEqual({
        userId: stranger,
        eventCount: 0,
        recentItems: [],
        sessionClicks: 0,
        sessionStartedAt: 0,
        lastEventAt: 0,
        categoryAffinity: {},
        seen: [],
        impressions: {},
      });
    });
  });
}

function user(): string {
  return `u-${randomUUID()}`;
}

let sequence = 0;

/** An event `minutes` after T0 with a unique id. */
function ev(
  userId: string,
  itemId: string,
  type: events.UserEventType,
  minutes: number,
): events.UserEvent {
  return userEvent({
    eventId: `e-${++sequence}-${randomUUID().slice(0, 8)}`,
    userId,
    itemId,
    type,
    timestamp: T0 + minutes * MIN,
    device: 'test',
  });
}
