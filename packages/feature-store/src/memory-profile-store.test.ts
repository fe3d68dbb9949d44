import { describe, expect, it } from 'vitest';
import { MemoryProfileStore } from './memory-profile-store.js';
import { describeProfileStore } from './testing/index.js';

describeProfileStore('in-memory', () => new MemoryProfileStore());

describe('MemoryProfileStore bound', () => {
  it('drops the least recently written profile past maxUsers', async () => {
    const store = new MemoryProfileStore(2);
    await store.put('a', { categories: ['x'], updatedAt: 1 });
    await store.put('b', { categories: ['y'], updatedAt: 2 });
    await store.put('a', { categories: ['z'], updatedAt: 3 }); // rewritten: now the newest
    await store.put('c', { categories: [], updatedAt: 4 });
    expect(await store.get('b')).toBeUndefined();
    expect((await store.get('a'))?.categories).toEqual(['z']);
    expect(await store.get('c')).toEqual({ categories: [], updatedAt: 4 });
  });
});
