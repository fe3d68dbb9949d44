import type { NeighbourTable, StoredHistory, UserTables, Vocabulary } from './tables.js';

/** A vocabulary over a list of values: row = position + 1, 0 for anything else. */
export class ListVocabulary implements Vocabulary {
  private readonly rows: Map<string, number>;

  constructor(values: readonly string[]) {
    this.rows = new Map(values.map((v, i) => [v, i + 1]));
  }

  rowOf(value: string): number {
    return this.rows.get(value) ?? 0;
  }
}

/**
 * Users and their stored histories held in a Map: for tests and for artifacts
 * small enough to keep whole. `ids[i]` is user row i + 1.
 */
export class MemoryUserTables implements UserTables {
  private readonly rows: Map<string, number>;

  /**
   * @param rows [users, historyLength] item rows per user in `ids` order
   * @param timestamps same shape, milliseconds
   */
  constructor(
    ids: readonly string[],
    readonly historyLength: number,
    private readonly historyRows: Int32Array,
    private readonly historyTimestamps: Float64Array,
  ) {
    this.rows = new Map(ids.map((id, i) => [id, i + 1]));
    const want = ids.length * historyLength;
    if (historyRows.length !== want || historyTimestamps.length !== want) {
      throw new RangeError(`histories must hold ${want} values (users x history length)`);
    }
  }

  rowOf(userId: string): number {
    return this.rows.get(userId) ?? 0;
  }

  history(userId: string): StoredHistory | undefined {
    const row = this.rows.get(userId);
    if (row === undefined) return undefined;
    const at = (row - 1) * this.historyLength;
    return {
      rows: this.historyRows.subarray(at, at + this.historyLength),
      timestamps: this.historyTimestamps.subarray(at, at + this.historyLength),
    };
  }
}

/** Neighbours as dense [rows, k] arrays, best first and 0-padded (training's ItemToItem). */
export class DenseNeighbours implements NeighbourTable {
  constructor(
    readonly k: number,
    private readonly rows: Int32Array,
    private readonly scores: Float32Array,
  ) {
    if (rows.length !== scores.length || rows.length % k !== 0) {
      throw new RangeError(`neighbours must be [rows, ${k}] for both rows and scores`);
    }
  }

  of(row: number): { rows: Int32Array; scores: Float32Array } {
    const start = row * this.k;
    let end = start;
    while (end < start + this.k && end < this.rows.length && this.rows[end]! > 0) end++;
    return { rows: this.rows.subarray(start, end), scores: this.scores.subarray(start, end) };
  }
}
