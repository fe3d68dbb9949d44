import { ItemCatalog, TimeSlice } from '@recsys/artifacts';
import { describe, expect, it } from 'vitest';
import { freshRows, freshRowsInSlices } from './retrieval-state.js';

const item = (id: string, createdAt?: number) => ({
  id,
  title: id,
  categories: [],
  tags: [],
  createdAt,
});

describe('freshRows', () => {
  it('orders by arrival, newest first, later rows first on ties, scores in (0, 1]', () => {
    const day = 86_400_000;
    const catalog = new ItemCatalog([
      item('a', 5 * day),
      item('b', 9 * day),
      item('c', 5 * day),
      item('d', 7 * day),
    ]);
    const fresh = freshRows(catalog);
    expect(Array.from(fresh.rows)).toEqual([2, 4, 3, 1]);
    expect(Array.from(fresh.scores)).toEqual([1, 1 / 3, 1 / 5, 1 / 5].map(Math.fround));
  });

  it('falls back to the year, then to the row', () => {
    const years = [1999, 2004, 1999];
    const catalog = new ItemCatalog([item('a'), item('b'), item('c')]);
    expect(Array.from(freshRows(catalog, (row) => years[row - 1] ?? NaN).rows)).toEqual([2, 3, 1]);
    expect(Array.from(freshRows(catalog).rows)).toEqual([3, 2, 1]);
  });

  it('matches a comparator sort on many rows with repeated keys, in slices too', async () => {
    const catalog = new ItemCatalog(
      Array.from({ length: 3_000 }, (_, i) => item(`i${i}`, ((i * 7919) % 101) * 1000)),
    );
    const expected = Array.from({ length: 3_000 }, (_, i) => i + 1).sort(
      (a, b) => (catalog.createdAt(b) ?? 0) - (catalog.createdAt(a) ?? 0) || b - a,
    );
    expect(Array.from(freshRows(catalog).rows)).toEqual(expected);
    const sliced = await freshRowsInSlices(catalog, undefined, new TimeSlice(0, 1));
    expect(sliced).toEqual(freshRows(catalog));
  });
});
