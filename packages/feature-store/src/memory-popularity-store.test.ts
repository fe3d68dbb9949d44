import { events } from '@recsys/contracts';
import { userEvent } from '@recsys/contracts/testing';
import { describe, expect, it } from 'vitest';
import { MemoryPopularityStore } from './memory-popularity-store.js';
import { describePopularityStore } from './testing/index.js';

describePopularityStore('in-memory', (options) => new MemoryPopularityStore(options));

const click = (eventId: string, itemId: string, timestamp: number): events.UserEvent =>
  userEvent({
    eventId,
    userId: 'u1',
    itemId,
    timestamp,
  });

describe('MemoryPopularityStore TTLs', () => {
  it('expires an idle scope after its TTL and an event id after the dedup TTL', async () => {
    let now = 1_000_000;
    const store = new MemoryPopularityStore({
      limits: { ttlSeconds: 60, dedupTtlSeconds: 120 },
      now: () => now,
    });
    await store.applyUserEvents([click('e1', 'a', now)]);
    now += 59_000;
    expect(await store.getPopular({ limit: 1 })).toHaveLength(1);
    now += 2_000;
    expect(await store.getPopular({ limit: 1 })).toEqual([]);
    expect(await store.applyUserEvents([click('e1', 'a', now)])).toEqual({
      applied: 0,
      duplicates: 1,
    });
    now += 120_000;
    expect(await store.applyUserEvents([click('e1', 'a', now)])).toEqual({
      applied: 1,
      duplicates: 0,
    });
  });

  it('rejects a bad limit', async () => {
    const store = new MemoryPopularityStore();
    await expect(store.getPopular({ limit: 0 })).rejects.toThrow(/limit/);
  });
});
