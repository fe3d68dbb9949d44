import type {
  ItemCatalog,
  ItemEmbeddings,
  ItemNeighbours,
  PopularityTable,
  RankedRows,
  UserHistories,
  Vocabulary,
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
 * read time.
 */
export function freshRows(items: ItemCatalog, year?: (row: number) => number): RankedRows {
  const rows: number[] = [];
  const key = new Float64Array(items.rowCount);
  let dated = 0;
  for (let row = 1; row < items.rowCount; row++) {
    rows.push(row);
    const created = items.createdAt(row);
    if (created !== undefined && Number.isFinite(created)) {
      key[row] = created / 86_400_000;
      dated++;
    }
  }
  if (dated === 0) {
    for (const row of rows) {
      const value = year?.(row) ?? items.record(row)?.numeric?.year;
      key[row] = value !== undefined && Number.isFinite(value) ? value : 0;
    }
  }
  // One comparator sort per version load (~0.5 s for a million items on this machine).
  rows.sort((a, b) => (key[b] ?? 0) - (key[a] ?? 0) || b - a);
  const newest = key[rows[0] ?? 0] ?? 0;
  return {
    rows: Int32Array.from(rows),
    scores: Float32Array.from(rows, (r) => 1 / (1 + Math.max(0, newest - (key[r] ?? 0)))),
  };
}
