import type { events } from '@recsys/contracts';
import type { PopularityStore, SessionStore } from '@recsys/feature-store';
import type { BatchInfo } from '@recsys/kafka';

export interface UserEventsStats {
  /** Events applied to the session features (each event_id once per user). */
  applied: number;
  duplicates: number;
  /** Events counted in popularity; impressions and skips carry no weight and are not counted. */
  popularityApplied: number;
  popularityDuplicates: number;
}

export interface UserEventsStage {
  handle(batch: events.UserEvent[], info: BatchInfo): Promise<void>;
  stats(): UserEventsStats;
}

/**
 * user-events -> session features and popularity counters. Each store applies
 * an event_id at most once, atomically with its own mark, which is what makes
 * the consumer's at-least-once delivery safe: if the process dies between the
 * two writes, the redelivered batch is a duplicate for the sessions and new
 * for popularity, so both end up with every event exactly once.
 */
export function userEventsStage(
  sessions: SessionStore,
  popularity: PopularityStore,
): UserEventsStage {
  const stats: UserEventsStats = {
    applied: 0,
    duplicates: 0,
    popularityApplied: 0,
    popularityDuplicates: 0,
  };
  return {
    async handle(batch) {
      const session = await sessions.applyUserEvents(batch);
      stats.applied += session.applied;
      stats.duplicates += session.duplicates;
      const popular = await popularity.applyUserEvents(batch);
      stats.popularityApplied += popular.applied;
      stats.popularityDuplicates += popular.duplicates;
    },
    stats: () => ({ ...stats }),
  };
}
