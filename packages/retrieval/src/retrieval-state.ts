import {
  runSteps,
  sortInSteps,
  TimeSlice,
  type ItemCatalog,
  type ItemEmbeddings,
  type ItemNeighbours,
  type PopularityTable,
  type RankedRows,
  type UserHistories,
  type Vocabulary,
} from '@recsys/artifacts';
import type { SearchResult } from '@recsys/ann';
import type { SearchIndex } from './search-index.js';
import type { UserEncoder } from './user-encoder.js';

/** The ANN index as retrieval uses it (AnnIndex from @recsys/ann in production). */
export interface VectorIndex {
  search(queries: Float32Array, k: number, options?: { nprobe?: number }): Promise<SearchResult>;
  close(): Promise<void>;
  /** Live catalog updates (applyCatalogUpdate); an index without them is read-only. */
  upsert?(vectors: Float32Array, ids: BigInt64Array): Promise<number>;
  remove?(ids: BigInt64Array): Promise<number>;
}

/**
 * Everything one artifacts version serves candidates with: the tables, the ANN index built
 * over the item embeddings (ids = item rows), the user tower and the derived lists. Built by
 * openRetrievalState, replaced whole when a new version is published.
 */
export interface RetrievalState {
  version: string;
  items: ItemCatalog;
  embeddings: ItemEmbeddings;
  neighbours: ItemNeighbours;
  popularity: PopularityTable;
  /** Time-decayed training interactions per item row: how popular an item is lately. */
  itemPopularity: ArrayLike<number>;
  /** Training interactions per item row (rows added live read as 0). */
  itemCounts: ArrayLike<number>;
  histories: UserHistories | undefined;
  /** Context vocabularies of the user tower; undefined ones map every value to 0. */
  devices: Vocabulary | undefined;
  surfaces: Vocabulary | undefined;
  search: SearchIndex;
  /** Item rows newest first (see freshRows). */
  fresh: RankedRows;
  index: VectorIndex;
  /** Undefined when the export has no user tower: the ann source then fails as unavailable. */
  encoder: UserEncoder | undefined;
  /** IVF lists probed per search. */
  nprobe: number;
  /** History positions the user tower reads. */
  historyLength: number;
}

/**
 * Rows newest first: by arrival time where the catalog has one, else by the `year` field,
 * else by row (later rows were added later). Scores are 1 / (1 + age), age in days (years for
 * the year order) behind the newest item, so they stay in (0, 1]. Retired rows are skipped at
 * read time. In one piece: small catalogs and tests (freshRowsInSlices beside live traffic).
 */
export function freshRows(items: ItemCatalog, year?: (row: number) => number): RankedRows {
  return runSteps(freshSteps(items, year));
}

/** freshRows beside live traffic: a million rows' sort (~0.2-0.5 s) runs in slices. */
export function freshRowsInSlices(
  items: ItemCatalog,
  year?: (row: number) => number,
  slice = new TimeSlice(5, 1), // a step is ~1,000 placements: look at the clock each time
): Promise<RankedRows> {
  return slice.run(freshSteps(items, year));
}

function* freshSteps(
  items: ItemCatalog,
  year?: (row: number) => number,
): Generator<void, RankedRows> {
  const n = items.rowCount - 1;
  const key = new Float64Array(items.rowCount);
  let dated = 0;
  for (let row = 1; row <= n; row++) {
    const created = items.createdAt(row);
    if (created !== undefined && Number.isFinite(created)) {
      key[row] = created / 86_400_000;
      dated++;
    }
    if ((row & 4095) === 0) yield;
  }
  if (dated === 0) {
    for (let row = 1; row <= n; row++) {
      const value = year?.(row) ?? items.record(row)?.numeric?.year;
      key[row] = value !== undefined && Number.isFinite(value) ? value : 0;
      if ((row & 4095) === 0) yield;
    }
  }
  // Positions p = row - 1, newest first, later rows first on ties.
  const order = yield* sortInSteps(n, (a, b) => key[b + 1]! - key[a + 1]! || b - a);
  const rows = new Int32Array(n);
  const scores = new Float32Array(n);
  const newest = n > 0 ? key[order[0]! + 1]! : 0;
  for (let i = 0; i < n; i++) {
    const row = order[i]! + 1;
    rows[i] = row;
    scores[i] = 1 / (1 + Math.max(0, newest - key[row]!));
  }
  return { rows, scores };
}
