import { events, userEventTypeName } from '@recsys/contracts';

/**
 * What one event does to a user's session. Both stores apply exactly these
 * effects, so the in-memory store is a faithful stand-in for Redis; the Redis
 * script receives them as flags instead of re-deriving them in Lua.
 */
export interface Effects {
  /** Counts toward the session's clicks. */
  click: boolean;
  /** Moves the item to the front of the recent items. */
  recent: boolean;
  /** Adds the item to the seen set. */
  seen: boolean;
  /** Counts one impression of the item. */
  impression: boolean;
  /** Added to the affinity of each of the item's categories (negative for skips). */
  affinity: number;
}

/** Implicit-feedback weights: stronger signals move interest more, a skip pushes it down. */
const BY_TYPE: Record<string, Effects> = {
  impression: { click: false, recent: false, seen: false, impression: true, affinity: 0 },
  click: { click: true, recent: true, seen: true, impression: false, affinity: 1 },
  watch: { click: false, recent: true, seen: true, impression: false, affinity: 2 },
  like: { click: false, recent: true, seen: true, impression: false, affinity: 3 },
  skip: { click: false, recent: false, seen: true, impression: false, affinity: -1 },
};

const NONE: Effects = { click: false, recent: false, seen: false, impression: false, affinity: 0 };

export function effectsOf(type: events.UserEventType): Effects {
  return BY_TYPE[userEventTypeName(type) ?? ''] ?? NONE;
}

/** Scores closer to zero than this are dropped, which keeps the affinity map bounded. */
export const AFFINITY_FLOOR = 1e-4;

/** Weight left after `elapsedMs` of exponential decay with the given half-life. */
export function decay(elapsedMs: number, halfLifeMs: number): number {
  return elapsedMs <= 0 ? 1 : Math.pow(2, -elapsedMs / halfLifeMs);
}
