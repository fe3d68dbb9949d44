import { encodeUserEvent, events } from '@recsys/contracts';
import { userEvent } from '@recsys/contracts/testing';
import {
  MemoryPopularityStore,
  MemorySessionStore,
  type PopularityStore,
} from '@recsys/feature-store';
import { MemoryBus } from '@recsys/kafka';
import { loadConfig } from '@recsys/config';
import { describe, expect, it } from 'vitest';
import { build } from './app.js';
import { Config } from './config.js';
import { createLog } from '@recsys/telemetry';

const like = (n: number): events.UserEvent =>
  userEvent({
    eventId: `e-${n}`,
    userId: `u-${n % 3}`,
    itemId: `i-${n % 4}`,
    type: events.UserEventType.USER_EVENT_TYPE_LIKE,
  });

describe('user events stage', () => {
  it('applies each event once to both stores when the second write fails and the batch comes again', async () => {
    const bus = new MemoryBus({ retryDelayMs: 1 });
    const sessions = new MemorySessionStore();
    const real = new MemoryPopularityStore();
    let failures = 1;
    // Dies after the session write of the first batch, like a crash between the two.
    const popularity: PopularityStore = {
      applyUserEvents: (batch) =>
        failures-- > 0 ? Promise.reject(new Error('redis went away')) : real.applyUserEvents(batch),
      getPopular: (q) => real.getPopular(q),
    };
    const warnings: string[] = [];
    const app = build(loadConfig(Config, { PROGRESS_LOG_MS: '0' }), {
      bus,
      store: sessions,
      popularity,
      log: createLog('test', (l) => warnings.push(l)),
    });
    await app.start();
    await bus.publish(
      'user-events',
      Array.from({ length: 12 }, (_, n) => ({
        key: `u-${n % 3}`,
        value: encodeUserEvent(like(n)),
      })),
    );
    const deadline = Date.now() + 3_000;
    while (app.stats().userEvents.popularityApplied < 12 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    await app.stop();

    expect(app.stats().userEvents).toMatchObject({
      failedBatches: 1,
      applied: 12,
      duplicates: 12,
      popularityApplied: 12,
      popularityDuplicates: 0,
    });
    for (const u of [0, 1, 2]) expect((await sessions.getSession(`u-${u}`)).eventCount).toBe(4);
    const popular = await real.getPopular({ limit: 10 });
    expect(popular.map((p) => [p.itemId, Math.round(p.score)])).toEqual([
      ['i-3', 9],
      ['i-2', 9],
      ['i-1', 9],
      ['i-0', 9],
    ]);
    expect(warnings.join('')).toMatch(/batch failed; it will be retried/);
  });
});
