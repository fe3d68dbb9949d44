import { decodeUserEvent, encodeUserEvent, events } from '@recsys/contracts';
import { userEvent } from '@recsys/contracts/testing';
import { describe, expect, it } from 'vitest';
import type { SubscribeOptions, Subscription } from './bus.js';
import { runConsumer } from './consumer.js';
import { MemoryBus } from './memory-bus.js';

const event = (n: number): events.UserEvent =>
  userEvent({
    eventId: `e-${n}`,
    userId: `u-${n % 3}`,
    itemId: `i-${n}`,
    timestamp: 1_764_000_000_000 + n,
  });
const publish = (bus: MemoryBus, values: (Uint8Array | string)[]) =>
  bus.publish(
    'events',
    values.map((v, i) => ({ key: `k${i % 3}`, value: typeof v === 'string' ? Buffer.from(v) : v })),
  );

/** The options every test shares: group g on `events`, dead letters to `events.dlq`. */
const consumerOptions = (bus: MemoryBus) => ({
  bus,
  groupId: 'g',
  topic: 'events',
  dlqTopic: 'events.dlq',
  decode: decodeUserEvent,
});

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('runConsumer', () => {
  it('hands valid events to the handler and parks malformed ones in the dead-letter topic', async () => {
    const bus = new MemoryBus({ defaultPartitions: 2 });
    const handled: string[] = [];
    const consumer = await runConsumer({
      ...consumerOptions(bus),
      handleBatch: (values) => {
        handled.push(...values.map((v) => v.eventId));
        return Promise.resolve();
      },
    });
    await publish(bus, [encodeUserEvent(event(1)), 'not protobuf \xff', encodeUserEvent(event(2))]);
    await until(() => handled.length === 2 && bus.records('events.dlq').length === 1);
    expect(handled.sort()).toEqual(['e-1', 'e-2']);
    const letter = events.DeadLetter.decode(bus.records('events.dlq')[0]!.value!);
    expect(letter.sourceTopic).toBe('events');
    expect(letter.value.toString()).toBe('not protobuf \xff');
    expect(letter.reason).toMatch(/^(undecodable protobuf|invalid)/);
    expect(consumer.stats()).toMatchObject({ handled: 2, deadLettered: 1, records: 3 });
    await consumer.stop();
  });

  it('retries a batch whose handler failed, so nothing is lost', async () => {
    const bus = new MemoryBus({ retryDelayMs: 1 });
    const applied = new Set<string>();
    let failures = 2;
    const errors: unknown[] = [];
    const consumer = await runConsumer({
      ...consumerOptions(bus),
      handleBatch: (values) => {
        if (failures-- > 0) return Promise.reject(new Error('store unavailable'));
        values.forEach((v) => applied.add(v.eventId));
        return Promise.resolve();
      },
      onError: (err) => errors.push(err),
    });
    await publish(
      bus,
      [1, 2, 3, 4].map((n) => encodeUserEvent(event(n))),
    );
    await until(() => applied.size === 4);
    expect(errors).toHaveLength(2);
    expect(consumer.stats()).toMatchObject({ failedBatches: 2, handled: 4 });
    await consumer.stop();
  });

  it('continues after a restart of the group from where it stopped', async () => {
    const bus = new MemoryBus();
    const seen: string[] = [];
    const start = () =>
      runConsumer({
        ...consumerOptions(bus),
        handleBatch: (values) => {
          seen.push(...values.map((v) => v.eventId));
          return Promise.resolve();
        },
      });
    let consumer = await start();
    await publish(bus, [encodeUserEvent(event(1))]);
    await until(() => seen.length === 1);
    await consumer.stop();
    await publish(bus, [encodeUserEvent(event(2))]);
    consumer = await start();
    await until(() => seen.length === 2);
    expect(seen).toEqual(['e-1', 'e-2']);
    await consumer.stop();
  });

  it('hands a long batch over in slices with a heartbeat between them', async () => {
    const bus = new HeartbeatCountingBus({ maxBatch: 100 });
    const slices: string[][] = [];
    const beatsBefore: number[] = [];
    const consumer = await runConsumer({
      ...consumerOptions(bus),
      chunkSize: 2,
      handleBatch: (values) => {
        slices.push(values.map((v) => v.eventId));
        beatsBefore.push(bus.heartbeats);
        return Promise.resolve();
      },
    });
    await publish(
      bus,
      [1, 2, 3, 4, 5].map((n) => encodeUserEvent(event(n))),
    );
    await until(() => consumer.stats().handled === 5);
    expect(slices).toEqual([['e-1', 'e-2'], ['e-3', 'e-4'], ['e-5']]);
    expect(beatsBefore).toEqual([0, 1, 2]);
    expect(consumer.stats()).toMatchObject({ batches: 1, records: 5 });
    await consumer.stop();
  });

  it('refuses a chunk size that is not a positive integer', async () => {
    const options = { ...consumerOptions(new MemoryBus()), handleBatch: () => Promise.resolve() };
    for (const chunkSize of [0, 1.5])
      await expect(runConsumer({ ...options, chunkSize })).rejects.toThrow(/chunkSize/);
  });
});

/** A MemoryBus whose batch context counts heartbeats (the in-memory one is a no-op). */
class HeartbeatCountingBus extends MemoryBus {
  heartbeats = 0;

  override subscribe(options: SubscribeOptions): Promise<Subscription> {
    return super.subscribe({
      ...options,
      onBatch: (batch, ctx) =>
        options.onBatch(batch, {
          isRunning: () => ctx.isRunning(),
          heartbeat: () => {
            this.heartbeats++;
            return ctx.heartbeat();
          },
        }),
    });
  }
}
