import { describe, expect, it } from 'vitest';
import { LiveItemTables } from './live-items.js';
import { rankerFeeds } from './model-feeds.js';
import type { ItemTables, RankerTables } from './tables.js';

function baseTables(): ItemTables {
  const nRows = 3;
  const ids = new Map([
    ['a', 1],
    ['b', 2],
  ]);
  return {
    nRows,
    rowOf: (id) => ids.get(id) ?? 0,
    embeddingDim: 2,
    embeddings: Float32Array.from([0, 0, 1, 0, 0, 1]),
    categoryWidth: 2,
    categories: Int32Array.from([0, 0, 1, 0, 2, 1]),
    nCategoryRows: 3,
    scalarNames: ['year'],
    scalars: Float32Array.from([NaN, 1999, 2001]),
    counts: Float32Array.from([0, 12, 40]),
    decayed: Float32Array.from([0, 3, 9]),
    usesContent: new Uint8Array(3),
  };
}

const item = (x: number) => ({
  embedding: Float32Array.from([x, 1 - x]),
  categoryRows: [2, 0],
  scalars: [2026],
});

describe('LiveItemTables', () => {
  it('appends new items behind the trained rows and keeps trained ones as trained', () => {
    const tables = new LiveItemTables(baseTables());
    expect(tables.upsert('a', item(0.5))).toBe(1);
    expect(Array.from(tables.embeddings.subarray(2, 4))).toEqual([1, 0]);
    const rows = Array.from({ length: 2000 }, (_, i) => tables.upsert(`new${i}`, item(0.25)));
    expect(rows[0]).toBe(3);
    expect(rows.at(-1)).toBe(2002);
    expect(tables.nRows).toBe(2003);
    expect(tables.modelRows).toBe(3);
    expect(tables.rowOf('new1999')).toBe(2002);
    expect(tables.rowOf('b')).toBe(2);
    expect(Array.from(tables.embeddings.subarray(2002 * 2, 2003 * 2))).toEqual([0.25, 0.75]);
    expect(tables.scalars[2002]).toBe(2026);
    expect(tables.counts[2002]).toBe(0);
    expect(tables.usesContent[2002]).toBe(1);
    // Trained rows survive the growth.
    expect(Array.from(tables.categories.subarray(4, 6))).toEqual([2, 1]);
    // Re-upserting a live item rewrites its row.
    expect(tables.upsert('new0', item(1))).toBe(3);
    expect(Array.from(tables.embeddings.subarray(6, 8))).toEqual([1, 0]);
  });

  it('rejects an item of another shape, naming it', () => {
    const tables = new LiveItemTables(baseTables());
    expect(() => tables.upsert('x', { ...item(0), categoryRows: [7, 0] })).toThrow(
      /x: category row 7/,
    );
    expect(() => tables.upsert('x', { ...item(0), scalars: [] })).toThrow(/0 scalars/);
    expect(tables.rowOf('x')).toBe(0);
  });

  it('feeds a live item to the model as the unknown id, with its own categories', () => {
    const items = new LiveItemTables(baseTables());
    const row = items.upsert('fresh', item(0.5));
    const tables = { items, devices: { rowOf: () => 0 }, surfaces: { rowOf: () => 0 } };
    const feeds = rankerFeeds(
      new Float32Array(2),
      1,
      Int32Array.from([2, row]),
      { topCategories: Int32Array.from([1]) } as never,
      { hour: 0, dow: 0, device: 0, surface: 0 },
      tables as unknown as RankerTables,
    );
    expect(Array.from(feeds.item_row!.data as BigInt64Array)).toEqual([2n, 0n]);
    expect(Array.from(feeds.item_categories!.data as BigInt64Array)).toEqual([2n, 1n, 2n, 0n]);
  });
});
