import { describe, expect, it } from 'vitest';
import { rowIds } from './open-state.js';

describe('rowIds', () => {
  it('numbers the item rows from 1, as FAISS ids', () => {
    expect(Array.from(rowIds(5))).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(rowIds(0).length).toBe(0);
    expect(rowIds(300_000)[299_999]).toBe(300_000n);
  });
});
