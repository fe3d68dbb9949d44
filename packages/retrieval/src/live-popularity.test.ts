import { events } from '@recsys/contracts';
import { userEvent } from '@recsys/contracts/testing';
import { AppError } from '@recsys/errors';
import {
  MemoryPopularityStore,
  type PopularItem,
  type PopularQuery,
  type PopularityStore,
} from '@recsys/feature-store';
import { describe, expect, it } from 'vitest';
import { LivePopularity } from './live-popularity.js';

const T0 = 1_764_000_000_000;

/** The in-memory store behind a switch: reads counted, and made slow or failing on demand. */
class Switchable implements PopularityStore {
  readonly memory: MemoryPopularityStore;
  reads: string[] = [];
  delayMs = 0;
  failing = false;

  constructor(private readonly clock: { now: number }) {
    this.memory = new MemoryPopularityStore({
      itemCategories: (id) => (id.startsWith('d') ? ['Drama'] : ['Action']),
      now: () => clock.now,
    });
  }

  applyUserEvents(batch: readonly events.UserEvent[]) {
    return this.memory.applyUserEvents(batch);
  }

  async getPopular(query: PopularQuery): Promise<PopularItem[]> {
    this.reads.push(query.category ?? query.region ?? 'g');
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failing) throw new AppError('unavailable', 'redis down');
    return this.memory.getPopular(query);
  }

  click(itemId: string, n = 1) {
    const batch = Array.from({ length: n }, (_, i) =>
      userEvent({
        eventId: `${itemId}-${this.clock.now}-${i}`,
        userId: `user-${i}`,
        itemId,
        timestamp: this.clock.now,
      }),
    );
    return this.memory.applyUserEvents(batch);
  }
}

function setup(options: { waitMs?: number; maxScopes?: number } = {}) {
  const clock = { now: T0 };
  const store = new Switchable(clock);
  const live = new LivePopularity({ store, refreshMs: 1_000, now: () => clock.now, ...options });
  return { clock, store, live };
}

const idsOf = (items: readonly PopularItem[] | undefined) => items?.map((i) => i.itemId);

describe('LivePopularity', () => {
  it('reads each scope once per refresh interval, however many requests ask', async () => {
    const { clock, store, live } = setup();
    await store.click('a1', 2);
    await store.click('d1');
    const scopes = [{ category: 'Drama' }, {}];
    for (let i = 0; i < 5; i++) await live.read(scopes);
    expect(store.reads.sort()).toEqual(['Drama', 'g']);
    const read = await live.read(scopes);
    expect(read.failure).toBeUndefined();
    expect(idsOf(read.lists.get('g'))).toEqual(['a1', 'd1']);
    expect(idsOf(read.lists.get('c:Drama'))).toEqual(['d1']);

    await store.click('d2', 5);
    clock.now += 500; // still fresh: the old lists, no read
    expect(idsOf((await live.read(scopes)).lists.get('g'))).toEqual(['a1', 'd1']);
    expect(store.reads).toHaveLength(2);
    clock.now += 600; // stale: served once more while the refresh runs, then the new lists
    expect(idsOf((await live.read(scopes)).lists.get('g'))).toEqual(['a1', 'd1']);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(idsOf((await live.read(scopes)).lists.get('g'))).toEqual(['d2', 'a1', 'd1']);
    expect(store.reads).toHaveLength(4);
  });

  it('waits a bounded time for a scope it has nothing of, then reports a timeout', async () => {
    const { store, live } = setup({ waitMs: 20 });
    await store.click('a1');
    store.delayMs = 200;
    const first = await live.read([{}]);
    expect(first).toEqual({ lists: new Map(), failure: 'timeout' });
    await new Promise((resolve) => setTimeout(resolve, 250)); // the read lands in the cache
    const later = await live.read([{}]);
    expect(later.failure).toBeUndefined();
    expect(idsOf(later.lists.get('g'))).toEqual(['a1']);
    expect(store.reads).toEqual(['g']);
  });

  it('reports a failing store, retrying once per interval, and serves recent lists meanwhile', async () => {
    const { clock, store, live } = setup();
    await store.click('a1');
    expect(idsOf((await live.read([{}])).lists.get('g'))).toEqual(['a1']);
    store.failing = true;
    clock.now += 1_500;
    // Stale but recent: still served, while the refresh fails in the background.
    expect((await live.read([{}])).failure).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 0));
    clock.now += 40_000; // past maxStaleMs: nothing to serve
    expect(await live.read([{}])).toEqual({ lists: new Map(), failure: 'unavailable' });
    const reads = store.reads.length;
    for (let i = 0; i < 10; i++) {
      expect((await live.read([{}])).failure).toBe('unavailable');
    }
    expect(store.reads).toHaveLength(reads); // no read per request while it is down
    store.failing = false;
    clock.now += 1_100;
    await live.read([{}]); // this one starts the retry
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(idsOf((await live.read([{}])).lists.get('g'))).toEqual(['a1']);
  });

  it('keeps a bounded number of scopes', async () => {
    const { store, live } = setup({ maxScopes: 2 });
    await live.read([{ region: 'r1' }, { region: 'r2' }, { region: 'r3' }]);
    expect(store.reads).toEqual(['r1', 'r2', 'r3']);
    await live.read([{ region: 'r3' }]); // cached
    await live.read([{ region: 'r1' }]); // dropped to make room, so read again
    expect(store.reads).toEqual(['r1', 'r2', 'r3', 'r1']);
  });
});
