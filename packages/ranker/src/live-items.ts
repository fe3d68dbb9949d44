import { AppError } from '@recsys/errors';
import type { ItemTables } from './tables.js';

/** A catalog item added since training, as the ranker reads it (from an item update). */
export interface LiveItem {
  embedding: Float32Array;
  /** Category vocabulary rows, 0-padded to the tables' category width. */
  categoryRows: ArrayLike<number>;
  /** Raw content scalars in the tables' order, NaN unknown. */
  scalars: ArrayLike<number>;
}

/**
 * Item tables that take items added after training: new rows are appended behind the trained
 * ones, with their content embedding and features, no interactions, and `uses_content` set.
 * The arrays get room for more rows on the first addition and double when full, so an addition
 * is a copy of one row; `modelRows` stays the trained count, the ids the model has embeddings
 * for (a newer row is fed to the model as the unknown id 0).
 */
export class LiveItemTables implements ItemTables {
  readonly modelRows: number;
  nRows: number;
  embeddings: Float32Array;
  categories: Int32Array;
  scalars: Float32Array;
  counts: Float32Array;
  decayed: Float32Array;
  usesContent: Uint8Array;
  readonly embeddingDim: number;
  readonly categoryWidth: number;
  readonly nCategoryRows: number;
  readonly scalarNames: readonly string[];
  private readonly added = new Map<string, number>();
  private readonly base: ItemTables;

  constructor(base: ItemTables) {
    this.base = base;
    this.modelRows = base.nRows;
    this.nRows = base.nRows;
    this.embeddings = base.embeddings;
    this.categories = base.categories;
    this.scalars = base.scalars;
    this.counts = base.counts;
    this.decayed = base.decayed;
    this.usesContent = base.usesContent;
    this.embeddingDim = base.embeddingDim;
    this.categoryWidth = base.categoryWidth;
    this.nCategoryRows = base.nCategoryRows;
    this.scalarNames = base.scalarNames;
  }

  rowOf(itemId: string): number {
    return this.base.rowOf(itemId) || (this.added.get(itemId) ?? 0);
  }

  /** Adds or replaces an item added since training; a trained item is left as trained. */
  upsert(itemId: string, item: LiveItem): number {
    const trained = this.base.rowOf(itemId);
    if (trained > 0) return trained;
    const d = this.embeddingDim;
    const c = this.categoryWidth;
    const s = this.scalarNames.length;
    if (
      item.embedding.length !== d ||
      item.categoryRows.length !== c ||
      item.scalars.length !== s
    ) {
      throw new AppError(
        'invalid_argument',
        `ranker: item ${itemId} has ${item.embedding.length} dims, ${item.categoryRows.length} ` +
          `category rows and ${item.scalars.length} scalars; the tables take ${d}, ${c} and ${s}`,
      );
    }
    for (let j = 0; j < c; j++) {
      const k = item.categoryRows[j]!;
      if (!Number.isInteger(k) || k < 0 || k >= this.nCategoryRows) {
        throw new AppError('invalid_argument', `ranker: item ${itemId}: category row ${k}`);
      }
    }
    let row = this.added.get(itemId);
    if (row === undefined) {
      row = this.nRows;
      this.reserve(row + 1);
      this.nRows = row + 1;
      this.added.set(itemId, row);
    }
    this.embeddings.set(item.embedding, row * d);
    for (let j = 0; j < c; j++) this.categories[row * c + j] = item.categoryRows[j]!;
    for (let j = 0; j < s; j++) this.scalars[row * s + j] = item.scalars[j]!;
    this.usesContent[row] = 1;
    return row;
  }

  /** Rows added since training. */
  get addedCount(): number {
    return this.added.size;
  }

  private reserve(rows: number): void {
    const capacity = this.counts.length;
    if (rows <= capacity) return;
    const next = Math.max(
      rows,
      capacity + Math.max(1024, capacity >> 3),
      2 * (rows - this.modelRows),
    );
    this.embeddings = grow(Float32Array, this.embeddings, next * this.embeddingDim);
    this.categories = grow(Int32Array, this.categories, next * this.categoryWidth);
    this.scalars = grow(Float32Array, this.scalars, next * this.scalarNames.length, Number.NaN);
    this.counts = grow(Float32Array, this.counts, next);
    this.decayed = grow(Float32Array, this.decayed, next);
    this.usesContent = grow(Uint8Array, this.usesContent, next);
  }
}

type Typed = Float32Array | Int32Array | Uint8Array;

function grow<T extends Typed>(
  Kind: new (length: number) => T,
  from: T,
  length: number,
  fill = 0,
): T {
  const to = new Kind(length);
  if (fill !== 0) to.fill(fill, from.length);
  to.set(from);
  return to;
}
