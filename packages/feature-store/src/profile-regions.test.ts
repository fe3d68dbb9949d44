import { userEvent } from '@recsys/contracts/testing';
import { AppError } from '@recsys/errors';
import { describe, expect, it } from 'vitest';
import { MemoryPopularityStore } from './memory-popularity-store.js';
import { MemoryProfileStore } from './memory-profile-store.js';
import { profileRegions } from './profile-regions.js';
import type { ProfileStore } from './profile.js';

describe('profileRegions', () => {
  it('maps users with a region in their profile, leaving the others out', async () => {
    const profiles = new MemoryProfileStore();
    await profiles.put('eu-user', { categories: [], region: 'eu', updatedAt: 1 });
    await profiles.put('no-region', { categories: ['Drama'], updatedAt: 1 });
    const regions = await profileRegions(profiles)(['eu-user', 'no-region', 'stranger']);
    expect([...regions]).toEqual([['eu-user', 'eu']]);
  });

  it('reads a failing store as no region instead of failing', async () => {
    const down: ProfileStore = {
      get: () => Promise.reject(new AppError('unavailable', 'redis down')),
      put: () => Promise.reject(new AppError('unavailable', 'redis down')),
    };
    expect((await profileRegions(down)(['a', 'b'])).size).toBe(0);
  });

  it('feeds per-region popularity', async () => {
    const profiles = new MemoryProfileStore();
    await profiles.put('u1', { categories: [], region: 'eu', updatedAt: 1 });
    const store = new MemoryPopularityStore({ userRegions: profileRegions(profiles) });
    const click = (userId: string, itemId: string) =>
      userEvent({
        eventId: `${userId}-${itemId}`,
        userId,
        itemId,
      });
    await store.applyUserEvents([click('u1', 'a'), click('u2', 'b')]);
    const eu = await store.getPopular({ region: 'eu', limit: 10 });
    expect(eu.map((p) => p.itemId)).toEqual(['a']);
    expect((await store.getPopular({ limit: 10 })).map((p) => p.itemId).sort()).toEqual(['a', 'b']);
  });
});
