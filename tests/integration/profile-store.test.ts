import { RedisProfileStore } from '@recsys/feature-store';
import { describeProfileStore } from '@recsys/feature-store/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deleteKeys, uniqueName } from './infra.js';

const prefix = `${uniqueName('profile')}:`;
let redis: Redis;

beforeAll(async () => {
  redis = await connectRedis();
});

afterAll(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
});

// The behaviour the in-memory store is held to, against a real Redis.
describeProfileStore('redis', () => new RedisProfileStore({ redis, keyPrefix: prefix }));

describe('RedisProfileStore on a real Redis', () => {
  it('keeps one key per user, in the user hash slot, with the configured TTL', async () => {
    const store = new RedisProfileStore({ redis, keyPrefix: prefix, ttlSeconds: 600 });
    await store.put('ttl-user', { categories: ['Drama'], region: 'eu', updatedAt: 1 });
    expect(await redis.keys(`${prefix}u:{ttl-user}:*`)).toEqual([`${prefix}u:{ttl-user}:profile`]);
    const ttl = await redis.ttl(`${prefix}u:{ttl-user}:profile`);
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  it('reads a corrupt value as absent, reports it, and recovers on the next write', async () => {
    const reasons: string[] = [];
    const store = new RedisProfileStore({
      redis,
      keyPrefix: prefix,
      onCorrupt: (_, reason) => reasons.push(reason),
    });
    const key = `${prefix}u:{bad-user}:profile`;
    await redis.set(key, '{"categories":"Drama"');
    expect(await store.get('bad-user')).toBeUndefined();
    await redis.set(key, JSON.stringify({ categories: [42], updatedAt: 1 }));
    expect(await store.get('bad-user')).toBeUndefined();
    expect(store.corrupt).toBe(2);
    expect(reasons).toEqual(['not JSON', expect.stringMatching(/^categories\.0: /)]);
    await store.put('bad-user', { categories: ['Comedy'], updatedAt: 2 });
    expect(await store.get('bad-user')).toEqual({ categories: ['Comedy'], updatedAt: 2 });
    expect(store.corrupt).toBe(2);
  });

  it('fails a read with a retryable error while Redis is unreachable', async () => {
    const { Redis: Client } = await import('ioredis');
    // A port nothing listens on: commands fail at once, as the fleet gateway configures them.
    const dead = new Client('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    dead.on('error', () => undefined);
    try {
      const store = new RedisProfileStore({ redis: dead, keyPrefix: prefix });
      await expect(store.get('anyone')).rejects.toMatchObject({
        code: 'unavailable',
        retryable: true,
      });
    } finally {
      dead.disconnect();
    }
  });
});
