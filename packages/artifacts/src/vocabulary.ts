/**
 * A categorical vocabulary as the models use it: row 0 is the unknown/padding bucket, rows
 * 1.. the values training saw. Serving maps raw values (a device name, a user id) to rows
 * here, so an unseen value lands on 0 exactly as it did in training.
 */
export class Vocabulary {
  private readonly rows = new Map<string, number>();

  /** @param values the value of each row from 1 on (row 0 is implicit). */
  constructor(
    readonly name: string,
    private readonly values: readonly string[],
  ) {
    values.forEach((value, i) => {
      if (!this.rows.has(value)) this.rows.set(value, i + 1);
    });
  }

  /** Rows including the unknown bucket: the model's embedding table size. */
  get size(): number {
    return this.values.length + 1;
  }

  /** The row of a value; 0 (unknown) for anything training did not see, and for "". */
  rowOf(value: string | undefined): number {
    if (value === undefined || value === '') return 0;
    return this.rows.get(value) ?? 0;
  }

  valueOf(row: number): string | undefined {
    return row >= 1 ? this.values[row - 1] : undefined;
  }
}
