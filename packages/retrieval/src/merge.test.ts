import { describe, expect, it } from 'vitest';
import { mergeSources } from './merge.js';

const list = (source: string, quota: number, rows: number[], via?: number) => ({
  source,
  quota,
  candidates: rows.map((row, i) => ({ row, score: 100 - i, ...(via ? { viaRow: via } : {}) })),
});

describe('mergeSources', () => {
  it('keeps each item once with every source name, the best-placed source first', () => {
    const merged = mergeSources([list('ann', 4, [1, 2, 3, 4]), list('i2i', 2, [3, 5], 9)], 10);
    expect(merged.candidates.map((c) => c.row)).toEqual([1, 3, 2, 5, 4]);
    const three = merged.candidates.find((c) => c.row === 3);
    // Row 3 is i2i's first (0/2) and ann's third (2/4): i2i placed it best.
    expect(three).toEqual({ row: 3, score: 100, sources: ['i2i', 'ann'], viaRow: 9 });
    expect(merged.sourceCounts).toEqual({ ann: 4, i2i: 2 });
  });

  it('gives each source its configured share when the limit cuts the list', () => {
    const ann = list('ann', 6, [1, 2, 3, 4, 5, 6]);
    const pop = list('popular', 2, [11, 12]);
    const merged = mergeSources([ann, pop], 4);
    expect(merged.candidates.map((c) => c.row)).toEqual([1, 11, 2, 3]);
  });

  it('drops excluded rows whatever a source returned', () => {
    const merged = mergeSources([list('ann', 3, [1, 2, 3])], 10, (row) => row === 2);
    expect(merged.candidates.map((c) => c.row)).toEqual([1, 3]);
    expect(merged.sourceCounts).toEqual({ ann: 3 });
  });

  it('keeps the via item of an i2i source when a non-i2i source placed the item better', () => {
    const merged = mergeSources([list('ann', 1, [4]), list('i2i', 1, [4], 7)], 10);
    expect(merged.candidates).toEqual([{ row: 4, score: 100, sources: ['ann', 'i2i'], viaRow: 7 }]);
  });
});
