import { loadConfig } from '@recsys/config';
import { encodeUserEvent, events } from '@recsys/contracts';
import { userEvent } from '@recsys/contracts/testing';
import { MemoryPopularityStore, MemorySessionStore } from '@recsys/feature-store';
import { MemoryBus } from '@recsys/kafka';
import { describe, expect, it } from 'vitest';
import { build } from './app.js';
import { Config } from './config.js';
import { createLog } from '@recsys/telemetry';

const click = (n: number, userId = `u-${n % 4}`): events.UserEvent =>
  userEvent({
    eventId: `e-${n}`,
    userId,
    itemId: `i-${n}`,
  });

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('stream processor (in-memory bus and store)', () => {
  it('applies user events once each across a restart and dead-letters the malformed ones', async () => {
    const config = loadConfig(Config, { PROGRESS_LOG_MS: '0' });
    const bus = new MemoryBus({ partitions: { 'user-events': 3 } });
    const store = new MemorySessionStore();
    const popularity = new MemoryPopularityStore({ itemCategories: () => ['drama'] });
    const lines: string[] = [];
    const deps = { bus, store, popularity, log: createLog('test', (l) => lines.push(l)) };
    const send = (values: Uint8Array[]) =>
      bus.publish(
        'user-events',
        values.map((value, i) => ({ key: `k${i}`, value })),
      );

    let app = build(config, deps);
    expect(app.ready()).toBe(false);
    await app.start();
    expect(app.ready()).toBe(true);
    const first = Array.from({ length: 20 }, (_, n) => click(n));
    await send(first.map(encodeUserEvent));
    await until(() => app.stats().userEvents.applied === 20);
    await app.stop();

    // While stopped: more events, a redelivered one, garbage, and a bad id.
    await send([
      ...Array.from({ length: 20 }, (_, n) => encodeUserEvent(click(n + 20))),
      encodeUserEvent(first[0]!),
      Buffer.from('garbage'),
      encodeUserEvent({ ...click(99), userId: 'bad id' }),
    ]);
    app = build(config, deps);
    await app.start();
    await until(() => app.stats().userEvents.records === 23);
    expect(app.stats().userEvents).toMatchObject({
      applied: 20,
      duplicates: 1,
      deadLettered: 2,
      popularityApplied: 20,
      popularityDuplicates: 1,
    });
    const metrics = await app.registry.metrics();
    expect(metrics).toMatch(/recsys_consumer_records_total\{topic="user-events"[^}]*\} 23/);
    expect(metrics).toMatch(
      /recsys_events_applied_total\{topic="user-events",state="popularity"[^}]*\} 20/,
    );
    expect(metrics).toMatch(/recsys_consumer_dead_letters_total\{topic="user-events"[^}]*\} 2/);
    expect(metrics).not.toMatch(/recsys_consumer_lag_records\{/); // no broker to ask
    await app.stop();
    expect(app.ready()).toBe(false);

    const counts = await Promise.all(
      [0, 1, 2, 3].map(async (u) => (await store.getSession(`u-${u}`)).eventCount),
    );
    expect(counts).toEqual([10, 10, 10, 10]);
    // Every click counted once: 40 items with one click each, globally and in their category.
    for (const category of [undefined, 'drama']) {
      const popular = await popularity.getPopular({ category, limit: 100 });
      expect(popular).toHaveLength(40);
      expect(popular.every((p) => p.score > 0.99 && p.score <= 1)).toBe(true);
    }
    const reasons = bus
      .records('user-events.dlq')
      .map((r) => events.DeadLetter.decode(r.value!).reason);
    expect(reasons.sort()).toEqual([
      expect.stringMatching(/^invalid userId/),
      expect.stringMatching(/^undecodable/),
    ]);
    expect(lines).toEqual([]);
  });
});
