import { describe, expect, it } from 'vitest';
import { explain } from './explain.js';

const titles = new Map([['1', 'Toy Story (1995)']]);

describe('explain', () => {
  it('reads source families whatever the exact names', () => {
    const home = { surface: 'home' as const, titles };
    expect(explain({ sources: ['session_i2i'], viaItemId: '1' }, home)).toBe(
      'Because you watched "Toy Story (1995)"',
    );
    expect(explain({ sources: ['item_to_item'], viaItemId: '2' }, home)).toBe(
      'Because you watched item 2',
    );
    expect(explain({ sources: ['session'] }, home)).toBe('Because of what you watched recently');
    expect(explain({ sources: ['popular_by_region'] }, home)).toBe('Popular right now');
    expect(explain({ sources: ['popular'] }, { ...home, region: 'eu' })).toBe(
      'Popular in your region',
    );
    expect(explain({ sources: ['fresh'] }, home)).toBe('New arrival');
    expect(explain({ sources: ['ann'] }, home)).toBe('Recommended for you');
    expect(explain({ sources: [] }, home)).toBe('Recommended for you');
  });

  it('prefers the most specific story when several sources agree', () => {
    const ctx = { surface: 'home' as const, region: 'eu' };
    expect(explain({ sources: ['ann', 'popular', 'fresh'] }, ctx)).toBe('New arrival');
    expect(explain({ sources: ['popular', 'session'], viaItemId: '9' }, ctx)).toBe(
      'Because you watched item 9',
    );
  });

  it('speaks of the seed on more_like_this and of the query on search', () => {
    const mlt = { surface: 'more_like_this' as const, seedItemId: '1', titles };
    expect(explain({ sources: ['item2item'] }, mlt)).toBe('Similar to "Toy Story (1995)"');
    expect(explain({ sources: ['ann'] }, mlt)).toBe('Picked for you, like "Toy Story (1995)"');
    expect(explain({ sources: ['search'] }, { surface: 'search', query: 'heat' })).toBe(
      'Matches "heat"',
    );
  });
});
