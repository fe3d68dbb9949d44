import { describe, expect, it } from 'vitest';
import type { BusBatch } from './bus.js';
import { MemoryBus } from './memory-bus.js';

const msg = (key: string, value: string) => ({ key, value: Buffer.from(value) });
const text = (b: BusBatch) => b.records.map((r) => r.value?.toString());

/** Resolves when `check` holds, polling the event loop. */
async function until(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('MemoryBus', () => {
  it('keeps one key in one partition, in order', async () => {
    const bus = new MemoryBus({ defaultPartitions: 4 });
    await bus.publish(
      't',
      ['1', '2', '3'].map((v) => msg('user-a', v)),
    );
    await bus.publish('t', [msg('user-b', 'x'), msg('user-a', '4')]);
    const seen: string[] = [];
    const sub = await bus.subscribe({
      groupId: 'g',
      topic: 't',
      onBatch: (b) => {
        seen.push(
          ...b.records
            .filter((r) => r.key?.toString() === 'user-a')
            .map((r) => r.value!.toString()),
        );
        return Promise.resolve();
      },
    });
    await until(() => seen.length === 4);
    expect(seen).toEqual(['1', '2', '3', '4']);
    await sub.stop();
  });

  it('redelivers a batch whose handler rejected, and commits only on success', async () => {
    const bus = new MemoryBus({ retryDelayMs: 1 });
    await bus.publish('t', [msg('k', 'a'), msg('k', 'b')]);
    const deliveries: string[][] = [];
    const sub = await bus.subscribe({
      groupId: 'g',
      topic: 't',
      onBatch: (b) => {
        deliveries.push(text(b) as string[]);
        return deliveries.length < 3 ? Promise.reject(new Error('redis down')) : Promise.resolve();
      },
    });
    await until(() => deliveries.length === 3);
    await bus.publish('t', [msg('k', 'c')]);
    await until(() => deliveries.length === 4);
    expect(deliveries).toEqual([['a', 'b'], ['a', 'b'], ['a', 'b'], ['c']]);
    await sub.stop();
  });

  it('resumes a group from its committed position and lets a new group start anywhere', async () => {
    const bus = new MemoryBus();
    await bus.publish('t', [msg('k', 'a')]);
    const got: string[] = [];
    const collect = (b: BusBatch) => {
      got.push(...(text(b) as string[]));
      return Promise.resolve();
    };
    let sub = await bus.subscribe({ groupId: 'g', topic: 't', onBatch: collect });
    await until(() => got.length === 1);
    await sub.stop();
    await bus.publish('t', [msg('k', 'b')]);
    sub = await bus.subscribe({ groupId: 'g', topic: 't', onBatch: collect });
    await until(() => got.length === 2);
    await sub.stop();
    expect(got).toEqual(['a', 'b']);

    const late: string[] = [];
    const tail = await bus.subscribe({
      groupId: 'new',
      topic: 't',
      fromBeginning: false,
      onBatch: (b) => {
        late.push(...(text(b) as string[]));
        return Promise.resolve();
      },
    });
    await bus.publish('t', [msg('k', 'c')]);
    await until(() => late.length === 1);
    expect(late).toEqual(['c']);
    await tail.stop();
  });

  it('waits for the batch in flight when stopped, and refuses a second member of a group', async () => {
    const bus = new MemoryBus();
    await bus.publish('t', [msg('k', 'a')]);
    let release!: () => void;
    let finished = false;
    const sub = await bus.subscribe({
      groupId: 'g',
      topic: 't',
      onBatch: async () => {
        await new Promise<void>((r) => (release = r));
        finished = true;
      },
    });
    await expect(
      bus.subscribe({ groupId: 'g', topic: 't', onBatch: () => Promise.resolve() }),
    ).rejects.toThrow(/already consumes/);
    await until(() => release !== undefined);
    const stopping = sub.stop();
    release();
    await stopping;
    expect(finished).toBe(true);
    expect(bus.records('t')).toHaveLength(1);
    await bus.close();
  });
});
