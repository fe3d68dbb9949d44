import type { events } from '@recsys/contracts';
import { AppError } from '@recsys/errors';
import type { Redis } from 'ioredis';
import { ScriptPipeline, type ScriptCall } from './script-pipeline.js';
import { APPLY_USER_EVENTS_LUA } from './apply-script.js';
import { decay, effectsOf } from './effects.js';
import {
  DEFAULT_LIMITS,
  emptySession,
  type ApplyResult,
  type ItemCategories,
  type Session,
  type SessionLimits,
  type SessionStore,
} from './session.js';

export interface RedisSessionStoreOptions {
  /** The caller owns the connection (and closes it). */
  redis: Redis;
  /** Prefix of every key, so environments and test runs can share one Redis. */
  keyPrefix?: string;
  limits?: Partial<SessionLimits>;
  itemCategories?: ItemCategories;
  now?: () => number;
}

/** Longest run of one user's events in one script call, so no call blocks Redis for long. */
const MAX_EVENTS_PER_CALL = 500;
const SCRIPT = new ScriptPipeline(APPLY_USER_EVENTS_LUA, 'applying user events');

/**
 * Session features in Redis, one set of keys per user, all in the user's hash
 * slot (`{userId}`), so the apply script is cluster-safe. A batch is one
 * pipeline: one round trip whatever the number of users.
 */
export class RedisSessionStore implements SessionStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly limits: SessionLimits;
  private readonly now: () => number;

  constructor(private readonly options: RedisSessionStoreOptions) {
    this.redis = options.redis;
    this.prefix = options.keyPrefix ?? 'recsys:';
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.now = options.now ?? Date.now;
  }

  async applyUserEvents(batch: readonly events.UserEvent[]): Promise<ApplyResult> {
    if (batch.length === 0) return { applied: 0, duplicates: 0 };
    const byUser = new Map<string, events.UserEvent[]>();
    for (const event of batch) {
      const list = byUser.get(event.userId);
      if (list) list.push(event);
      else byUser.set(event.userId, [event]);
    }
    const calls: ScriptCall[] = [];
    for (const [userId, list] of byUser) {
      for (let i = 0; i < list.length; i += MAX_EVENTS_PER_CALL) {
        calls.push(this.applyCall(userId, list.slice(i, i + MAX_EVENTS_PER_CALL)));
      }
    }
    const results = await SCRIPT.run(this.redis, calls);
    const applied = results.reduce((sum, n) => sum + n, 0);
    return { applied, duplicates: batch.length - applied };
  }

  async getSession(userId: string, at = this.now()): Promise<Session> {
    const k = this.keys(userId);
    const replies = await this.redis
      .pipeline()
      .hgetall(k.state)
      .hgetall(k.affinity)
      .lrange(k.recent, 0, -1)
      .zrevrange(k.seen, 0, -1)
      .hgetall(k.impressions)
      .exec();
    if (!replies) throw new AppError('unavailable', 'redis: pipeline aborted');
    for (const [err] of replies) {
      if (err)
        throw new AppError('unavailable', 'redis: session read failed', true, { cause: err });
    }
    const [state, affinity, recent, seen, impressions] = replies.map(([, v]) => v) as [
      Record<string, string>,
      Record<string, string>,
      string[],
      string[],
      Record<string, string>,
    ];
    const eventCount = Number(state.n ?? 0);
    if (eventCount === 0) return emptySession(userId);
    const last = Number(state.last ?? 0);
    const live = at - last <= this.limits.sessionGapMs;
    const factor = decay(at - Number(state.aff_t ?? 0), this.limits.affinityHalfLifeMs);
    return {
      userId,
      eventCount,
      recentItems: recent,
      sessionClicks: live ? Number(state.clicks ?? 0) : 0,
      sessionStartedAt: live ? Number(state.start ?? 0) : 0,
      lastEventAt: last,
      categoryAffinity: mapValues(affinity, (s) => Number(s) * factor),
      seen,
      impressions: mapValues(impressions, Number),
    };
  }

  private keys(userId: string) {
    const base = `${this.prefix}u:{${userId}}:`;
    return {
      state: `${base}st`,
      affinity: `${base}aff`,
      recent: `${base}rec`,
      seen: `${base}seen`,
      impressions: `${base}imp`,
      applied: (eventId: string) => `${base}evt:${eventId}`,
    };
  }

  private applyCall(userId: string, list: events.UserEvent[]): ScriptCall {
    const k = this.keys(userId);
    const l = this.limits;
    const keys = [
      k.state,
      k.affinity,
      k.recent,
      k.seen,
      k.impressions,
      ...list.map((e) => k.applied(e.eventId)),
    ];
    const args: (string | number)[] = [
      l.stateTtlSeconds,
      l.dedupTtlSeconds,
      l.recentItems,
      l.seenItems,
      l.sessionGapMs,
      l.affinityHalfLifeMs,
    ];
    for (const event of list) {
      const fx = effectsOf(event.type);
      const flags = `${fx.click ? 'c' : ''}${fx.recent ? 'r' : ''}${fx.seen ? 's' : ''}${fx.impression ? 'i' : ''}`;
      const categories =
        fx.affinity === 0 ? [] : (this.options.itemCategories?.(event.itemId) ?? []);
      const joined = categories.filter((c) => c !== '' && !c.includes('\x1f')).join('\x1f');
      args.push(flags || '-', event.itemId, event.timestamp, fx.affinity, joined);
    }
    return [keys.length, ...keys, ...args];
  }
}

function mapValues<T>(record: Record<string, string>, f: (v: string) => T): Record<string, T> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}
