import { PackedStrings } from './packed-strings.js';

/**
 * A categorical vocabulary as the models use it: row 0 is the unknown/padding bucket, rows
 * 1.. the values training saw. Serving maps raw values (a device name, a user id) to rows
 * here, so an unseen value lands on 0 exactly as it did in training. The values are packed
 * (a million user ids are a few typed arrays, not a million strings and a Map).
 */
export class Vocabulary {
  private readonly rows: PackedStrings;

  /**
   * @param values the value of each row from 1 on (row 0 is implicit); or, as the loader
   * reads them, an indexed PackedStrings of every row, row 0 the unknown bucket.
   */
  constructor(
    readonly name: string,
    values: readonly string[] | PackedStrings,
  ) {
    if (values instanceof PackedStrings) {
      this.rows = values;
      return;
    }
    this.rows = new PackedStrings(true);
    this.rows.push('');
    for (const value of values) this.rows.push(value);
  }

  /** Rows including the unknown bucket: the model's embedding table size. */
  get size(): number {
    return this.rows.length;
  }

  /** The row of a value (the first, if listed twice); 0 (unknown) for anything training did not see, and for "". */
  rowOf(value: string | undefined): number {
    if (value === undefined || value === '') return 0;
    return Math.max(0, this.rows.indexOf(value));
  }

  valueOf(row: number): string | undefined {
    return row >= 1 ? this.rows.get(row) : undefined;
  }
}
