import { decodeUserEvent, encodeUserEvent, events } from '@recsys/contracts';
import { userEvent } from '@recsys/contracts/testing';
import { KafkaBus, runConsumer } from '@recsys/kafka';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KAFKA_BROKERS, createTopics, kafka, uniqueName, until } from './infra.js';

// A batch that takes longer than the group's session timeout (the broker's minimum, 6 s) to
// handle: without heartbeats inside it the member is evicted, its commit fails and the whole
// batch comes again. runConsumer heartbeats between slices of `chunkSize` records.
const SESSION_TIMEOUT_MS = 6_000;
const EVENTS = 1_000;
const SLICE = 100;
const SLICE_MS = 800; // 10 slices: 8 s for the first delivery of the batch

let admin: Admin;
let bus: KafkaBus;
const topics: string[] = [];

beforeAll(async () => {
  admin = kafka('heartbeat-admin').admin();
  await admin.connect();
  bus = new KafkaBus({
    brokers: KAFKA_BROKERS,
    clientId: 'heartbeat-test',
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: 500,
  });
});

afterAll(async () => {
  await bus?.close();
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin?.disconnect();
});

const event = (n: number): events.UserEvent =>
  userEvent({
    eventId: `e-${n}`,
    userId: 'u-1',
    itemId: `i-${n}`,
    timestamp: 1_764_000_000_000 + n,
  });

/** Handles one slow batch of EVENTS once; returns how often each event was handled. */
async function slowBatch(chunkSize: number): Promise<Map<string, number>> {
  const topic = uniqueName('heartbeat');
  topics.push(topic);
  await createTopics(admin, { [topic]: 1 });
  await bus.publish(
    topic,
    Array.from({ length: EVENTS }, (_, n) => ({ key: 'u-1', value: encodeUserEvent(event(n)) })),
  );
  const handled = new Map<string, number>();
  let slowUntil = 0; // only the first delivery is slow, so a redelivery finishes
  const consumer = await runConsumer({
    bus,
    groupId: `${topic}.g`,
    topic,
    dlqTopic: `${topic}.dlq`,
    decode: decodeUserEvent,
    chunkSize,
    handleBatch: async (values) => {
      for (let done = 0; done < values.length; done += SLICE) {
        if (slowUntil < EVENTS) {
          slowUntil += SLICE;
          await new Promise((r) => setTimeout(r, SLICE_MS));
        }
      }
      for (const v of values) handled.set(v.eventId, (handled.get(v.eventId) ?? 0) + 1);
    },
  });
  try {
    await until('every event handled', () => handled.size === EVENTS, 90_000);
    // A redelivery after an eviction shows up once the member has rejoined.
    await new Promise((r) => setTimeout(r, SESSION_TIMEOUT_MS + 2_000));
  } finally {
    await consumer.stop();
  }
  return handled;
}

const redelivered = (handled: Map<string, number>) =>
  [...handled.values()].filter((count) => count > 1).length;

describe('runConsumer on a real broker: a batch longer than the session timeout', () => {
  it('is handled once when heartbeats go out between slices', async () => {
    const handled = await slowBatch(SLICE);
    expect(handled.size).toBe(EVENTS);
    expect(redelivered(handled)).toBe(0);
  }, 120_000);

  it('is delivered again when it is handled in one piece (the control)', async () => {
    const handled = await slowBatch(EVENTS);
    expect(handled.size).toBe(EVENTS);
    expect(redelivered(handled)).toBeGreaterThan(0);
  }, 120_000);
});
