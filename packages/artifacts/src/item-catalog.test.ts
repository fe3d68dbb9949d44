import { describe, expect, it } from 'vitest';
import { ItemCatalog } from './item-catalog.js';
import { PackedStrings } from './packed-strings.js';

const rec = (id: string, categories: string[] = [], tags: string[] = [], createdAt?: number) => ({
  id,
  title: `T ${id}`,
  categories,
  tags,
  createdAt,
});

describe('ItemCatalog', () => {
  it('maps ids and rows both ways and reads every column back', () => {
    const c = new ItemCatalog([
      rec('a', ['Drama', 'Crime'], ['noir'], 5),
      rec('b'),
      rec('c', ['Drama']),
    ]);
    expect([c.rowCount, c.size, c.rowOf('b'), c.idOf(3)]).toEqual([4, 3, 2, 'c']);
    expect(c.record(1)).toEqual({ ...rec('a', ['Drama', 'Crime'], ['noir'], 5) });
    expect(c.categories(2)).toEqual([]);
    expect(c.createdAt(2)).toBeUndefined();
    expect([c.idOf(0), c.idOf(4), c.rowOf('zz')]).toEqual([undefined, undefined, undefined]);
    expect(() => new ItemCatalog([rec('a'), rec('a')])).toThrow(/duplicate item id a/);
  });

  it('upserts in place, appends new rows and retires without renumbering', () => {
    const c = new ItemCatalog([rec('a', ['Drama']), rec('b', ['Comedy'])]);
    expect(c.upsert(rec('a', ['Horror'], ['new'], 9))).toBe(1);
    expect(c.record(1)).toEqual(rec('a', ['Horror'], ['new'], 9));
    expect(c.categories(2)).toEqual(['Comedy']);
    expect(c.upsert(rec('d', ['Drama']))).toBe(3);
    expect(c.retire('b')).toBe(2);
    expect([c.rowOf('b'), c.idOf(2), c.isLive(2), c.title(2)]).toEqual([
      undefined,
      undefined,
      false,
      undefined,
    ]);
    expect(c.upsert(rec('b'))).toBe(2);
    expect(c.isLive(2)).toBe(true);
  });

  it('takes over a vocabulary of ids and is described row by row, then upserts as usual', () => {
    const ids = new PackedStrings(true);
    for (const id of ['', 'a', 'b']) ids.push(id);
    const c = ItemCatalog.withIds(ids);
    expect([c.rowCount, c.rowOf('b'), c.title(1)]).toEqual([3, 2, '']);
    c.describe(2, rec('b', ['Drama'], [], 7));
    expect(c.record(2)).toEqual(rec('b', ['Drama'], [], 7));
    expect(() => c.describe(1, rec('b'))).toThrow(/row 1 is not b/);
    expect(c.upsert(rec('c'))).toBe(3);
    expect([c.rowOf('c'), c.title(3), c.title(2)]).toEqual([3, 'T c', 'T b']);
  });
});
