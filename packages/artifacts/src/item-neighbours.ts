import { AppError } from '@recsys/errors';

/** The neighbours of one item row, best first. */
export interface Neighbours {
  rows: Int32Array;
  scores: Float32Array;
}

const NONE: Neighbours = { rows: new Int32Array(0), scores: new Float32Array(0) };

/**
 * The item-to-item table (training/features/item_to_item.py): for every item row, up to k
 * neighbour rows, best first, 0-padded, with their scores. Read zero-copy from the export;
 * live items get their neighbours through an overlay.
 */
export class ItemNeighbours {
  private readonly overlay = new Map<number, Neighbours>();

  /**
   * @param rows [rowCount, k] neighbour rows as exported (0-padded), read by the ranker too.
   * @param scores [rowCount, k] their scores.
   */
  constructor(
    readonly k: number,
    readonly rows: Int32Array,
    readonly scores: Float32Array,
  ) {
    if (!Number.isInteger(k) || k < 1 || rows.length % k !== 0 || rows.length !== scores.length) {
      throw new AppError(
        'invalid_argument',
        `item-to-item: ${rows.length} rows and ${scores.length} scores do not make k=${k} columns`,
      );
    }
  }

  get rowCount(): number {
    return this.rows.length / this.k;
  }

  /** Neighbours of `row` without the padding; empty for unknown rows. */
  of(row: number): Neighbours {
    const live = this.overlay.get(row);
    if (live !== undefined) return live;
    if (!Number.isInteger(row) || row < 1 || row >= this.rowCount) return NONE;
    const start = row * this.k;
    let end = start;
    while (end < start + this.k && (this.rows[end] ?? 0) > 0) end++;
    return { rows: this.rows.subarray(start, end), scores: this.scores.subarray(start, end) };
  }

  /** Sets the neighbours of a row added since the export (e.g. from its embedding). */
  set(row: number, neighbours: Neighbours): void {
    if (neighbours.rows.length !== neighbours.scores.length) {
      throw new AppError('invalid_argument', 'item-to-item: rows and scores differ in length');
    }
    this.overlay.set(row, neighbours);
  }
}
