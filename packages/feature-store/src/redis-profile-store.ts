import { AppError } from '@recsys/errors';
import type { Redis } from 'ioredis';
import {
  DEFAULT_PROFILE_TTL_SECONDS,
  StoredProfile,
  type Profile,
  type ProfileStore,
} from './profile.js';

export interface RedisProfileStoreOptions {
  /** The caller owns the connection (and closes it). */
  redis: Redis;
  /** Prefix of every key; the one the session store uses is fine. */
  keyPrefix?: string;
  /** A profile not written again for this long expires. */
  ttlSeconds?: number;
  /** Told about each stored value that is not a profile (it is then read as absent). */
  onCorrupt?: (userId: string, reason: string) => void;
}

/**
 * Profiles in Redis as one JSON string per user, in the user's hash slot beside
 * the session keys (`<prefix>u:{userId}:profile`): a read is one GET, a write one
 * SET with a TTL. A value that fails validation reads as no profile and is
 * counted, so a bad write elsewhere costs a user their preferences, never a feed.
 */
export class RedisProfileStore implements ProfileStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly ttlSeconds: number;
  private corruptReads = 0;

  constructor(private readonly options: RedisProfileStoreOptions) {
    this.redis = options.redis;
    this.prefix = options.keyPrefix ?? 'recsys:';
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_PROFILE_TTL_SECONDS;
    if (!Number.isInteger(this.ttlSeconds) || this.ttlSeconds < 1) {
      throw new AppError('invalid_argument', `profiles: ttlSeconds must be a positive integer`);
    }
  }

  /** Stored values read as absent because they were not a valid profile. */
  get corrupt(): number {
    return this.corruptReads;
  }

  async get(userId: string): Promise<Profile | undefined> {
    let raw: string | null;
    try {
      raw = await this.redis.get(this.key(userId));
    } catch (err) {
      throw new AppError('unavailable', 'redis: profile read failed', true, { cause: err });
    }
    if (raw === null) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return this.discard(userId, 'not JSON');
    }
    const parsed = StoredProfile.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.discard(userId, `${issue?.path.join('.') || 'value'}: ${issue?.message}`);
    }
    const { categories, region, device, updatedAt } = parsed.data;
    return {
      categories,
      ...(region === undefined ? {} : { region }),
      ...(device === undefined ? {} : { device }),
      updatedAt,
    };
  }

  async put(userId: string, profile: Profile): Promise<void> {
    const checked = StoredProfile.safeParse(profile);
    if (!checked.success) {
      throw new AppError('invalid_argument', `profile of ${userId}: ${checked.error.message}`);
    }
    const value = JSON.stringify(checked.data);
    try {
      await this.redis.set(this.key(userId), value, 'EX', this.ttlSeconds);
    } catch (err) {
      throw new AppError('unavailable', 'redis: profile write failed', true, { cause: err });
    }
  }

  private key(userId: string): string {
    return `${this.prefix}u:{${userId}}:profile`;
  }

  private discard(userId: string, reason: string): undefined {
    this.corruptReads++;
    this.options.onCorrupt?.(userId, reason);
    return undefined;
  }
}
