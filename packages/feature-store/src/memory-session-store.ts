import type { events } from '@recsys/contracts';
import { AFFINITY_FLOOR, decay, effectsOf } from './effects.js';
import {
  DEFAULT_LIMITS,
  emptySession,
  type ApplyResult,
  type ItemCategories,
  type Session,
  type SessionLimits,
  type SessionStore,
} from './session.js';

export interface MemorySessionStoreOptions {
  limits?: Partial<SessionLimits>;
  itemCategories?: ItemCategories;
  /** Wall clock for TTLs and read-time decay; injectable for tests. */
  now?: () => number;
}

const SWEEP_EVERY = 1_000;

interface UserState {
  eventCount: number;
  sessionStartedAt: number;
  lastEventAt: number;
  sessionClicks: number;
  /** Affinity scores are exact as of this time; they decay from here. */
  affinityAt: number;
  affinity: Map<string, number>;
  recent: string[];
  /** item -> newest timestamp it was seen. */
  seen: Map<string, number>;
  impressions: Map<string, number>;
  expiresAt: number;
}

/**
 * The session store in process memory, for the all-in-one mode and unit tests.
 * Same semantics as the Redis store, TTLs included (checked lazily on access).
 */
export class MemorySessionStore implements SessionStore {
  private readonly users = new Map<string, UserState>();
  private readonly applied = new Map<string, number>();
  private readonly limits: SessionLimits;
  private readonly now: () => number;
  private batches = 0;

  constructor(private readonly options: MemorySessionStoreOptions = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.now = options.now ?? Date.now;
  }

  applyUserEvents(batch: readonly events.UserEvent[]): Promise<ApplyResult> {
    const now = this.now();
    if (++this.batches % SWEEP_EVERY === 0) this.sweep(now);
    let applied = 0;
    for (const event of batch) {
      const mark = `${event.userId}\u0000${event.eventId}`;
      if ((this.applied.get(mark) ?? 0) > now) continue;
      this.applied.set(mark, now + this.limits.dedupTtlSeconds * 1000);
      this.apply(this.stateOf(event.userId, now), event);
      applied++;
    }
    return Promise.resolve({ applied, duplicates: batch.length - applied });
  }

  getSession(userId: string, at = this.now()): Promise<Session> {
    const state = this.users.get(userId);
    if (!state || state.expiresAt <= this.now()) return Promise.resolve(emptySession(userId));
    const live = at - state.lastEventAt <= this.limits.sessionGapMs;
    const factor = decay(at - state.affinityAt, this.limits.affinityHalfLifeMs);
    const seen = [...state.seen].sort(
      ([a, ta], [b, tb]) => tb - ta || (a < b ? 1 : a > b ? -1 : 0),
    );
    return Promise.resolve({
      userId,
      eventCount: state.eventCount,
      recentItems: [...state.recent],
      sessionClicks: live ? state.sessionClicks : 0,
      sessionStartedAt: live ? state.sessionStartedAt : 0,
      lastEventAt: state.lastEventAt,
      categoryAffinity: Object.fromEntries([...state.affinity].map(([c, s]) => [c, s * factor])),
      seen: seen.map(([item]) => item),
      impressions: Object.fromEntries(state.impressions),
    });
  }

  /** Drops expired marks and users, as Redis would expire their keys. */
  private sweep(now: number): void {
    for (const [mark, expiresAt] of this.applied) if (expiresAt <= now) this.applied.delete(mark);
    for (const [user, state] of this.users) if (state.expiresAt <= now) this.users.delete(user);
  }

  private stateOf(userId: string, now: number): UserState {
    let state = this.users.get(userId);
    if (!state || state.expiresAt <= now) {
      state = {
        eventCount: 0,
        sessionStartedAt: 0,
        lastEventAt: 0,
        sessionClicks: 0,
        affinityAt: 0,
        affinity: new Map(),
        recent: [],
        seen: new Map(),
        impressions: new Map(),
        expiresAt: 0,
      };
      this.users.set(userId, state);
    }
    state.expiresAt = now + this.limits.stateTtlSeconds * 1000;
    return state;
  }

  private apply(state: UserState, event: events.UserEvent): void {
    const { itemId, timestamp: ts } = event;
    const effects = effectsOf(event.type);
    state.eventCount++;
    if (state.lastEventAt === 0 || ts > state.lastEventAt + this.limits.sessionGapMs) {
      state.sessionStartedAt = ts;
      state.sessionClicks = 0;
    }
    state.lastEventAt = Math.max(state.lastEventAt, ts);
    if (effects.click) state.sessionClicks++;
    if (effects.impression) state.impressions.set(itemId, (state.impressions.get(itemId) ?? 0) + 1);
    if (effects.recent) {
      state.recent = [itemId, ...state.recent.filter((i) => i !== itemId)].slice(
        0,
        this.limits.recentItems,
      );
    }
    if (effects.seen) {
      state.seen.set(itemId, Math.max(state.seen.get(itemId) ?? ts, ts));
      this.trimSeen(state);
    }
    const categories = this.options.itemCategories?.(itemId) ?? [];
    if (effects.affinity !== 0 && categories.length > 0)
      this.addAffinity(state, ts, effects.affinity, categories);
  }

  /** Keeps the newest `seenItems`; ties go the way a Redis sorted set orders them. */
  private trimSeen(state: UserState): void {
    const excess = state.seen.size - this.limits.seenItems;
    if (excess <= 0) return;
    const oldest = [...state.seen].sort(
      ([a, ta], [b, tb]) => ta - tb || (a < b ? -1 : a > b ? 1 : 0),
    );
    for (const [item] of oldest.slice(0, excess)) state.seen.delete(item);
  }

  /** Exponentially decayed sum: scores are kept as of the newest event and older events count less. */
  private addAffinity(
    state: UserState,
    ts: number,
    weight: number,
    categories: readonly string[],
  ): void {
    const halfLife = this.limits.affinityHalfLifeMs;
    if (state.affinityAt === 0) state.affinityAt = ts;
    if (ts > state.affinityAt) {
      const factor = decay(ts - state.affinityAt, halfLife);
      for (const [c, s] of state.affinity) state.affinity.set(c, s * factor);
      state.affinityAt = ts;
    }
    const add = weight * decay(state.affinityAt - ts, halfLife);
    for (const c of categories) state.affinity.set(c, (state.affinity.get(c) ?? 0) + add);
    for (const [c, s] of state.affinity) if (Math.abs(s) < AFFINITY_FLOOR) state.affinity.delete(c);
  }
}
