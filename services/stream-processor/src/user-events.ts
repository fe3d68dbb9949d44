import type { events } from '@recsys/contracts';
import type { SessionStore } from '@recsys/feature-store';
import type { BatchInfo } from '@recsys/kafka';

export interface UserEventsStats {
  applied: number;
  duplicates: number;
}

export interface UserEventsStage {
  handle(batch: events.UserEvent[], info: BatchInfo): Promise<void>;
  stats(): UserEventsStats;
}

/**
 * user-events -> session features. The store applies each event_id at most
 * once, which is what makes the consumer's at-least-once delivery safe: a
 * redelivered batch only adds to `duplicates`.
 */
export function userEventsStage(store: SessionStore): UserEventsStage {
  const stats: UserEventsStats = { applied: 0, duplicates: 0 };
  return {
    async handle(batch) {
      const result = await store.applyUserEvents(batch);
      stats.applied += result.applied;
      stats.duplicates += result.duplicates;
    },
    stats: () => ({ ...stats }),
  };
}
