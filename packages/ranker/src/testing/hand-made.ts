// Test support: hand-made tables small enough to check every feature by hand.
import { DenseNeighbours, ListVocabulary, MemoryUserTables } from '../memory-tables.js';
import type { RankerTables } from '../tables.js';

export const MINUTE = 60_000;
export const NOW = 1_700_000_000_000;

/**
 * Four items (rows 1-4) in 2-d, categories a=1, b=2, c=3:
 *   row 1 [1, 0] {a}     row 2 [0, 1] {b}     row 3 [1, 1] {a, b}     row 4 [0, 2] {c}
 * Neighbours: 1 -> 3 (0.5), 4 (0.25); 2 -> 3 (0.75). Scalar "year": 1990, 2000, NaN, 2010.
 * Users: "u1" history [1, 2, 4] newest first, 10 and 60 minutes apart (a session of 2);
 * "u2" history [3]; anyone else is unknown.
 */
export function handMadeTables(): RankerTables {
  const items = ['i1', 'i2', 'i3', 'i4'];
  const rowOf = new Map(items.map((id, i) => [id, i + 1]));
  return {
    items: {
      nRows: 5,
      rowOf: (id) => rowOf.get(id) ?? 0,
      embeddingDim: 2,
      embeddings: Float32Array.of(0, 0, 1, 0, 0, 1, 1, 1, 0, 2),
      categoryWidth: 2,
      categories: Int32Array.of(0, 0, 1, 0, 2, 0, 1, 2, 3, 0),
      nCategoryRows: 4,
      scalarNames: ['year'],
      scalars: Float32Array.of(NaN, 1990, 2000, NaN, 2010),
      counts: Float32Array.of(0, 3, 0, 7, 1),
      decayed: Float32Array.of(0, 1.5, 0, 2, 0.5),
      usesContent: Uint8Array.of(0, 0, 1, 0, 0),
    },
    neighbours: new DenseNeighbours(
      2,
      Int32Array.of(0, 0, 3, 4, 3, 0, 0, 0, 0, 0),
      Float32Array.of(0, 0, 0.5, 0.25, 0.75, 0, 0, 0, 0, 0),
    ),
    users: new MemoryUserTables(
      ['u1', 'u2'],
      4,
      Int32Array.of(1, 2, 4, 0, 3, 0, 0, 0),
      Float64Array.of(NOW, NOW - 10 * MINUTE, NOW - 70 * MINUTE, 0, NOW, 0, 0, 0),
    ),
    devices: new ListVocabulary(['mobile', 'tv']),
    surfaces: new ListVocabulary(['home', 'search']),
    session: { gapMs: 30 * MINUTE, lastN: 2, userCategories: 2 },
  };
}
