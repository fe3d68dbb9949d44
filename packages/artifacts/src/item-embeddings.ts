import { AppError } from '@recsys/errors';

/**
 * Item embeddings by item row: one Float32Array of rows x dim, row 0 the padding row, read
 * zero-copy from the exported file. Rows added or re-embedded live (new catalog items) live in
 * an overlay, so the big table is never copied or resized.
 */
export class ItemEmbeddings {
  private readonly overlay = new Map<number, Float32Array>();

  /**
   * @param data row-major vectors for rows `first`..; `first` is 0 when the table includes the
   *   padding row and 1 when it starts at the first item.
   */
  constructor(
    readonly dim: number,
    readonly data: Float32Array,
    private readonly first: 0 | 1 = 0,
  ) {
    if (!Number.isInteger(dim) || dim < 1 || data.length % dim !== 0) {
      throw new AppError(
        'invalid_argument',
        `item embeddings: ${data.length} floats is not a whole number of ${dim}-d rows`,
      );
    }
  }

  /** Rows covered by the base table, padding row included. */
  get baseRows(): number {
    return this.data.length / this.dim + this.first;
  }

  /** The vector of an item row (a view, not a copy); undefined for padding and unknown rows. */
  vector(row: number): Float32Array | undefined {
    const live = this.overlay.get(row);
    if (live !== undefined) return live;
    if (!Number.isInteger(row) || row < 1 || row >= this.baseRows) return undefined;
    const start = (row - this.first) * this.dim;
    return this.data.subarray(start, start + this.dim);
  }

  /** The base table's vectors for rows 1..n, contiguous: what the ANN index is built from. */
  itemBlock(): Float32Array {
    return this.first === 1 ? this.data : this.data.subarray(this.dim);
  }

  /** Sets the vector of a row added or re-embedded since the export. */
  set(row: number, vector: Float32Array): void {
    if (vector.length !== this.dim) {
      throw new AppError(
        'invalid_argument',
        `item embeddings: vector has ${vector.length} dims, expected ${this.dim}`,
      );
    }
    this.overlay.set(row, vector);
  }

  /** Inner product of two rows; 0 when either is unknown. */
  dot(a: number, b: number): number {
    const va = this.vector(a);
    const vb = this.vector(b);
    if (va === undefined || vb === undefined) return 0;
    let sum = 0;
    for (let i = 0; i < this.dim; i++) sum += (va[i] ?? 0) * (vb[i] ?? 0);
    return sum;
  }
}
