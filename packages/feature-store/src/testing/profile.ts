import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Profile, ProfileStore } from '../profile.js';

export type ProfileStoreFactory = () => ProfileStore | Promise<ProfileStore>;

/**
 * The behaviour every ProfileStore must have, run against the in-memory store
 * in unit tests and against real Redis in the integration tests. Each case uses
 * fresh user ids, so a shared Redis is fine.
 */
export function describeProfileStore(name: string, make: ProfileStoreFactory): void {
  describe(`ProfileStore contract: ${name}`, () => {
    it('reads back what was written, and nothing for a stranger', async () => {
      const store = await make();
      const u = user();
      const profile: Profile = {
        categories: ['Drama', 'Sci-Fi'],
        region: 'eu',
        device: 'tv',
        updatedAt: 1_764_000_000_000,
      };
      await store.put(u, profile);
      expect(await store.get(u)).toEqual(profile);
      expect(await store.get(user())).toBeUndefined();
    });

    it('keeps optional fields absent rather than undefined', async () => {
      const store = await make();
      const u = user();
      await store.put(u, { categories: [], updatedAt: 1 });
      const read = await store.get(u);
      expect(read).toEqual({ categories: [], updatedAt: 1 });
      expect(Object.keys(read ?? {}).sort()).toEqual(['categories', 'updatedAt']);
    });

    it('replaces a profile on write and hands out copies', async () => {
      const store = await make();
      const u = user();
      await store.put(u, { categories: ['a'], region: 'us', updatedAt: 1 });
      await store.put(u, { categories: ['b'], updatedAt: 2 });
      const read = await store.get(u);
      expect(read).toEqual({ categories: ['b'], updatedAt: 2 });
      read?.categories.push('mutated');
      expect((await store.get(u))?.categories).toEqual(['b']);
    });

    it('keeps users apart, whatever characters their ids use', async () => {
      const store = await make();
      const [a, b] = [`${user()}:x.y_z-1`, `${user()}:x.y_z-2`];
      await store.put(a, { categories: ['a'], updatedAt: 1 });
      await store.put(b, { categories: ['b'], updatedAt: 2 });
      expect((await store.get(a))?.categories).toEqual(['a']);
      expect((await store.get(b))?.categories).toEqual(['b']);
    });
  });
}

function user(): string {
  return `u-${randomUUID()}`;
}
