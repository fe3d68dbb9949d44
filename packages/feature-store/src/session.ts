import type { events } from '@recsys/contracts';

/**
 * What the feed knows about a user right now, built from their event stream.
 * This is the first cut of the session features; the serving and real-time
 * issues add to it (popularity counters live beside it, not in it).
 */
export interface Session {
  userId: string;
  /** Events applied so far (each event_id once), within the state TTL. */
  eventCount: number;
  /** Distinct items clicked, watched or liked, newest first, at most `recentItems`. */
  recentItems: string[];
  /** Clicks in the current session; 0 once the user has been idle longer than the session gap. */
  sessionClicks: number;
  /** Start of the current session (ms), 0 when there is none. */
  sessionStartedAt: number;
  /** Timestamp (ms) of the newest event applied, 0 when none. */
  lastEventAt: number;
  /** Exponentially decayed interest per category, as of the read time. */
  categoryAffinity: Record<string, number>;
  /** Items clicked, watched, liked or skipped, newest first, at most `seenItems`: not to be shown again. */
  seen: string[];
  /** Times each item was shown to the user. */
  impressions: Record<string, number>;
}

export interface ApplyResult {
  applied: number;
  /** Events whose event_id was already applied (redeliveries, producer retries). */
  duplicates: number;
}

export interface SessionStore {
  /**
   * Applies events in order, each event_id at most once, atomically with its
   * idempotency mark: an event redelivered after a crash is recognised even if
   * the crash came between this write and the offset commit.
   */
  applyUserEvents(events: readonly events.UserEvent[]): Promise<ApplyResult>;
  /** The user's features as of `at` (ms, default now); an unknown user gets an empty session. */
  getSession(userId: string, at?: number): Promise<Session>;
}

/** Categories of an item, from the catalog; undefined when the item is unknown. */
export type ItemCategories = (itemId: string) => readonly string[] | undefined;

export interface SessionLimits {
  recentItems: number;
  seenItems: number;
  /** Idle time after which the next event starts a new session (30 min, as in web analytics). */
  sessionGapMs: number;
  /** Half-life of category affinity: an interest halves in weight after this long. */
  affinityHalfLifeMs: number;
  /** Per-user state expires after this long without events. */
  stateTtlSeconds: number;
  /**
   * How long an event_id is remembered. Must outlast any redelivery: the
   * longest a batch can stay uncommitted, and any replay from an old offset.
   */
  dedupTtlSeconds: number;
}

export const DEFAULT_LIMITS: SessionLimits = {
  recentItems: 50,
  seenItems: 500,
  sessionGapMs: 30 * 60_000,
  affinityHalfLifeMs: 6 * 3_600_000,
  stateTtlSeconds: 7 * 86_400,
  dedupTtlSeconds: 2 * 86_400,
};

export function emptySession(userId: string): Session {
  return {
    userId,
    eventCount: 0,
    recentItems: [],
    sessionClicks: 0,
    sessionStartedAt: 0,
    lastEventAt: 0,
    categoryAffinity: {},
    seen: [],
    impressions: {},
  };
}
