import { describe, expect, it } from 'vitest';
import { TopK } from './top-k.js';

describe('TopK', () => {
  it('keeps the same k as a full sort, ties to the lower row', () => {
    let seed = 3;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const keys = Array.from({ length: 5_000 }, () => Math.floor(random() * 100));
    for (const k of [1, 7, 100, 5_000, 6_000]) {
      const top = new TopK(k);
      keys.forEach((key, row) => top.push(row, key));
      const expected = keys
        .map((key, row) => ({ key, row }))
        .sort((a, b) => b.key - a.key || a.row - b.row)
        .slice(0, k)
        .map((e) => e.row);
      expect(top.sorted()).toEqual(expected);
    }
  });
});
