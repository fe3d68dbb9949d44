import { PackedStrings, type TimeSlice } from '@recsys/artifacts';

/** One word's postings while they grow: the rows it occurs in and the field weight there. */
interface Growing {
  rows: number[];
  weights: number[];
}

/**
 * Word -> (row, weight) postings for the search index. Built words are frozen into three typed
 * arrays (CSR: offsets, rows, weights) and the words themselves into one packed, hashed table
 * (a million titles can hold a million distinct words), so a million-item index is a handful of
 * arrays for the garbage collector, not millions of small objects; words added or changed later
 * (live catalog updates) go to a small overlay, and the frozen entries of a changed row are
 * skipped.
 */
export class Postings {
  private building: Map<string, Growing> | undefined = new Map();
  /** Frozen words in sorted order; a word's position is its slot in `offsets`. */
  private terms = new PackedStrings(true);
  private offsets = new Int32Array(1);
  private rows = new Int32Array(0);
  private weights = new Float32Array(0);
  private readonly live = new Map<string, Growing>();
  private liveTerms: string[] | undefined;
  /** Rows whose frozen postings are out of date (re-indexed live). */
  private readonly stale = new Set<number>();

  /** Adds one (word, row, weight) entry; after freeze() it goes to the live overlay. */
  add(term: string, row: number, weight: number): void {
    const target = this.building ?? this.live;
    let list = target.get(term);
    if (list === undefined) {
      list = { rows: [], weights: [] };
      target.set(term, list);
      this.liveTerms = undefined;
    }
    list.rows.push(row);
    list.weights.push(weight);
  }

  /** Forgets a row's entries for `term` (a live re-index); frozen ones are marked stale. */
  drop(term: string, row: number): void {
    if (this.terms.indexOf(term) >= 0) this.stale.add(row);
    const list = (this.building ?? this.live).get(term);
    const at = list?.rows.lastIndexOf(row) ?? -1;
    if (list === undefined || at < 0) return;
    list.rows.splice(at, 1);
    list.weights.splice(at, 1);
  }

  /** Ends the build: every word so far moves into the typed arrays, words in sorted order. */
  freeze(): void {
    const building = this.building;
    if (building === undefined) return;
    const install = this.install(building, [...building.keys()].sort());
    while (install.next().done !== true) {
      // run to the end in one piece: small builds and tests
    }
  }

  /**
   * freeze() for a large build beside live traffic: the sort and the copy run in slices with
   * yields to the event loop (a million words is over a second of work in one piece).
   */
  async freezeInSlices(slice: TimeSlice): Promise<void> {
    const building = this.building;
    if (building === undefined) return;
    const sorted = sortInSteps([...building.keys()]);
    let step = sorted.next();
    for (; step.done !== true; step = sorted.next()) if (slice.due()) await slice.yield();
    const install = this.install(building, step.value);
    for (let s = install.next(); s.done !== true; s = install.next()) {
      if (slice.due()) await slice.yield();
    }
  }

  /** Moves the words into the typed arrays, pausing (yield) after each word. */
  private *install(building: Map<string, Growing>, terms: string[]): Generator<void> {
    const packed = new PackedStrings(true);
    let total = 0;
    for (let i = 0; i < terms.length; i++) {
      const term = terms[i] as string;
      packed.push(term);
      total += (building.get(term) as Growing).rows.length;
      yield;
    }
    const offsets = new Int32Array(terms.length + 1);
    const rows = new Int32Array(total);
    const weights = new Float32Array(total);
    let at = 0;
    for (let i = 0; i < terms.length; i++) {
      const list = building.get(terms[i] as string) as Growing;
      copyByWeight(list, rows, weights, at);
      at += list.rows.length;
      offsets[i + 1] = at;
      yield;
    }
    this.terms = packed;
    this.offsets = offsets;
    this.rows = rows;
    this.weights = weights;
    this.building = undefined;
  }

