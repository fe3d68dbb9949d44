import { userEventTypeName, type events, type UserEventTypeName } from '@recsys/contracts';
import { AppError } from '@recsys/errors';
import type { ApplyResult, ItemCategories } from './session.js';

/**
 * Popularity counters with time decay: one sorted set of items per scope
 * (global, each category, each region). Each event adds its weight decayed
 * to now; the store keeps `w * 2^((t - t0) / halfLife)` against a fixed t0
 * instead, so an event is one ZINCRBY and nothing is rewritten as time
 * passes: order within a scope never changes by decay alone, and a read
 * multiplies by `2^((t0 - now) / halfLife)`. t0 moves forward one epoch at a
 * time (see EPOCH_HALF_LIVES) so the stored numbers stay finite.
 */
export interface PopularityStore {
  /**
   * Counts events in order, each (user_id, event_id) at most once, atomically
   * with its idempotency mark, like SessionStore.applyUserEvents. Events with
   * no popularity weight (impressions, skips) are not counted nor reported.
   */
  applyUserEvents(events: readonly events.UserEvent[]): Promise<ApplyResult>;
  /** The most popular items of one scope, best first, scores decayed to `at`. */
  getPopular(query: PopularQuery): Promise<PopularItem[]>;
}

export interface PopularQuery {
  /** At most one of category and region; neither means the global ranking. */
  category?: string;
  region?: string;
  limit: number;
  /** Read time (ms), default now. */
  at?: number;
}

export interface PopularItem {
  itemId: string;
  /** Sum of event weights, each halved per half-life elapsed since its event. */
  score: number;
}

/** Regions of some users (from their profiles); users without one are left out of the map. */
export type UserRegions = (userIds: readonly string[]) => Promise<ReadonlyMap<string, string>>;

export interface PopularityLimits {
  /** An event's weight halves after this long. */
  halfLifeMs: number;
  /** Items kept per scope; the least popular beyond it are dropped on write. */
  maxItems: number;
  /** A scope with no new events for this long expires. */
  ttlSeconds: number;
  /** How long an event id is remembered (as SessionLimits.dedupTtlSeconds). */
  dedupTtlSeconds: number;
}

export const DEFAULT_POPULARITY_LIMITS: PopularityLimits = {
  halfLifeMs: 24 * 3_600_000,
  maxItems: 10_000,
  ttlSeconds: 30 * 86_400,
  dedupTtlSeconds: 2 * 86_400,
};

/** What a stronger signal is worth; exposure (impressions) and rejection (skips) count nothing. */
export const POPULARITY_WEIGHTS: Record<UserEventTypeName, number> = {
  impression: 0,
  click: 1,
  watch: 2,
  like: 3,
  skip: 0,
};

/**
 * Stored scores are relative to the start of an epoch this many half-lives
 * long: at most 2^32 times an event's weight, far inside a double's range. A
 * scope entering a new epoch is rescaled once (one ZUNIONSTORE).
 */
export const EPOCH_HALF_LIVES = 32;

/** Decayed weights below this are dropped when a scope is rescaled. */
export const POPULARITY_FLOOR = 1e-6;

/** Events per Redis script call (and per trim in memory, so both trim alike). */
export const POPULARITY_EVENTS_PER_CALL = 500;

export interface PopularityStoreOptions {
  limits?: Partial<PopularityLimits>;
  /** Without it only global and per-region counters are kept. */
  itemCategories?: ItemCategories;
  /** Without it only global and per-category counters are kept. */
  userRegions?: UserRegions;
  now?: () => number;
}

/** One event ready to count: its weight, the time it counts at, and the scopes it counts in. */
export interface Counted {
  userId: string;
  eventId: string;
  itemId: string;
  weight: number;
  timestamp: number;
  scopes: string[];
}

/** Scope names, shared by both stores: `g`, `c:<category>`, `r:<region>`. */
export function scopeOf(query: Pick<PopularQuery, 'category' | 'region'>): string {
  if (query.category !== undefined && query.region !== undefined) {
    throw new AppError('invalid_argument', 'popularity: give a category or a region, not both');
  }
  if (query.category !== undefined) return `c:${query.category}`;
  if (query.region !== undefined) return `r:${query.region}`;
  return 'g';
}

export function epochStart(timestamp: number, halfLifeMs: number): number {
  const length = EPOCH_HALF_LIVES * halfLifeMs;
  return Math.floor(timestamp / length) * length;
}

/**
 * The events that count, with their scopes. A timestamp in the future counts
 * as now: a client clock ahead by a day would otherwise outweigh a day of
 * real traffic.
 */
export async function countedEvents(
  batch: readonly events.UserEvent[],
  options: PopularityStoreOptions,
  now: number,
): Promise<Counted[]> {
  const weighted = batch.filter((e) => weightOf(e.type) > 0);
  if (weighted.length === 0) return [];
  const regions = options.userRegions
    ? await options.userRegions([...new Set(weighted.map((e) => e.userId))])
    : new Map<string, string>();
  return weighted.map((e) => {
    const categories = options.itemCategories?.(e.itemId) ?? [];
    const region = regions.get(e.userId);
    return {
      userId: e.userId,
      eventId: e.eventId,
      itemId: e.itemId,
      weight: weightOf(e.type),
      timestamp: Math.min(e.timestamp, now),
      scopes: [
        'g',
        ...[...new Set(categories)].filter((c) => c !== '').map((c) => `c:${c}`),
        ...(region ? [`r:${region}`] : []),
      ],
    };
  });
}

export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
    throw new AppError(
      'invalid_argument',
      `popularity: limit must be an integer in 1..100000, got ${limit}`,
    );
  }
}

function weightOf(type: events.UserEventType): number {
  const name = userEventTypeName(type);
  return name ? POPULARITY_WEIGHTS[name] : 0;
}
