import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisProfileStore } from './redis-profile-store.js';

// Validation and error mapping only, over a map standing in for GET and SET; the store's
// behaviour on a real Redis is held to the shared contract in tests/integration.
function fakeRedis(values = new Map<string, string>(), fail = false) {
  const ttl = new Map<string, number>();
  const redis = {
    get: (key: string) =>
      fail
        ? Promise.reject(new Error('connection is closed'))
        : Promise.resolve(values.get(key) ?? null),
    set: (key: string, value: string, _ex: 'EX', seconds: number) => {
      if (fail) return Promise.reject(new Error('connection is closed'));
      values.set(key, value);
      ttl.set(key, seconds);
      return Promise.resolve('OK');
    },
  };
  return { redis: redis as unknown as Redis, values, ttl };
}

const KEY = 'p:u:{u1}:profile';

describe('RedisProfileStore validation', () => {
  it.each([
    ['not JSON', '{"categories": [', /not JSON/],
    ['a JSON string', '"hello"', /value/],
    ['categories not a list', '{"categories":"drama","updatedAt":1}', /categories/],
    ['a category not a string', '{"categories":[1],"updatedAt":1}', /categories\.0/],
    ['no updatedAt', '{"categories":[]}', /updatedAt/],
    ['a negative updatedAt', '{"categories":[],"updatedAt":-5}', /updatedAt/],
    ['region not a string', '{"categories":[],"updatedAt":1,"region":7}', /region/],
  ])('reads %s as absent, counts it and says why', async (_, stored, why) => {
    const { redis } = fakeRedis(new Map([[KEY, stored]]));
    const reports: [string, string][] = [];
    const store = new RedisProfileStore({
      redis,
      keyPrefix: 'p:',
      onCorrupt: (userId, reason) => reports.push([userId, reason]),
    });
    await expect(store.get('u1')).resolves.toBeUndefined();
    expect(store.corrupt).toBe(1);
    expect(reports).toEqual([['u1', expect.stringMatching(why)]]);
  });

  it('ignores unknown fields of a stored profile and counts nothing', async () => {
    const stored = '{"categories":["a"],"updatedAt":3,"device":"tv","legacy":true}';
    const { redis } = fakeRedis(new Map([[KEY, stored]]));
    const store = new RedisProfileStore({ redis, keyPrefix: 'p:' });
    expect(await store.get('u1')).toEqual({ categories: ['a'], device: 'tv', updatedAt: 3 });
    expect(store.corrupt).toBe(0);
  });

  it('writes JSON under the user key with the configured TTL', async () => {
    const { redis, values, ttl } = fakeRedis();
    const store = new RedisProfileStore({ redis, keyPrefix: 'p:', ttlSeconds: 3_600 });
    await store.put('u1', { categories: ['a'], region: 'eu', device: undefined, updatedAt: 9 });
    expect(JSON.parse(values.get(KEY) ?? 'null')).toEqual({
      categories: ['a'],
      region: 'eu',
      updatedAt: 9,
    });
    expect(ttl.get(KEY)).toBe(3_600);
  });

  it('refuses to write a value it would not read back', async () => {
    const { redis, values } = fakeRedis();
    const store = new RedisProfileStore({ redis, keyPrefix: 'p:' });
    await expect(store.put('u1', { categories: [], updatedAt: Number.NaN })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    expect(values.size).toBe(0);
  });

  it('turns Redis failures into retryable unavailable errors', async () => {
    const { redis } = fakeRedis(new Map(), true);
    const store = new RedisProfileStore({ redis, keyPrefix: 'p:' });
    await expect(store.get('u1')).rejects.toMatchObject({ code: 'unavailable', retryable: true });
    await expect(store.put('u1', { categories: [], updatedAt: 1 })).rejects.toMatchObject({
      code: 'unavailable',
      retryable: true,
    });
  });

  it('rejects a TTL that is not a positive whole number of seconds', () => {
    const { redis } = fakeRedis();
    expect(() => new RedisProfileStore({ redis, ttlSeconds: 0 })).toThrow(/ttlSeconds/);
    expect(() => new RedisProfileStore({ redis, ttlSeconds: 1.5 })).toThrow(/ttlSeconds/);
  });
});
