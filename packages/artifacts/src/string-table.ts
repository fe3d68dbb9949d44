const EMPTY: readonly string[] = [];

/**
 * A short list of strings per row (an item's categories or tags), stored as codes into one
 * table of distinct strings, rows laid end to end in typed arrays (CSR). Rows are written in
 * order at load; a later rewrite of a row (a live catalog update) goes to a small overlay.
 */
export class StringTable {
  private readonly values: string[] = [];
  private readonly codes = new Map<string, number>();
  private offsets: Int32Array<ArrayBuffer> = new Int32Array(1025);
  private data: Int32Array<ArrayBuffer> = new Int32Array(4096);
  /** Rows held in the CSR arrays: the next row written in order. */
  private rows = 0;
  private readonly overlay = new Map<number, readonly number[]>();

  /** Sets the list of `row`: appended when rows come in order, overlaid when rewritten. */
  set(row: number, list: readonly string[]): void {
    const codes = list.map((value) => this.codeOf(value));
    if (row < this.rows) {
      this.overlay.set(row, codes);
      return;
    }
    while (this.rows < row) this.append([]);
    this.append(codes);
  }

  /** The strings of `row` (a new array; empty for rows never set). */
  valuesOf(row: number): readonly string[] {
    const overlaid = this.overlay.get(row);
    if (overlaid !== undefined) return overlaid.map((code) => this.values[code] ?? '');
    if (row < 0 || row >= this.rows) return EMPTY;
    const start = this.offsets[row] ?? 0;
    const end = this.offsets[row + 1] ?? start;
    if (end === start) return EMPTY;
    const out: string[] = [];
    for (let i = start; i < end; i++) out.push(this.values[this.data[i] ?? 0] ?? '');
    return out;
  }

  private codeOf(value: string): number {
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.codes.set(value, code);
    }
    return code;
  }

  private append(codes: readonly number[]): void {
    const start = this.offsets[this.rows] ?? 0;
    const end = start + codes.length;
    if (this.rows + 2 > this.offsets.length) this.offsets = grow(this.offsets, this.rows + 2);
    if (end > this.data.length) this.data = grow(this.data, end);
    this.data.set(codes, start);
    this.rows++;
    this.offsets[this.rows] = end;
  }
}

function grow(array: Int32Array, atLeast: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(Math.max(atLeast, array.length * 2));
  out.set(array);
  return out;
}
