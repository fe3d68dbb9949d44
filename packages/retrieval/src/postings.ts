import { PackedStrings, runSteps, sortInSteps, type TimeSlice } from '@recsys/artifacts';

/** One word's postings in the live overlay: the rows it occurs in and the field weight there. */
interface Growing {
  rows: number[];
  weights: number[];
}

/**
 * The entries of a build, in the order added, as (word id, row, weight) columns in growable
 * typed arrays and the words in one packed, hashed table: a million-item build is ~15 million
 * entries, which as one JavaScript array per word kept hundreds of MB for the garbage collector
 * to trace (mark-compact pauses of 100-370 ms while a version loaded).
 */
class Entries {
  readonly words: PackedStrings;
  wordOf: Int32Array<ArrayBuffer>;
  rows: Int32Array<ArrayBuffer>;
  weights: Float32Array<ArrayBuffer>;
  length = 0;

  /**
   * @param capacity entries expected: growing a 15-million-entry column copies 60 MB at once.
   * @param words distinct words expected: rehashing a million of them is tens of milliseconds.
   */
  constructor(capacity = 1024, words = 0) {
    this.words = new PackedStrings(true, words);
    const size = Math.max(capacity, 16);
    this.wordOf = new Int32Array(size);
    this.rows = new Int32Array(size);
    this.weights = new Float32Array(size);
  }

  add(word: string, row: number, weight: number): void {
    let id = this.words.indexOf(word);
    if (id < 0) id = this.words.push(word);
    if (this.length === this.rows.length) {
      const size = this.length * 2;
      this.wordOf = grown(this.wordOf, new Int32Array(size));
      this.rows = grown(this.rows, new Int32Array(size));
      this.weights = grown(this.weights, new Float32Array(size));
    }
    this.wordOf[this.length] = id;
    this.rows[this.length] = row;
    this.weights[this.length++] = weight;
  }
}

function grown<T extends Int32Array<ArrayBuffer> | Float32Array<ArrayBuffer>>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** Entries placed per step of a freeze before it may yield. */
const STEP = 16_384;

/**
 * Word -> (row, weight) postings for the search index. Built words are frozen into three typed
 * arrays (CSR: offsets, rows, weights) and the words themselves into one packed, hashed table
 * (a million titles can hold a million distinct words), so a million-item index is a handful of
 * arrays for the garbage collector, not millions of small objects; words added or changed later
 * (live catalog updates) go to a small overlay, and the frozen entries of a changed row are
 * skipped.
 */
export class Postings {
  private building: Entries | undefined;
  /** Frozen words in UTF-8 byte (code point) order; a word's position is its slot in `offsets`. */
  private terms = new PackedStrings(true);
  private offsets = new Int32Array(1);
  private rows = new Int32Array(0);
  private weights = new Float32Array(0);
  private readonly live = new Map<string, Growing>();
  private liveTerms: string[] | undefined;
  /** Rows whose frozen postings are out of date (re-indexed live). */
  private readonly stale = new Set<number>();

  /**
   * @param capacity entries the build is expected to hold, and @param words distinct words
   * (hints; it grows past them).
   */
  constructor(capacity?: number, words?: number) {
    this.building = new Entries(capacity, words);
  }

  /** Adds one (word, row, weight) entry; after freeze() it goes to the live overlay. */
  add(term: string, row: number, weight: number): void {
    if (this.building !== undefined) {
      this.building.add(term, row, weight);
      return;
    }
    let list = this.live.get(term);
    if (list === undefined) {
      list = { rows: [], weights: [] };
      this.live.set(term, list);
      this.liveTerms = undefined;
    }
    list.rows.push(row);
    list.weights.push(weight);
  }

  /** Forgets a row's entries for `term` (a live re-index); frozen ones are marked stale. */
  drop(term: string, row: number): void {
    this.freeze(); // a build is never re-indexed in place: freeze it first
    if (this.terms.indexOf(term) >= 0) this.stale.add(row);
    const list = this.live.get(term);
    const at = list?.rows.lastIndexOf(row) ?? -1;
    if (list === undefined || at < 0) return;
    list.rows.splice(at, 1);
    list.weights.splice(at, 1);
  }

  /** Ends the build: every word so far moves into the typed arrays, words in sorted order. */
  freeze(): void {
    const building = this.building;
    if (building === undefined) return;
    runSteps(this.install(building)); // in one piece: small builds and tests
  }

  /**
   * freeze() for a large build beside live traffic: the sort and the copy run in slices with
   * yields to the event loop (a million words is over a second of work in one piece).
   */
  async freezeInSlices(slice: TimeSlice): Promise<void> {
    const building = this.building;
    if (building === undefined) return;
    await slice.run(this.install(building));
  }

