// Test support: a small, hand-checkable RetrievalState with a real FAISS index.
import { AnnIndex } from '@recsys/ann';
import {
  ItemCatalog,
  ItemEmbeddings,
  ItemNeighbours,
  PopularityTable,
  UserHistories,
  Vocabulary,
  ranked,
  type ItemRecord,
} from '@recsys/artifacts';
import { freshRows, type RetrievalState } from './retrieval-state.js';
import { SearchIndex } from './search-index.js';
import type { UserEncoder, UserFeatures } from './user-encoder.js';

const DAY = 86_400_000;
export const NOW = 1_764_000_000_000;

/**
 * Items i1..i12 in rows 1..12. Embeddings sit on two axes: rows 1-6 ("action") near x, rows
 * 7-12 ("drama") near y, so nearest neighbours are easy to predict. Row r arrived r days
 * before NOW - 12 days, i.e. i12 is the newest.
 */
export const ITEMS: ItemRecord[] = Array.from({ length: 12 }, (_, i) => {
  const row = i + 1;
  const action = row <= 6;
  return {
    id: `i${row}`,
    title: action ? `Fast Car ${row}` : `Quiet Story ${row}`,
    categories: action ? ['Action'] : ['Drama'],
    tags: row % 2 === 0 ? ['even'] : ['odd'],
    createdAt: NOW - (13 - row) * DAY,
  };
});

export function embeddingOf(row: number): Float32Array {
  const action = row <= 6;
  const wobble = (row % 6) / 20;
  const v = action ? [1, wobble, 0, 0] : [wobble, 1, 0, 0];
  const norm = Math.hypot(...v);
  return Float32Array.from(v, (x) => x / norm);
}

/** A deterministic stand-in for the user tower: the normalised mean of the history vectors. */
export class MeanHistoryEncoder implements UserEncoder {
  calls = 0;
  constructor(private readonly embeddings: ItemEmbeddings) {}
  encode(features: UserFeatures): Promise<Float32Array> {
    this.calls++;
    const out = new Float32Array(this.embeddings.dim);
    for (const row of features.historyRows) {
      const v = this.embeddings.vector(row);
      if (v) for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) + (v[i] ?? 0);
    }
    if (features.historyRows.length === 0) out[0] = 1;
    const norm = Math.hypot(...out) || 1;
    return Promise.resolve(out.map((x) => x / norm));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Users u1 (history: i1, i2) and u2 (history: i7); histories are 4 long. */
export async function makeTestState(
  overrides: Partial<RetrievalState> = {},
): Promise<RetrievalState> {
  const items = new ItemCatalog(ITEMS);
  const data = new Float32Array(13 * 4);
  for (let row = 1; row <= 12; row++) data.set(embeddingOf(row), row * 4);
  const embeddings = new ItemEmbeddings(4, data, 0);
  // Neighbours: the next two rows within the same half, scores 0.9 and 0.5.
  const k = 2;
  const nRows = new Int32Array(13 * k);
  const nScores = new Float32Array(13 * k);
  for (let row = 1; row <= 12; row++) {
    const base = row <= 6 ? 0 : 6;
    [1, 2].forEach((step, j) => {
      nRows[row * k + j] = base + (((row - base - 1 + step) % 6) + 1);
      nScores[row * k + j] = j === 0 ? 0.9 : 0.5;
    });
  }
  const itemPopularity = Float32Array.from({ length: 13 }, (_, r) => (r === 0 ? 0 : 13 - r));
  const range = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => from + i);
  // Row 1 is the most popular overall; in region eu the newest rows are.
  const lists = new Map([
    ['global', ranked(range(1, 12), itemPopularity)],
    ['category:Action', ranked(range(1, 6), itemPopularity)],
    ['category:Drama', ranked(range(7, 12), itemPopularity)],
    [
      'region:eu',
      ranked(
        [10, 11, 12],
        Float32Array.from({ length: 13 }, (_, r) => r),
      ),
    ],
  ]);
  const users = new Vocabulary('user', ['u1', 'u2']);
  const hist = new Int32Array(3 * 4);
  hist.set([2, 1], 4);
  hist.set([7], 8);
  const index = AnnIndex.create({ dim: 4, factory: 'Flat' });
  await index.add(
    embeddings.itemBlock(),
    BigInt64Array.from({ length: 12 }, (_, i) => BigInt(i + 1)),
  );
  return {
    version: 'test-v1',
    items,
    embeddings,
    neighbours: new ItemNeighbours(k, nRows, nScores),
    popularity: new PopularityTable(lists),
    itemPopularity,
    itemCounts: Float32Array.from(itemPopularity, (p) => p * 2),
    histories: new UserHistories(users, 4, hist, undefined, 0),
    devices: new Vocabulary('device', ['web', 'ios']),
    surfaces: new Vocabulary('surface', ['home']),
    search: new SearchIndex(items),
    fresh: freshRows(items),
    index,
    encoder: new MeanHistoryEncoder(embeddings),
    nprobe: 1,
    historyLength: 4,
    ...overrides,
  };
}
