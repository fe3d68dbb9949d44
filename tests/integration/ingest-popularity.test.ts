import { loadConfig } from '@recsys/config';
import { events } from '@recsys/contracts';
import { userEvent } from '@recsys/contracts/testing';
import { RedisPopularityStore, RedisSessionStore, POPULARITY_WEIGHTS } from '@recsys/feature-store';
import { describePopularityStore } from '@recsys/feature-store/testing';
import { KafkaBus } from '@recsys/kafka';
import { Config, build, createLog } from '@recsys/stream-processor';
import type { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_KEYS, clientEvent, ingestGateway } from './ingest-gateway.js';
import {
  KAFKA_BROKERS,
  REDIS_URL,
  connectRedis,
  consumerLag,
  createTopics,
  deleteKeys,
  kafka,
  uniqueName,
  until,
} from './infra.js';

const base = uniqueName('popularity');
let redis: Redis;
let admin: Admin;
let cases = 0;
const created: string[] = [];

beforeAll(async () => {
  redis = await connectRedis();
  admin = kafka('popularity-admin').admin();
  await admin.connect();
});

afterAll(async () => {
  await deleteKeys(redis, base);
  await admin?.deleteTopics({ topics: created }).catch(() => undefined);
  await admin?.deleteGroups([`${base}.sp`]).catch(() => undefined);
  await admin?.disconnect();
  await redis?.quit();
});

// The behaviour the in-memory store is held to, on a real Redis; a prefix per
// case, because the global ranking is one key per prefix.
describePopularityStore(
  'redis',
  (options) => new RedisPopularityStore({ redis, keyPrefix: `${base}:${++cases}:`, ...options }),
);

const click = (eventId: string, itemId: string): events.UserEvent =>
  userEvent({
    eventId,
    userId: 'pop-user',
    itemId,
  });

describe('RedisPopularityStore on a real Redis', () => {
  it('keeps every key it writes in one hash slot, with a TTL', async () => {
    const prefix = `${base}:ttl:`;
    const store = new RedisPopularityStore({
      redis,
      keyPrefix: prefix,
      limits: { ttlSeconds: 600, dedupTtlSeconds: 300 },
      itemCategories: () => ['drama'],
    });
    await store.applyUserEvents([click('t-1', 'a')]);
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.sort()).toEqual(
      [
        `${prefix}pop:{pop}:evt:pop-user/t-1`,
        `${prefix}pop:{pop}:s:c:drama`,
        `${prefix}pop:{pop}:s:g`,
        `${prefix}pop:{pop}:t0`,
      ].sort(),
    );
    for (const key of keys) {
      const ttl = await redis.ttl(key);
      const max = key.includes(':evt:') ? 300 : 600;
      expect({ key, ok: ttl > 0 && ttl <= max }).toEqual({ key, ok: true });
    }
  });

  it('recovers when Redis lost its script cache', async () => {
    const store = new RedisPopularityStore({ redis, keyPrefix: `${base}:flush:` });
    await store.applyUserEvents([click('f-1', 'a')]);
    await redis.script('FLUSH');
    expect(await store.applyUserEvents([click('f-1', 'a'), click('f-2', 'a')])).toEqual({
      applied: 1,
      duplicates: 1,
    });
    expect((await store.getPopular({ limit: 1 }))[0]?.score).toBeCloseTo(2, 3);
  });
});

