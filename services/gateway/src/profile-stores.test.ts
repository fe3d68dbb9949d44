import { MemoryProfileStore, RedisProfileStore } from '@recsys/feature-store';
import { describe, expect, it } from 'vitest';
import { profileStore } from './profile-stores.js';

const quiet = { corrupt: () => undefined, redisError: () => undefined };
const base = { REDIS_KEY_PREFIX: 'recsys:', PROFILE_TTL_DAYS: 180 };

describe('profileStore', () => {
  it('keeps profiles in the process without REDIS_URL', async () => {
    const opened = profileStore({ ...base, REDIS_URL: undefined }, quiet);
    expect(opened.kind).toBe('memory');
    expect(opened.store).toBeInstanceOf(MemoryProfileStore);
    await opened.close();
  });

  it('uses Redis with REDIS_URL, failing fast while it is unreachable', async () => {
    const errors: Error[] = [];
    // Nothing listens on port 1: a read must fail at once, not wait for a connection.
    const opened = profileStore(
      { ...base, REDIS_URL: 'redis://127.0.0.1:1' },
      { ...quiet, redisError: (err) => errors.push(err) },
    );
    try {
      await opened.connect(200);
      expect(opened.kind).toBe('redis');
      expect(opened.store).toBeInstanceOf(RedisProfileStore);
      await expect(opened.store.get('u1')).rejects.toMatchObject({ code: 'unavailable' });
    } finally {
      await opened.close();
    }
  });
});
