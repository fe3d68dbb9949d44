/**
 * The `k` best (row, key) pairs of a stream, by key descending then row ascending: a binary
 * min-heap of size k, so picking 1,000 of 500,000 costs one pass and no big sort.
 */
export class TopK {
  private readonly rows: number[] = [];
  private readonly keys: number[] = [];

  constructor(private readonly k: number) {}

  push(row: number, key: number): void {
    if (this.rows.length < this.k) {
      this.rows.push(row);
      this.keys.push(key);
      this.up(this.rows.length - 1);
    } else if (this.rows.length > 0 && this.better(row, key, 0)) {
      this.rows[0] = row;
      this.keys[0] = key;
      this.down(0);
    }
  }

  /** The kept rows, best first. */
  sorted(): number[] {
    const order = this.rows.map((_, i) => i);
    order.sort(
      (a, b) =>
        (this.keys[b] ?? 0) - (this.keys[a] ?? 0) || (this.rows[a] ?? 0) - (this.rows[b] ?? 0),
    );
    return order.map((i) => this.rows[i] ?? 0);
  }

  /** True when (row, key) ranks above the entry at heap position i. */
  private better(row: number, key: number, i: number): boolean {
    const other = this.keys[i] ?? 0;
    return key > other || (key === other && row < (this.rows[i] ?? 0));
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      // The heap's root is the worst kept entry: a child must not be worse than its parent.
      if (!this.better(this.rows[parent] ?? 0, this.keys[parent] ?? 0, i)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < this.rows.length && !this.better(this.rows[l] ?? 0, this.keys[l] ?? 0, worst))
        worst = l;
      if (r < this.rows.length && !this.better(this.rows[r] ?? 0, this.keys[r] ?? 0, worst))
        worst = r;
      if (worst === i) return;
      this.swap(i, worst);
      i = worst;
    }
  }

  private swap(a: number, b: number): void {
    [this.rows[a], this.rows[b]] = [this.rows[b] ?? 0, this.rows[a] ?? 0];
    [this.keys[a], this.keys[b]] = [this.keys[b] ?? 0, this.keys[a] ?? 0];
  }
}
