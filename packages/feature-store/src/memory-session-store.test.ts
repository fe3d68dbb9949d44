import { events } from '@recsys/contracts';
import { userEvent } from '@recsys/contracts/testing';
import { describe, expect, it } from 'vitest';
import { MemorySessionStore } from './memory-session-store.js';
import { describeSessionStore } from './testing/index.js';

describeSessionStore('in-memory', (options) => new MemorySessionStore(options));

const click = (eventId: string, timestamp: number): events.UserEvent =>
  userEvent({
    eventId,
    userId: 'u1',
    itemId: 'i1',
    timestamp,
  });

describe('MemorySessionStore TTLs', () => {
  it('forgets a user after the state TTL and an event id after the dedup TTL', async () => {
    let now = 1_000_000;
    const store = new MemorySessionStore({
      limits: { stateTtlSeconds: 60, dedupTtlSeconds: 120 },
      now: () => now,
    });
    await store.applyUserEvents([click('e1', now)]);
    now += 59_000;
    expect((await store.getSession('u1')).eventCount).toBe(1);
    now += 2_000;
    expect((await store.getSession('u1')).eventCount).toBe(0);
    // Still inside the dedup window: a late redelivery is not applied.
    expect(await store.applyUserEvents([click('e1', now)])).toEqual({ applied: 0, duplicates: 1 });
    now += 120_000;
    expect(await store.applyUserEvents([click('e1', now)])).toEqual({ applied: 1, duplicates: 0 });
  });
});
