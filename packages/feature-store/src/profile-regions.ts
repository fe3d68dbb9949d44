import type { UserRegions } from './popularity.js';
import type { ProfileStore } from './profile.js';

/**
 * Users' regions from their onboarding profiles, for per-region popularity. A profile that
 * cannot be read (store down, corrupt) counts as no region: the event still counts globally and
 * per category, rather than the whole batch failing and being redelivered for a lookup.
 */
export function profileRegions(profiles: ProfileStore): UserRegions {
  return async (userIds) => {
    const regions = new Map<string, string>();
    await Promise.all(
      userIds.map(async (userId) => {
        const region = await profiles.get(userId).then(
          (profile) => profile?.region,
          () => undefined,
        );
        if (region !== undefined && region !== '') regions.set(userId, region);
      }),
    );
    return regions;
  };
}