  /**
   * Sorts the words, then moves the entries into the typed arrays (a counting sort by word),
   * each word's best field weight first and in the order added within a weight, pausing
   * (yield) every few thousand steps.
   */
  private *install(building: Entries): Generator<void> {
    // Word positions in UTF-8 byte (code point) order, compared in the packed bytes: no strings.
    const table = building.words;
    const order = yield* sortInSteps(table.length, (a, b) => table.compare(a, b));
    const words = order.length;
    const packed = new PackedStrings(true, words);
    const rank = new Int32Array(words); // word id -> sorted position
    for (let i = 0; i < words; i++) {
      const id = order[i]!;
      packed.push(building.words.get(id) ?? '');
      rank[id] = i;
      if ((i & 63) === 0) yield;
    }
    const n = building.length;
    const offsets = new Int32Array(words + 1);
    for (let e = 0; e < n; e++) {
      offsets[(rank[building.wordOf[e]!] ?? 0) + 1]!++;
      if (e % STEP === STEP - 1) yield;
    }
    for (let i = 0; i < words; i++) offsets[i + 1]! += offsets[i]!;
    yield;
    const rows = new Int32Array(n);
    const weights = new Float32Array(n);
    // The scatter below writes all over both arrays: their pages are faulted in first, in
    // order and in steps, or the first few thousand writes would fault in nearly all of them.
    for (let from = 0; from < n; from += STEP) {
      rows.fill(0, from, from + STEP);
      weights.fill(0, from, from + STEP);
      yield;
    }
    const next = offsets.slice(0, words);
    for (let e = 0; e < n; e++) {
      const at = next[rank[building.wordOf[e]!]!]!++;
      rows[at] = building.rows[e]!;
      weights[at] = building.weights[e]!;
      if (e % STEP === STEP - 1) yield;
    }
    for (let i = 0; i < words; i++) {
      yield* byWeight(rows, weights, offsets[i]!, offsets[i + 1]!);
      if ((i & 1023) === 0) yield;
    }
    this.terms = packed;
    this.offsets = offsets;
    this.rows = rows;
    this.weights = weights;
    this.building = undefined;
  }

  /** Items a word occurs in (approximate once rows were re-indexed live). */
  df(term: string): number {
    this.freeze();
    const i = this.terms.indexOf(term);
    const frozen = i < 0 ? 0 : (this.offsets[i + 1] ?? 0) - (this.offsets[i] ?? 0);
    return frozen + (this.live.get(term)?.rows.length ?? 0);
  }

  /**
   * Calls `visit` for up to `limit` entries of a word after its first `skip`, frozen ones first:
   * those by field weight, best first (then in the order added), so a capped scan keeps a word's
   * strongest matches. Returns the entries read (stale ones count), so a caller can go on from
   * there later.
   */
  forEach(
    term: string,
    limit: number,
    visit: (row: number, weight: number) => void,
    skip = 0,
  ): number {
    this.freeze();
    let read = 0;
    let skipLeft = skip;
    const i = this.terms.indexOf(term);
    if (i >= 0) {
      const from = this.offsets[i] ?? 0;
      const to = this.offsets[i + 1] ?? 0;
      const start = Math.min(to, from + skipLeft);
      const end = Math.min(to, start + limit);
      const checkStale = this.stale.size > 0;
      for (let j = start; j < end; j++) {
        const row = this.rows[j] ?? 0;
        if (checkStale && this.stale.has(row)) continue;
        visit(row, this.weights[j] ?? 0);
      }
      read = end - start;
      skipLeft -= start - from;
    }
    const list = this.live.get(term);
    if (list === undefined) return read;
    const end = Math.min(list.rows.length, skipLeft + limit - read);
    for (let j = skipLeft; j < end; j++) visit(list.rows[j] ?? 0, list.weights[j] ?? 0);
    return read + Math.max(0, end - skipLeft);
  }

  /** Words starting with `prefix`, at most `limit`, from the frozen and the live words. */
  withPrefix(prefix: string, limit: number): string[] {
    this.freeze();
    const out = new Set<string>();
    const sorted = this.terms;
    const bytes = Buffer.from(prefix);
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted.compareTo(mid, bytes) < 0) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < sorted.length && out.size < limit; i++) {
      const term = sorted.get(i) ?? '';
      if (!term.startsWith(prefix)) break;
      out.add(term);
    }
    this.liveTerms ??= [...this.live.keys()].sort();
    for (const term of this.liveTerms) {
      if (out.size >= limit) break;
      if (term.startsWith(prefix)) out.add(term);
    }
    return [...out];
  }
}

/**
 * Orders one word's entries [from, to) by field weight, best first, keeping the order added
 * within a weight: a stable pass per distinct weight (a handful), so a word in half a million
 * items costs no comparison sort, pausing (yield) every STEP entries. Entries already in that
 * order are left as they are.
 */
function* byWeight(
  rows: Int32Array,
  weights: Float32Array,
  from: number,
  to: number,
): Generator<void> {
  let ordered = true;
  for (let j = from + 1; j < to && ordered; j++) {
    ordered = weights[j - 1]! >= weights[j]!;
    if (j % STEP === 0) yield;
  }
  if (ordered) return;
  const r = rows.slice(from, to);
  const w = weights.slice(from, to);
  // A loop, not a Set over the slice: a genre word holds hundreds of thousands of entries.
  const distinct: number[] = [];
  for (let j = 0; j < w.length; j++) {
    if (!distinct.includes(w[j]!)) distinct.push(w[j]!);
    if (j % STEP === STEP - 1) yield;
  }
  distinct.sort((a, b) => b - a);
  let k = from;
  for (const weight of distinct) {
    for (let j = 0; j < w.length; j++) {
      if (j % STEP === STEP - 1) yield; // a genre word is hundreds of thousands of entries
      if (w[j] !== weight) continue;
      rows[k] = r[j]!;
      weights[k++] = weight;
    }
  }
}
