import type { events } from '@recsys/contracts';
import {
  DEFAULT_POPULARITY_LIMITS,
  POPULARITY_EVENTS_PER_CALL,
  POPULARITY_FLOOR,
  checkLimit,
  countedEvents,
  epochStart,
  scopeOf,
  type Counted,
  type PopularItem,
  type PopularQuery,
  type PopularityLimits,
  type PopularityStore,
  type PopularityStoreOptions,
} from './popularity.js';
import type { ApplyResult } from './session.js';

interface Scope {
  /** Stored scores are relative to this time (see popularity.ts). */
  t0: number;
  scores: Map<string, number>;
  expiresAt: number;
}

const SWEEP_EVERY = 1_000;

/**
 * Popularity in process memory, for the all-in-one mode and unit tests: the
 * same arithmetic, trimming and TTLs as the Redis script, step by step.
 */
export class MemoryPopularityStore implements PopularityStore {
  private readonly scopes = new Map<string, Scope>();
  private readonly applied = new Map<string, number>();
  private readonly limits: PopularityLimits;
  private readonly now: () => number;
  private batches = 0;

  constructor(private readonly options: PopularityStoreOptions = {}) {
    this.limits = { ...DEFAULT_POPULARITY_LIMITS, ...options.limits };
    this.now = options.now ?? Date.now;
  }

  async applyUserEvents(batch: readonly events.UserEvent[]): Promise<ApplyResult> {
    const now = this.now();
    const counted = await countedEvents(batch, this.options, now);
    if (++this.batches % SWEEP_EVERY === 0) this.sweep(now);
    let applied = 0;
    for (let i = 0; i < counted.length; i += POPULARITY_EVENTS_PER_CALL) {
      applied += this.applyRun(counted.slice(i, i + POPULARITY_EVENTS_PER_CALL), now);
    }
    return { applied, duplicates: counted.length - applied };
  }

  // async: a bad query rejects, as it does in the Redis store.
  async getPopular(query: PopularQuery): Promise<PopularItem[]> {
    checkLimit(query.limit);
    const at = query.at ?? this.now();
    const scope = this.live(scopeOf(query), this.now());
    if (!scope) return [];
    const factor = Math.pow(2, (scope.t0 - at) / this.limits.halfLifeMs);
    const best = ranked(scope.scores).reverse().slice(0, query.limit);
    return best.map(([itemId, s]) => ({ itemId, score: s * factor }));
  }

  /** One script call's worth of events: marks, increments, then trim and TTL per touched scope. */
  private applyRun(run: Counted[], now: number): number {
    const { halfLifeMs, dedupTtlSeconds, ttlSeconds } = this.limits;
    const touched = new Set<Scope>();
    let applied = 0;
    for (const event of run) {
      const mark = `${event.userId}/${event.eventId}`;
      if ((this.applied.get(mark) ?? 0) > now) continue;
      this.applied.set(mark, now + dedupTtlSeconds * 1000);
      applied++;
      const start = epochStart(event.timestamp, halfLifeMs);
      for (const name of event.scopes) {
        let scope = this.live(name, now);
        if (!scope) {
          scope = { t0: start, scores: new Map(), expiresAt: now + ttlSeconds * 1000 };
          this.scopes.set(name, scope);
        } else if (start > scope.t0) {
          rescale(scope, Math.pow(2, -(start - scope.t0) / halfLifeMs));
          scope.t0 = start;
        }
        const add = event.weight * Math.pow(2, (event.timestamp - scope.t0) / halfLifeMs);
        scope.scores.set(event.itemId, (scope.scores.get(event.itemId) ?? 0) + add);
        touched.add(scope);
      }
    }
    for (const scope of touched) {
      trim(scope, this.limits.maxItems);
      scope.expiresAt = now + ttlSeconds * 1000;
    }
    return applied;
  }

  private live(name: string, now: number): Scope | undefined {
    const scope = this.scopes.get(name);
    return scope && scope.expiresAt > now ? scope : undefined;
  }

  /** Drops expired marks and scopes, as Redis would expire their keys. */
  private sweep(now: number): void {
    for (const [mark, expiresAt] of this.applied) if (expiresAt <= now) this.applied.delete(mark);
    for (const [name, scope] of this.scopes) if (scope.expiresAt <= now) this.scopes.delete(name);
  }
}

/** Ascending by score, ties by member: a Redis sorted set's order. */
function ranked(scores: Map<string, number>): [string, number][] {
  return [...scores].sort(([a, sa], [b, sb]) => sa - sb || (a < b ? -1 : a > b ? 1 : 0));
}

function rescale(scope: Scope, factor: number): void {
  for (const [item, s] of scope.scores) {
    const scaled = s * factor;
    if (scaled < POPULARITY_FLOOR) scope.scores.delete(item);
    else scope.scores.set(item, scaled);
  }
}

function trim(scope: Scope, maxItems: number): void {
  const excess = scope.scores.size - maxItems;
  if (excess <= 0) return;
  for (const [item] of ranked(scope.scores).slice(0, excess)) scope.scores.delete(item);
}
