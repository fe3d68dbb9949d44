import { decodeUserEvent, events } from '@recsys/contracts';
import { KafkaBus } from '@recsys/kafka';
import type { Admin, Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_KEYS, clientEvent, ingestGateway } from './ingest-gateway.js';
import { KAFKA_BROKERS, createTopics, kafka, uniqueName, until } from './infra.js';

const name = uniqueName('ingest');
const topics = { userEvents: `${name}.user-events`, catalogEvents: `${name}.catalog-events` };
let admin: Admin;
let bus: KafkaBus;
let app: ReturnType<typeof ingestGateway>;
const consumers: Consumer[] = [];

beforeAll(async () => {
  admin = kafka('ingest-admin').admin();
  await admin.connect();
  await createTopics(admin, { [topics.userEvents]: 6, [topics.catalogEvents]: 3 });
  bus = new KafkaBus({ brokers: KAFKA_BROKERS, clientId: 'ingest-test' });
  app = ingestGateway(bus, topics);
});

afterAll(async () => {
  await app?.close();
  for (const c of consumers) await c.disconnect().catch(() => undefined);
  await bus?.close();
  await admin?.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
  await admin?.deleteGroups([`${name}.reader`]).catch(() => undefined);
  await admin?.disconnect();
});

interface Received {
  key: string;
  partition: number;
  value: Buffer;
}

/** Reads a whole topic from the start until `count` records arrived. */
async function readTopic(topic: string, count: number): Promise<Received[]> {
  const got: Received[] = [];
  const consumer = kafka('ingest-reader').consumer({
    groupId: `${name}.reader`,
    maxWaitTimeInMs: 200,
  });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message, partition }) => {
      got.push({ key: message.key!.toString(), partition, value: message.value! });
      return Promise.resolve();
    },
  });
  try {
    await until(`${count} records on ${topic}`, () => got.length >= count, 30_000);
  } finally {
    await consumer.disconnect();
  }
  return got;
}

async function endOffsets(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

const post = (url: string, payload: object, key?: string) =>
  app.inject({
    method: 'POST',
    url,
    headers: key ? { 'x-api-key': key } : {},
    payload,
  });

describe('ingestion into a real Kafka', () => {
  it('refuses a missing or wrong key with 401 and publishes nothing', async () => {
    for (const key of [undefined, 'not-the-key-000000', INGEST_KEYS.items]) {
      const res = await post('/v1/events', { events: [clientEvent(1)] }, key);
      expect(res.statusCode).toBe(401);
    }
    const items = await post('/v1/items', { items: [{ item_id: 'x', op: 'retire' }] }, 'nope');
    expect(items.statusCode).toBe(401);
    expect(await endOffsets(topics.userEvents)).toBe(0);
    expect(await endOffsets(topics.catalogEvents)).toBe(0);
  });

  it('publishes valid events keyed by user_id as decodable protobuf, and rejects bad ones', async () => {
    const good = Array.from({ length: 60 }, (_, n) => clientEvent(n));
    const bad = [
      clientEvent(100, { type: 'purchase' }),
      clientEvent(101, { timestamp: -5 }),
      clientEvent(102, { item_id: '' }),
    ];
    const res = await post(
      '/v1/events',
      { events: [...good.slice(0, 30), ...bad, ...good.slice(30)] },
      INGEST_KEYS.events,
    );
    expect(res.statusCode).toBe(202);
    const body = res.json<{
      accepted: number;
      rejected: number;
      rejections: { index: number; field: string }[];
    }>();
    expect(body).toMatchObject({ accepted: 60, rejected: 3 });
    expect(body.rejections.map((r) => [r.index, r.field])).toEqual([
      [30, 'type'],
      [31, 'timestamp'],
      [32, 'item_id'],
    ]);

    const records = await readTopic(topics.userEvents, 60);
    expect(records).toHaveLength(60);
    const partitionOf = new Map<string, number>();
    const decoded = records.map((r) => {
      const event = decodeUserEvent(r.value);
      if (!event.ok) throw new Error(event.reason);
      expect(r.key).toBe(event.value.userId);
      // Keyed by user: each user's events share one partition, so their order holds.
      expect(partitionOf.get(r.key) ?? r.partition).toBe(r.partition);
      partitionOf.set(r.key, r.partition);
      return event.value;
    });
    expect(decoded.map((e) => e.eventId).sort()).toEqual(good.map((e) => e.event_id).sort());
    const watch = decoded.find((e) => e.eventId === 'ev-1');
    expect(watch).toMatchObject({
      userId: 'user-1',
      itemId: 'item-1',
      type: events.UserEventType.USER_EVENT_TYPE_WATCH,
      watchSeconds: 30,
      device: 'web',
    });
  });

  it('publishes catalog upserts and retirements keyed by item_id', async () => {
    const res = await post(
      '/v1/items',
      {
        items: [
          {
            item_id: 'new-item',
            op: 'upsert',
            title: 'A New Item',
            categories: ['Drama'],
            tags: ['fresh'],
            year: 2025,
          },
          { item_id: 'old-item', op: 'retire' },
          { item_id: 'bad-item', op: 'upsert' },
        ],
      },
      INGEST_KEYS.items,
    );
    expect(res.json()).toMatchObject({ accepted: 2, rejected: 1 });
    const records = await readTopic(topics.catalogEvents, 2);
    const byItem = new Map(records.map((r) => [r.key, events.CatalogEvent.decode(r.value)]));
    expect(byItem.get('new-item')).toMatchObject({
      op: events.CatalogOp.CATALOG_OP_UPSERT,
      content: {
        title: 'A New Item',
        categories: ['Drama'],
        tags: ['fresh'],
        numeric: { year: 2025 },
      },
    });
    expect(byItem.get('old-item')).toMatchObject({ op: events.CatalogOp.CATALOG_OP_RETIRE });
    expect(byItem.has('bad-item')).toBe(false);
  });

  it('answers 503 with Retry-After when the broker cannot be reached', async () => {
    // Nothing listens on port 1: a broker that is down, without stopping the shared one.
    const deadBus = new KafkaBus({
      brokers: ['127.0.0.1:1'],
      clientId: 'ingest-dead',
      publishRetries: 1,
      logLevel: 'nothing',
    });
    const dead = ingestGateway(deadBus, topics, 5_000);
    try {
      const before = await endOffsets(topics.userEvents);
      const batch = { events: [clientEvent(500), clientEvent(501)] };
      const res = await dead.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { 'x-api-key': INGEST_KEYS.events },
        payload: batch,
      });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.json()).toMatchObject({ error: { code: 'unavailable', retryable: true } });
      const metrics = (await dead.inject('/metrics')).body;
      expect(metrics).toMatch(/recsys_ingest_events_total\{outcome="unavailable"[^}]*\} 2/);
      // The client's retry of the same batch, once a broker answers, goes through.
      const retried = await post('/v1/events', batch, INGEST_KEYS.events);
      expect(retried.json()).toMatchObject({ accepted: 2 });
      expect(await endOffsets(topics.userEvents)).toBe(before + 2);
    } finally {
      await dead.close();
      await deadBus.close();
    }
  });
});
