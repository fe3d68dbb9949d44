import { AppError } from '@recsys/errors';
import { PackedStrings } from './packed-strings.js';
import { StringTable } from './string-table.js';

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

/**
 * The items of one artifacts version by row. Row r (1..n) is the trainer's item_idx + 1; row 0
 * is padding, as in every model input. Rows are what the ANN index stores as ids; external ids
 * appear only at the edges (rowOf, idOf). Live catalog updates append rows and retire them,
 * never renumber, so an index built on this catalog stays valid.
 *
 * Stored by column (ids and titles packed as UTF-8 bytes, ids hashed for rowOf; categories and
 * tags as codes into shared string tables; arrival times in a Float64Array) rather than one
 * object or string per item: a million items are a few large arrays the garbage collector barely
 * has to trace, not millions of small objects.
 */
export class ItemCatalog {
  /** Id by row, row 0 the padding "" (never found by rowOf). */
  private ids = new PackedStrings(true);
  private readonly titles = new PackedStrings();
  private readonly categoryCodes = new StringTable();
  private readonly tagCodes = new StringTable();
  private readonly numeric = new Map<number, Readonly<Record<string, number>>>();
  private createdAtByRow = new Float64Array(1024).fill(Number.NaN);
  private readonly retired = new Set<number>();

  constructor(items: Iterable<ItemRecord> = []) {
    this.ids.push('');
    this.titles.push('');
    for (const item of items) this.append(item);
  }

  /**
   * A catalog whose rows are a vocabulary's ids (an indexed PackedStrings, row 0 "", no id
   * twice: the loader checks), taken over as they are; describe() then fills each row in.
   */
  static withIds(ids: PackedStrings): ItemCatalog {
    const catalog = new ItemCatalog();
    catalog.ids = ids;
    catalog.titles.extend(ids.length);
    return catalog;
  }

  /** Sets the record of a row that holds `item.id` already (see withIds). */
  describe(row: number, item: ItemRecord): void {
    if (!this.ids.matches(row, item.id)) {
      throw new AppError('invalid_argument', `item catalog: row ${row} is not ${item.id}`);
    }
    this.store(row, item);
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
    const row = this.known(id);
    return row === undefined || this.retired.has(row) ? undefined : row;
  }

  idOf(row: number): string | undefined {
    return this.isLive(row) ? this.ids.get(row) : undefined;
  }

  /** The item as a record (built on each call: for catalog work, not per-candidate loops). */
  record(row: number): ItemRecord | undefined {
    if (!this.isLive(row)) return undefined;
    const numeric = this.numeric.get(row);
    return {
      id: this.ids.get(row) ?? '',
      title: this.titles.get(row) ?? '',
      categories: this.categoryCodes.valuesOf(row),
      tags: this.tagCodes.valuesOf(row),
      createdAt: this.createdAt(row),
      ...(numeric === undefined ? {} : { numeric }),
    };
  }

  title(row: number): string | undefined {
    return this.isLive(row) ? this.titles.get(row) : undefined;
  }

  categories(row: number): readonly string[] {
    return this.isLive(row) ? this.categoryCodes.valuesOf(row) : [];
  }

  tags(row: number): readonly string[] {
    return this.isLive(row) ? this.tagCodes.valuesOf(row) : [];
  }

  createdAt(row: number): number | undefined {
    if (!this.isLive(row)) return undefined;
    const value = this.createdAtByRow[row] ?? Number.NaN;
    return Number.isNaN(value) ? undefined : value;
  }

  /** False for padding, unknown and retired rows: what sources check before returning one. */
  isLive(row: number): boolean {
    return row > 0 && row < this.ids.length && !this.retired.has(row);
  }

  /** Adds an item or replaces the record of a known one; returns its row. */
  upsert(item: ItemRecord): number {
    const known = this.known(item.id);
    if (known === undefined) return this.append(item);
    this.store(known, item);
    this.retired.delete(known);
    return known;
  }

  /** Takes an item out of service; its row stays reserved. Returns its row, if it had one. */
  retire(id: string): number | undefined {
    const row = this.known(id);
    if (row !== undefined) this.retired.add(row);
    return row;
  }

  /** The row of an id ever added, retired or not. */
  private known(id: string): number | undefined {
    const row = this.ids.indexOf(id);
    return row > 0 ? row : undefined;
  }

  private append(item: ItemRecord): number {
    if (this.known(item.id) !== undefined) {
      throw new AppError('invalid_argument', `item catalog: duplicate item id ${item.id}`);
    }
    const row = this.ids.push(item.id);
    this.titles.push('');
    this.store(row, item);
    return row;
  }

  private store(row: number, item: ItemRecord): void {
    this.titles.set(row, item.title);
    this.categoryCodes.set(row, item.categories);
    this.tagCodes.set(row, item.tags);
    if (row >= this.createdAtByRow.length) {
      const grown = new Float64Array(Math.max(row + 1, this.createdAtByRow.length * 2));
      grown.fill(Number.NaN).set(this.createdAtByRow);
      this.createdAtByRow = grown;
    }
    this.createdAtByRow[row] = item.createdAt ?? Number.NaN;
    if (item.numeric === undefined) this.numeric.delete(row);
    else this.numeric.set(row, item.numeric);
  }
}
