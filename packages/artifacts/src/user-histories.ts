import { AppError } from '@recsys/errors';
import type { Vocabulary } from './vocabulary.js';

const EMPTY = new Int32Array(0);

/** Item rows per user row in CSR form: user u's are rows[offsets[u]:offsets[u + 1]]. */
export interface SeenSets {
  offsets: Float64Array;
  rows: Int32Array;
}

/**
 * Training users and their recent histories (training/features/history.py): per user row, the
 * newest `length` item rows, newest first, 0-padded. The user tower reads them as
 * `history_rows`, and candidate generation treats them as items the user has already seen.
 */
export class UserHistories {
  /**
   * @param rows row-major [users, length] item rows, for user rows `first`..: `first` is 1 when
   *   the table starts at the first user (training's Histories), 0 when it has a padding row.
   * @param timestamps the same layout in ms, 0 where padded (optional).
   */
  constructor(
    readonly users: Vocabulary,
    readonly length: number,
    readonly rows: Int32Array,
    readonly timestamps?: Float64Array,
    readonly first: 0 | 1 = 1,
    private readonly seen?: SeenSets,
  ) {
    const bad = timestamps !== undefined && timestamps.length !== rows.length;
    if (!Number.isInteger(length) || length < 1 || rows.length % length !== 0 || bad) {
      throw new AppError(
        'invalid_argument',
        `user histories: ${rows.length} values is not a whole number of ${length}-long rows`,
      );
    }
  }

  /** User rows covered, padding row 0 included. */
  get rowCount(): number {
    return this.rows.length / this.length + this.first;
  }

  /** The user's vocabulary row; 0 for users training never saw. */
  userRow(userId: string): number {
    const row = this.users.rowOf(userId);
    return row < this.rowCount ? row : 0;
  }

  /** Item rows of the user's history, newest first, without padding (a view). */
  history(userRow: number): Int32Array {
    if (!Number.isInteger(userRow) || userRow < 1 || userRow >= this.rowCount) return EMPTY;
    const start = (userRow - this.first) * this.length;
    let end = start;
    while (end < start + this.length && (this.rows[end] ?? 0) > 0) end++;
    return this.rows.subarray(start, end);
  }

  /**
   * Every item row the user touched in training (user_seen_rows), which candidate generation
   * never returns; the recent history where the export has no seen sets.
   */
  seenRows(userRow: number): Int32Array {
    const seen = this.seen;
    if (seen === undefined) return this.history(userRow);
    if (!Number.isInteger(userRow) || userRow < 1 || userRow + 1 >= seen.offsets.length) {
      return EMPTY;
    }
    return seen.rows.subarray(seen.offsets[userRow], seen.offsets[userRow + 1]);
  }

  /** Timestamps (ms) of the history positions, newest first; empty when not exported. */
  historyTimes(userRow: number): Float64Array {
    const n = this.history(userRow).length;
    if (this.timestamps === undefined || n === 0) return new Float64Array(0);
    const start = (userRow - this.first) * this.length;
    return this.timestamps.subarray(start, start + n);
  }
}
