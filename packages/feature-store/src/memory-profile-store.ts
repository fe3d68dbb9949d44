import type { Profile, ProfileStore } from './profile.js';

/**
 * Process-local profiles for the all-in-one mode and tests. Bounded: past
 * `maxUsers` the least recently written profile is dropped.
 */
export class MemoryProfileStore implements ProfileStore {
  private readonly profiles = new Map<string, Profile>();

  constructor(private readonly maxUsers = 1_000_000) {}

  get(userId: string): Promise<Profile | undefined> {
    const profile = this.profiles.get(userId);
    return Promise.resolve(profile && structuredClone(profile));
  }

  put(userId: string, profile: Profile): Promise<void> {
    // Re-insert so Map order is write order and the oldest sits first.
    this.profiles.delete(userId);
    this.profiles.set(userId, structuredClone(profile));
    if (this.profiles.size > this.maxUsers) {
      const oldest = this.profiles.keys().next();
      if (!oldest.done) this.profiles.delete(oldest.value);
    }
    return Promise.resolve();
  }
}
