import { MemoryProfileStore, RedisProfileStore, type ProfileStore } from '@recsys/feature-store';
import { Redis } from 'ioredis';
import type { GatewayConfig } from './config.js';

export interface OpenedProfileStore {
  store: ProfileStore;
  /** Where profiles live, for the boot log. */
  kind: 'redis' | 'memory';
  /**
   * Resolves once the store can answer, or after `waitMs` (Redis still down: the feed serves
   * degraded meanwhile). Awaited before listening, so the first requests find it connected.
   */
  connect(waitMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The fleet gateway's profile store: Redis when REDIS_URL is set, so every
 * gateway replica and restart sees the same onboarding preferences; else the
 * process-local one. Redis commands fail fast while it is down (no offline
 * queue, no retries), so a feed degrades to `profile_unavailable` within its
 * deadline instead of queueing behind a dead connection.
 */
export function profileStore(
  config: Pick<GatewayConfig, 'REDIS_URL' | 'REDIS_KEY_PREFIX' | 'PROFILE_TTL_DAYS'>,
  on: {
    corrupt: (userId: string, reason: string) => void;
    /** Connection errors; ioredis keeps reconnecting meanwhile. */
    redisError: (err: Error) => void;
  },
): OpenedProfileStore {
  if (config.REDIS_URL === undefined) {
    return {
      store: new MemoryProfileStore(),
      kind: 'memory',
      connect: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
  }
  const redis = new Redis(config.REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  redis.on('error', on.redisError);
  return {
    store: new RedisProfileStore({
      redis,
      keyPrefix: config.REDIS_KEY_PREFIX,
      ttlSeconds: config.PROFILE_TTL_DAYS * 86_400,
      onCorrupt: on.corrupt,
    }),
    kind: 'redis',
    connect: async (waitMs) => {
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)));
      // A failed first attempt is reported through `error`; ioredis keeps reconnecting.
      await Promise.race([redis.connect().catch(() => undefined), waited]);
      clearTimeout(timer);
    },
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
