import { AppError } from '@recsys/errors';
import { KafkaBus, type BusBatch } from '@recsys/kafka';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KAFKA_BROKERS, consumerLag, createTopics, kafka, uniqueName, until } from './infra.js';

let admin: Admin;
let bus: KafkaBus;
const topics: string[] = [];
const groups: string[] = [];

beforeAll(async () => {
  admin = kafka('bus-admin').admin();
  await admin.connect();
  bus = new KafkaBus({ brokers: KAFKA_BROKERS, clientId: 'bus-test', sessionTimeoutMs: 6_000 });
});

afterAll(async () => {
  await bus?.close();
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.deleteGroups(groups).catch(() => undefined);
  await admin?.disconnect();
});

async function topic(partitions: number): Promise<{ topic: string; groupId: string }> {
  const name = uniqueName('bus');
  topics.push(name);
  groups.push(`${name}.g`);
  await createTopics(admin, { [name]: partitions });
  return { topic: name, groupId: `${name}.g` };
}

const values = (b: BusBatch) => b.records.map((r) => r.value!.toString());

describe('KafkaBus on a real broker', () => {
  it('delivers keyed messages in order per key across partitions', async () => {
    const { topic: t, groupId } = await topic(6);
    const sent = Array.from({ length: 300 }, (_, i) => ({
      key: `k${i % 7}`,
      value: Buffer.from(`k${i % 7}:${i}`),
    }));
    await bus.publish(t, sent);
    const got = new Map<string, number[]>();
    const sub = await bus.subscribe({
      groupId,
      topic: t,
      onBatch: (b) => {
        for (const v of values(b)) {
          const [key, n] = v.split(':') as [string, string];
          got.set(key, [...(got.get(key) ?? []), Number(n)]);
        }
        return Promise.resolve();
      },
    });
    await until('all received', () => [...got.values()].reduce((s, l) => s + l.length, 0) === 300);
    await sub.stop();
    for (const [key, ns] of got) {
      expect({ key, ns }).toEqual({ key, ns: [...ns].sort((a, b) => a - b) });
    }
    expect(await consumerLag(admin, groupId, t)).toBe(0);
  });

  it('commits nothing while the handler fails and redelivers the same batch', async () => {
    const { topic: t, groupId } = await topic(1);
    await bus.publish(
      t,
      ['a', 'b', 'c'].map((v) => ({ key: 'k', value: Buffer.from(v) })),
    );
    const deliveries: string[][] = [];
    let lagWhileFailing = -1;
    const sub = await bus.subscribe({
      groupId,
      topic: t,
      onBatch: async (b) => {
        deliveries.push(values(b));
        if (deliveries.length < 3) {
          lagWhileFailing = await consumerLag(admin, groupId, t);
          throw new Error('store down');
        }
      },
    });
    await until('delivered three times', () => deliveries.length >= 3);
    await until('committed', async () => (await consumerLag(admin, groupId, t)) === 0);
    await sub.stop();
    expect(lagWhileFailing).toBe(3);
    expect(deliveries.slice(0, 3)).toEqual([
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
    ]);
  });

  it('finishes and commits the batch in flight when stopped', async () => {
    const { topic: t, groupId } = await topic(1);
    await bus.publish(t, [{ key: 'k', value: Buffer.from('slow') }]);
    let started = false;
    let finished = false;
    const sub = await bus.subscribe({
      groupId,
      topic: t,
      onBatch: async () => {
        started = true;
        await new Promise((r) => setTimeout(r, 1_000));
        finished = true;
      },
    });
    await until('batch started', () => started);
    await sub.stop();
    expect(finished).toBe(true);
    expect(await consumerLag(admin, groupId, t)).toBe(0);
  });

  it('fails a publish with a retryable `unavailable` error when no broker answers', async () => {
    const dead = new KafkaBus({
      brokers: ['127.0.0.1:1'],
      clientId: 'dead',
      publishRetries: 1,
      logLevel: 'nothing',
    });
    const err = await dead
      .publish('t', [{ key: 'k', value: Buffer.from('x') }])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'unavailable', retryable: true });
    await dead.close();
  });
});