  /** Items a word occurs in (approximate once rows were re-indexed live). */
  df(term: string): number {
    const i = this.terms.indexOf(term);
    const frozen = i < 0 ? 0 : (this.offsets[i + 1] ?? 0) - (this.offsets[i] ?? 0);
    return frozen + ((this.building ?? this.live).get(term)?.rows.length ?? 0);
  }

  /**
   * Calls `visit` for up to `limit` entries of a word, frozen ones first: those by field weight,
   * best first (then in the order added), so a capped scan keeps a word's strongest matches.
   */
  forEach(term: string, limit: number, visit: (row: number, weight: number) => void): void {
    let left = limit;
    const i = this.terms.indexOf(term);
    if (i >= 0) {
      const end = Math.min(this.offsets[i + 1] ?? 0, (this.offsets[i] ?? 0) + left);
      const checkStale = this.stale.size > 0;
      for (let j = this.offsets[i] ?? 0; j < end; j++) {
        const row = this.rows[j] ?? 0;
        if (checkStale && this.stale.has(row)) continue;
        visit(row, this.weights[j] ?? 0);
      }
      left -= end - (this.offsets[i] ?? 0);
    }
    const list = (this.building ?? this.live).get(term);
    if (list === undefined) return;
    for (let j = 0; j < list.rows.length && j < left; j++) {
      visit(list.rows[j] ?? 0, list.weights[j] ?? 0);
    }
  }

  /** Words starting with `prefix`, at most `limit`, from the frozen and the live words. */
  withPrefix(prefix: string, limit: number): string[] {
    const out = new Set<string>();
    const sorted = this.terms;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted.get(mid) ?? '') < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < sorted.length && out.size < limit; i++) {
      const term = sorted.get(i) ?? '';
      if (!term.startsWith(prefix)) break;
      out.add(term);
    }
    this.liveTerms ??= [...(this.building ?? this.live).keys()].sort();
    for (const term of this.liveTerms) {
      if (out.size >= limit) break;
      if (term.startsWith(prefix)) out.add(term);
    }
    return [...out];
  }
}

/**
 * Copies one word's postings into the frozen arrays at `at`, best field weight first and in the
 * order added within a weight: a stable pass per distinct weight (there are a handful), so a
 * word in half a million items costs no comparison sort.
 */
function copyByWeight(list: Growing, rows: Int32Array, weights: Float32Array, at: number): void {
  const distinct = [...new Set(list.weights)].sort((a, b) => b - a);
  if (distinct.length === 1) {
    rows.set(list.rows, at);
    weights.set(list.weights, at);
    return;
  }
  let k = at;
  for (const weight of distinct) {
    for (let j = 0; j < list.rows.length; j++) {
      if (list.weights[j] !== weight) continue;
      rows[k] = list.rows[j] ?? 0;
      weights[k++] = weight;
    }
  }
}

/**
 * Bottom-up merge sort of strings in code-unit order (the order of Array.prototype.sort and of
 * `<`, which withPrefix's binary search relies on), pausing after each element it places so
 * the caller can yield; returns the sorted array.
 */
function* sortInSteps(values: string[]): Generator<void, string[]> {
  const RUN = 1024;
  let from = values;
  for (let start = 0; start < from.length; start += RUN) {
    const run = from.slice(start, start + RUN).sort();
    for (let i = 0; i < run.length; i++) from[start + i] = run[i] as string;
    yield;
  }
  let to = new Array<string>(from.length);
  for (let width = RUN; width < from.length; width *= 2) {
    for (let lo = 0; lo < from.length; lo += 2 * width) {
      const mid = Math.min(lo + width, from.length);
      const hi = Math.min(lo + 2 * width, from.length);
      let a = lo;
      let b = mid;
      for (let k = lo; k < hi; k++) {
        const x = from[a] as string;
        const y = from[b] as string;
        to[k] = b >= hi || (a < mid && x <= y) ? (a++, x) : (b++, y);
        if ((k & 255) === 0) yield;
      }
    }
    [from, to] = [to, from];
  }
  return from;
}
