import { events } from '@recsys/contracts';
import { userEvent } from '@recsys/contracts/testing';
import { RedisSessionStore } from '@recsys/feature-store';
import { describeSessionStore } from '@recsys/feature-store/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deleteKeys, uniqueName } from './infra.js';

const prefix = `${uniqueName('session')}:`;
let redis: Redis;

beforeAll(async () => {
  redis = await connectRedis();
});

afterAll(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
});

// The same behaviour the in-memory store is held to, against a real Redis.
describeSessionStore(
  'redis',
  (options) => new RedisSessionStore({ redis, keyPrefix: prefix, ...options }),
);

describe('RedisSessionStore on a real Redis', () => {
  const event = (eventId: string): events.UserEvent =>
    userEvent({
      eventId,
      userId: 'ttl-user',
      itemId: 'i1',
    });

  it('puts a TTL on every key it writes', async () => {
    const store = new RedisSessionStore({
      redis,
      keyPrefix: prefix,
      limits: { stateTtlSeconds: 600, dedupTtlSeconds: 300 },
    });
    await store.applyUserEvents([event('ttl-1')]);
    const keys = await redis.keys(`${prefix}u:{ttl-user}:*`);
    expect(keys.length).toBeGreaterThanOrEqual(3);
    for (const key of keys) {
      const ttl = await redis.ttl(key);
      const max = key.includes(':evt:') ? 300 : 600;
      expect({ key, ok: ttl > 0 && ttl <= max }).toEqual({ key, ok: true });
    }
  });

  it('recovers when Redis lost its script cache', async () => {
    const store = new RedisSessionStore({ redis, keyPrefix: prefix });
    await store.applyUserEvents([event('flush-1')]);
    await redis.script('FLUSH');
    expect(await store.applyUserEvents([event('flush-1'), event('flush-2')])).toEqual({
      applied: 1,
      duplicates: 1,
    });
  });
});
