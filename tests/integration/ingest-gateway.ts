import { AppError } from '@recsys/errors';
import { MemoryProfileStore } from '@recsys/feature-store';
import { buildApp, createGatewayMetrics } from '@recsys/gateway';
import type { EventBus } from '@recsys/kafka';

export const INGEST_KEYS = { events: 'it-events-key-0123', items: 'it-admin-key-01234' };

/**
 * The gateway with its real ingestion routes on `bus`. Retrieval and ranking
 * are not part of ingestion, so they answer "unavailable" (never called here).
 */
export function ingestGateway(
  bus: EventBus,
  topics: { userEvents: string; catalogEvents: string },
  publishTimeoutMs = 10_000,
): ReturnType<typeof buildApp> {
  const down = () => Promise.reject(new AppError('unavailable', 'not part of this test'));
  return buildApp({
    candidates: { generate: down },
    ranking: { rank: down },
    profiles: new MemoryProfileStore(),
    metrics: createGatewayMetrics(),
    settings: {
      candidatesDeadlineMs: 100,
      rankingDeadlineMs: 100,
      profileDeadlineMs: 100,
      candidateLimit: 100,
      rerankWindow: 100,
      lambda: { home: 1, more_like_this: 1, search: 1, email_digest: 1 },
      exploration: { home: 0, more_like_this: 0, search: 0, email_digest: 0 },
      explorationMaxInteractions: 10,
    },
    ingest: { bus, keys: INGEST_KEYS, topics, publishTimeoutMs },
  });
}

const TYPES = ['click', 'watch', 'like', 'impression', 'skip'] as const;

/** A user event as a client sends it; the type cycles through TYPES. */
export function clientEvent(n: number, over: Record<string, unknown> = {}) {
  return {
    event_id: `ev-${n}`,
    user_id: `user-${n % 5}`,
    item_id: `item-${n % 7}`,
    type: TYPES[n % TYPES.length]!,
    timestamp: Date.now() - 1_000,
    surface: 'home',
    position: n % 20,
    watch_seconds: n % 5 === 1 ? 30 : 0,
    device: 'web',
    ...over,
  };
}