describe('popularity through the whole path: POST /v1/events -> Kafka -> stream processor -> Redis', () => {
  it('counts every event once, also when the whole topic is delivered again', async () => {
    const topic = `${base}.user-events`;
    const dlq = `${topic}.dlq`;
    created.push(topic, dlq);
    await createTopics(admin, { [topic]: 3, [dlq]: 1 });
    const prefix = `${base}:e2e:`;
    const env = {
      KAFKA_BROKERS: KAFKA_BROKERS.join(','),
      REDIS_URL,
      USER_EVENTS_TOPIC: topic,
      USER_EVENTS_DLQ_TOPIC: dlq,
      USER_EVENTS_GROUP: `${base}.sp`,
      REDIS_KEY_PREFIX: prefix,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_HEARTBEAT_INTERVAL_MS: '500',
      PROGRESS_LOG_MS: '0',
    };
    const itemCategories = (item: string) => [`genre-${Number(item.split('-')[1]) % 2}`];
    const userRegions = (users: readonly string[]) =>
      Promise.resolve(
        new Map(users.map((u) => [u, `region-${Number(u.split('-')[1]) % 2}`] as const)),
      );
    const lines: string[] = [];
    const start = async () => {
      const app = build(loadConfig(Config, env), {
        itemCategories,
        userRegions,
        log: createLog('stream-processor', (l) => lines.push(l)),
      });
      await app.start();
      return app;
    };

    // 100 events through the gateway: 60 carry popularity weight (click, watch, like).
    const bus = new KafkaBus({ brokers: KAFKA_BROKERS, clientId: 'popularity-ingest' });
    const gateway = ingestGateway(bus, { userEvents: topic, catalogEvents: `${base}.unused` });
    const sent = Array.from({ length: 100 }, (_, n) => clientEvent(n));
    const res = await gateway.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'x-api-key': INGEST_KEYS.events },
      payload: { events: sent },
    });
    expect(res.json()).toMatchObject({ accepted: 100, rejected: 0 });
    await gateway.close();
    await bus.close();

    let app = await start();
    await until('all applied', () => app.stats().userEvents.applied === 100);
    await until(
      'committed',
      async () => (await consumerLag(admin, env.USER_EVENTS_GROUP, topic)) === 0,
    );
    expect(app.stats().userEvents).toMatchObject({
      popularityApplied: 60,
      popularityDuplicates: 0,
    });
    const lag = await app.registry.metrics();
    expect(lag).toMatch(
      new RegExp(`recsys_consumer_lag_records\\{topic="${topic}",partition="0"[^}]*\\} 0`),
    );
    await app.stop();

    const store = new RedisPopularityStore({ redis, keyPrefix: prefix });
    const sessions = new RedisSessionStore({ redis, keyPrefix: prefix });
    // Both reads decay to one instant, so equal counts give equal scores.
    const at = Date.now();
    const snapshot = async () => ({
      global: await store.getPopular({ limit: 100, at }),
      genre0: await store.getPopular({ category: 'genre-0', limit: 100, at }),
      region1: await store.getPopular({ region: 'region-1', limit: 100, at }),
      user0: (await sessions.getSession('user-0')).eventCount,
    });
    const first = await snapshot();

    // Expected: each weighted event once, by type, in its item's scopes
    // (seconds of decay at a day's half-life do not show at 2 decimals).
    const expected = (keep: (e: ReturnType<typeof clientEvent>) => boolean) => {
      const totals = new Map<string, number>();
      for (const e of sent.filter(keep)) {
        totals.set(e.item_id, (totals.get(e.item_id) ?? 0) + POPULARITY_WEIGHTS[e.type]);
      }
      return Object.fromEntries([...totals].filter(([, w]) => w > 0));
    };
    const asRecord = (items: { itemId: string; score: number }[]) =>
      Object.fromEntries(items.map((p) => [p.itemId, Math.round(p.score * 100) / 100]));
    expect(asRecord(first.global)).toEqual(expected(() => true));
    expect(asRecord(first.genre0)).toEqual(
      expected((e) => Number(e.item_id.split('-')[1]) % 2 === 0),
    );
    expect(asRecord(first.region1)).toEqual(
      expected((e) => Number(e.user_id.split('-')[1]) % 2 === 1),
    );
    expect(first.user0).toBe(20);

    // As if every offset commit had been lost: the whole topic comes again.
    await admin.resetOffsets({ groupId: env.USER_EVENTS_GROUP, topic, earliest: true });
    app = await start();
    await until('redelivered', () => app.stats().userEvents.records === 100);
    await app.stop();
    expect(app.stats().userEvents).toMatchObject({
      applied: 0,
      duplicates: 100,
      popularityApplied: 0,
      popularityDuplicates: 60,
    });
    const again = await snapshot();
    expect(again).toEqual(first);
    expect(again.user0).toBe(20);
    expect(lines.filter((l) => l.includes('"level":"error"'))).toEqual([]);
  });
});
