import { AppError } from '@recsys/errors';

/** One catalog item as the trainer exported it (or a live upsert described it). */
export interface ItemRecord {
  id: string;
  title: string;
  categories: readonly string[];
  tags: readonly string[];
  /** Arrival time (ms since epoch); undefined when the catalog does not say. */
  createdAt?: number | undefined;
  /** Numeric content fields (year, duration, ...) by name; NaN or absent when unknown. */
  numeric?: Readonly<Record<string, number>>;
}

const EMPTY: readonly string[] = [];

/**
 * The items of one artifacts version by row. Row r (1..n) is the trainer's item_idx + 1; row 0
 * is padding, as in every model input. Rows are what the ANN index stores as ids; external ids
 * appear only at the edges (rowOf, idOf). Live catalog updates append rows and retire them,
 * never renumber, so an index built on this catalog stays valid.
 */
export class ItemCatalog {
  private readonly ids: string[] = [''];
  private readonly rows = new Map<string, number>();
  private readonly records: (ItemRecord | undefined)[] = [undefined];
  private readonly retired = new Set<number>();

  constructor(items: Iterable<ItemRecord>) {
    for (const item of items) this.append(item);
  }

  /** Rows including padding row 0: the length of every per-row table. */
  get rowCount(): number {
    return this.ids.length;
  }

  /** Items ever added, retired ones included. */
  get size(): number {
    return this.ids.length - 1;
  }

  rowOf(id: string): number | undefined {
    const row = this.rows.get(id);
    return row === undefined || this.retired.has(row) ? undefined : row;
  }

  idOf(row: number): string | undefined {
    return row > 0 && !this.retired.has(row) ? this.ids[row] : undefined;
  }

  record(row: number): ItemRecord | undefined {
    return this.retired.has(row) ? undefined : this.records[row];
  }

  title(row: number): string | undefined {
    return this.record(row)?.title;
  }

  categories(row: number): readonly string[] {
    return this.record(row)?.categories ?? EMPTY;
  }

  tags(row: number): readonly string[] {
    return this.record(row)?.tags ?? EMPTY;
  }

  createdAt(row: number): number | undefined {
    return this.record(row)?.createdAt;
  }

  /** False for padding, unknown and retired rows: what sources check before returning one. */
  isLive(row: number): boolean {
    return row > 0 && row < this.ids.length && !this.retired.has(row);
  }

  /** Adds an item or replaces the record of a known one; returns its row. */
  upsert(item: ItemRecord): number {
    const known = this.rows.get(item.id);
    if (known === undefined) return this.append(item);
    this.records[known] = item;
    this.retired.delete(known);
    return known;
  }

  /** Takes an item out of service; its row stays reserved. Returns its row, if it had one. */
  retire(id: string): number | undefined {
    const row = this.rows.get(id);
    if (row !== undefined) this.retired.add(row);
    return row;
  }

  private append(item: ItemRecord): number {
    if (this.rows.has(item.id)) {
      throw new AppError('invalid_argument', `item catalog: duplicate item id ${item.id}`);
    }
    const row = this.ids.length;
    this.ids.push(item.id);
    this.records.push(item);
    this.rows.set(item.id, row);
    return row;
  }
}
