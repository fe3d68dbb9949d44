import { z } from 'zod';

/** What a user told us at onboarding; read on every feed request. */
export interface Profile {
  categories: string[];
  region?: string | undefined;
  device?: string | undefined;
  /** Epoch milliseconds of the last change. */
  updatedAt: number;
}

/**
 * Where onboarding preferences live. Kept tiny so the Redis implementation is
 * one GET and one SET; failures reject (the feed then serves without the
 * profile, the preferences route answers 503).
 */
export interface ProfileStore {
  get(userId: string): Promise<Profile | undefined>;
  put(userId: string, profile: Profile): Promise<void>;
}

/**
 * A stored profile as read back. Looser than the HTTP schema on purpose (the
 * route validates what is written): the read check only guards against values
 * that are not a profile at all, e.g. written by another version or by hand.
 */
export const StoredProfile = z.object({
  categories: z.array(z.string().max(256)).max(1_000),
  region: z.string().max(256).optional(),
  device: z.string().max(256).optional(),
  updatedAt: z.number().int().nonnegative(),
});

/** Profiles outlive sessions by far: a user onboarded once keeps them for half a year. */
export const DEFAULT_PROFILE_TTL_SECONDS = 180 * 86_400;
