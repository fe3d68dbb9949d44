import { RedisPopularityStore, type PopularityStore } from '@recsys/feature-store';
import { LivePopularity } from '@recsys/retrieval';
import type { Redis } from 'ioredis';
import type { CandidatesConfig } from './config.js';

type LiveConfig = Pick<
  CandidatesConfig,
  | 'POPULAR_LIVE'
  | 'POPULAR_LIVE_REFRESH_MS'
  | 'POPULAR_LIVE_WAIT_MS'
  | 'POPULARITY_HALF_LIFE_S'
  | 'REDIS_KEY_PREFIX'
>;

/** The stream processor's popularity counters in Redis, read only; none when POPULAR_LIVE is off. */
export function redisPopularity(config: LiveConfig, redis: Redis): PopularityStore | undefined {
  if (!config.POPULAR_LIVE) return undefined;
  return new RedisPopularityStore({
    redis,
    keyPrefix: config.REDIS_KEY_PREFIX,
    limits: { halfLifeMs: config.POPULARITY_HALF_LIFE_S * 1000 },
  });
}

/** What `popular` reads the live counters through (cached, refreshed about once a second). */
export function livePopularityOf(
  config: LiveConfig,
  store: PopularityStore | undefined,
): LivePopularity | undefined {
  if (!config.POPULAR_LIVE || store === undefined) return undefined;
  return new LivePopularity({
    store,
    refreshMs: config.POPULAR_LIVE_REFRESH_MS,
    waitMs: config.POPULAR_LIVE_WAIT_MS,
  });
}
