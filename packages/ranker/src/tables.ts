import { AppError } from '@recsys/errors';

/**
 * What the ranker reads from an artifacts version, as typed arrays indexed by
 * item row (row = training item index + 1; row 0 is padding and the row of
 * every unknown item). The layout mirrors training's ItemTable, ItemToItem and
 * Histories (training/src/recsys_training/features/), so the features computed
 * here are the ones the model was trained on.
 */
export interface ItemTables {
  /** Rows, padding row included (N + 1). */
  nRows: number;
  /** Row of an item id; 0 when the id is unknown. */
  rowOf(itemId: string): number;
  embeddingDim: number;
  /** [nRows, embeddingDim] item embeddings, the ones in the ANN index. */
  embeddings: Float32Array;
  /** Category slots per item (C). */
  categoryWidth: number;
  /** [nRows, C] category rows, 0-padded. */
  categories: Int32Array;
  /** Category vocabulary size, row 0 (padding) included. */
  nCategoryRows: number;
  scalarNames: readonly string[];
  /** [nRows, S] raw content scalars, NaN where unknown. */
  scalars: Float32Array;
  /** [nRows] training interactions per item. */
  counts: Float32Array;
  /** [nRows] time-decayed training interactions. */
  decayed: Float32Array;
  /** [nRows] 1 where the embedding came from the content encoder. */
  usesContent: Uint8Array;
  /**
   * Rows the model has id embeddings for (the trained catalog); rows at or past it are items
   * added live and are fed to the model as the unknown id 0. Defaults to nRows.
   */
  modelRows?: number;
}

/** Item-to-item neighbours (training's ItemToItem), read one history item at a time. */
export interface NeighbourTable {
  /** The neighbour rows of `row`, best first, without padding, and their scores. */
  of(row: number): { rows: Int32Array; scores: Float32Array };
}

/** A user's stored history, newest first: the shape training's Histories keeps per user. */
export interface StoredHistory {
  /** Item rows, 0-padded to the history length. */
  rows: Int32Array;
  /** Milliseconds since the epoch, 0 where padded. */
  timestamps: Float64Array;
}

export interface UserTables {
  /** Positions kept per user (L), the user tower's history width. */
  historyLength: number;
  /** User vocabulary row (user index + 1); 0 for users unseen in training. */
  rowOf(userId: string): number;
  history(userId: string): StoredHistory | undefined;
}

/** A context vocabulary (devices, surfaces): row = index + 1, 0 unknown. */
export interface Vocabulary {
  rowOf(value: string): number;
}

/** Constants of the session features; training's SessionSpec. */
export interface SessionSpec {
  /** A gap longer than this between history events starts a new session. */
  gapMs: number;
  /** Newest history positions the last-items similarities look at. */
  lastN: number;
  /** Top history categories fed to the wide part (U). */
  userCategories: number;
}

export interface RankerTables {
  items: ItemTables;
  neighbours: NeighbourTable;
  users: UserTables;
  devices: Vocabulary;
  surfaces: Vocabulary;
  session: SessionSpec;
}

function sized(name: string, got: number, want: number): void {
  if (got !== want) {
    throw new AppError('invalid_argument', `ranker tables: ${name} has ${got} values, not ${want}`);
  }
}

/** Checks every array against the declared sizes, so a bad artifact fails at load, not per request. */
export function checkTables(t: RankerTables): void {
  const { items } = t;
  const n = items.nRows;
  if (!Number.isInteger(n) || n < 1) {
    throw new AppError('invalid_argument', `ranker tables: nRows must be >= 1, got ${n}`);
  }
  sized('embeddings', items.embeddings.length, n * items.embeddingDim);
  sized('categories', items.categories.length, n * items.categoryWidth);
  sized('scalars', items.scalars.length, n * items.scalarNames.length);
  sized('counts', items.counts.length, n);
  sized('decayed', items.decayed.length, n);
  sized('usesContent', items.usesContent.length, n);
  for (const c of items.categories) {
    if (c < 0 || c >= items.nCategoryRows) {
      throw new AppError('invalid_argument', `ranker tables: category row ${c} out of range`);
    }
  }
  const s = t.session;
  if (!(s.gapMs >= 0 && s.lastN >= 0 && s.userCategories >= 0 && t.users.historyLength >= 1)) {
    throw new AppError('invalid_argument', 'ranker tables: bad session spec or history length');
  }
}
