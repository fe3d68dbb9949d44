import type { events } from '@recsys/contracts';
import { AppError } from '@recsys/errors';
import type { Redis } from 'ioredis';
import { ScriptPipeline, type ScriptCall } from './script-pipeline.js';
import {
  DEFAULT_POPULARITY_LIMITS,
  EPOCH_HALF_LIVES,
  POPULARITY_EVENTS_PER_CALL,
  POPULARITY_FLOOR,
  checkLimit,
  countedEvents,
  scopeOf,
  type Counted,
  type PopularItem,
  type PopularQuery,
  type PopularityLimits,
  type PopularityStore,
  type PopularityStoreOptions,
} from './popularity.js';
import { COUNT_POPULARITY_LUA } from './popularity-script.js';
import type { ApplyResult } from './session.js';

export interface RedisPopularityStoreOptions extends PopularityStoreOptions {
  /** The caller owns the connection (and closes it). */
  redis: Redis;
  /** Prefix of every key; the same one the session store uses is fine. */
  keyPrefix?: string;
}

const SCRIPT = new ScriptPipeline(COUNT_POPULARITY_LUA, 'counting popularity');

/**
 * Popularity counters in Redis: one sorted set per scope, all in the `{pop}`
 * hash slot with their event marks, counted by one script per run of events
 * (see popularity-script.ts). A batch is one pipeline.
 */
export class RedisPopularityStore implements PopularityStore {
  private readonly redis: Redis;
  private readonly base: string;
  private readonly limits: PopularityLimits;
  private readonly now: () => number;

  constructor(private readonly options: RedisPopularityStoreOptions) {
    this.redis = options.redis;
    this.base = `${options.keyPrefix ?? 'recsys:'}pop:{pop}:`;
    this.limits = { ...DEFAULT_POPULARITY_LIMITS, ...options.limits };
    this.now = options.now ?? Date.now;
  }

  async applyUserEvents(batch: readonly events.UserEvent[]): Promise<ApplyResult> {
    const counted = await countedEvents(batch, this.options, this.now());
    if (counted.length === 0) return { applied: 0, duplicates: 0 };
    const calls: ScriptCall[] = [];
    for (let i = 0; i < counted.length; i += POPULARITY_EVENTS_PER_CALL) {
      calls.push(this.countCall(counted.slice(i, i + POPULARITY_EVENTS_PER_CALL)));
    }
    const applied = (await SCRIPT.run(this.redis, calls)).reduce((sum, n) => sum + n, 0);
    return { applied, duplicates: counted.length - applied };
  }

  async getPopular(query: PopularQuery): Promise<PopularItem[]> {
    checkLimit(query.limit);
    const at = query.at ?? this.now();
    const key = this.scopeKey(scopeOf(query));
    const replies = await this.redis
      .pipeline()
      .hget(this.epochKey(), key)
      .zrevrange(key, 0, query.limit - 1, 'WITHSCORES')
      .exec();
    if (!replies) throw new AppError('unavailable', 'redis: pipeline aborted');
    for (const [err] of replies) {
      if (err)
        throw new AppError('unavailable', 'redis: popularity read failed', true, { cause: err });
    }
    const [t0, flat] = replies.map(([, v]) => v) as [string | null, string[]];
    if (t0 === null || flat.length === 0) return [];
    const factor = Math.pow(2, (Number(t0) - at) / this.limits.halfLifeMs);
    const items: PopularItem[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      items.push({ itemId: flat[i]!, score: Number(flat[i + 1]) * factor });
    }
    return items;
  }

  private epochKey(): string {
    return `${this.base}t0`;
  }

  private scopeKey(scope: string): string {
    return `${this.base}s:${scope}`;
  }

  private countCall(run: Counted[]): ScriptCall {
    const l = this.limits;
    const scopeIndex = new Map<string, number>();
    for (const event of run) {
      for (const scope of event.scopes) {
        if (!scopeIndex.has(scope)) scopeIndex.set(scope, scopeIndex.size + 1);
      }
    }
    // '/' cannot occur in ids, so user and event id cannot run into each other.
    const keys = [
      this.epochKey(),
      ...[...scopeIndex.keys()].map((s) => this.scopeKey(s)),
      ...run.map((e) => `${this.base}evt:${e.userId}/${e.eventId}`),
    ];
    const args: (string | number)[] = [
      l.halfLifeMs,
      EPOCH_HALF_LIVES * l.halfLifeMs,
      l.ttlSeconds,
      l.dedupTtlSeconds,
      l.maxItems,
      scopeIndex.size,
      POPULARITY_FLOOR,
    ];
    for (const e of run) {
      args.push(e.itemId, e.timestamp, e.weight, e.scopes.length);
      for (const scope of e.scopes) args.push(scopeIndex.get(scope)!);
    }
    return [keys.length, ...keys, ...args];
  }
}
