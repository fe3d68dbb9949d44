import { TimeSlice, type ItemCatalog, type ItemRecord } from '@recsys/artifacts';
import { Postings } from './postings.js';
import { TopK } from './top-k.js';

/** How much a query word counts by the field it matched in. */
const FIELD_WEIGHT = { title: 1.5, category: 2, tag: 1 } as const;
/** A last query word this long or longer also matches words it begins ("star" -> "stars"). */
const MIN_PREFIX = 3;
/** Words a prefix may expand to, so "a" never scans the whole vocabulary. */
const MAX_EXPANSIONS = 64;
/** Query words looked at; the rest are ignored. */
const MAX_QUERY_WORDS = 8;
/**
 * A word in more items than this is skipped when the query has a rarer one ("the" in "the
 * godfather" over a million titles): it would cost a long scan and adds almost no idf.
 */
const COMMON_POSTINGS = 50_000;
/**
 * Postings read per word at most (its best-weighted ones, see Postings.forEach), and per query
 * over all its words and prefix expansions: a query's cost stays a few milliseconds on the event
 * loop however common its words are in a million items. A single word's top 1,000 are exact;
 * past the cap an item matching several common words can be missed.
 */
const MAX_SCAN = 20_000;
const MAX_QUERY_SCAN = 60_000;
/** Postings entries reserved per item for a build (title words, categories, tags); it grows past. */
const ENTRIES_PER_ITEM = 16;
/** Accumulator rows written per step when a build touches their pages. */
const TOUCH = 65_536;
/** Postings or rows a query handles between two looks at its time slice. */
const STEP = 2048;
/** A query's work between two yields to the event loop, ms. */
const SLICE_MS = 3;

export interface SearchHit {
  row: number;
  score: number;
}

/** Lower-case words without diacritics: "Amélie (2001)" -> ["amelie", "2001"]. */
export function tokenize(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0);
}

/**
 * An inverted index over item titles, categories (genres) and tags, built once per artifacts
 * version (off the request path, yielding to the event loop), scored with BM25-style idf
 * (Robertson & Zaragoza 2009) without length normalisation, since titles are short. Items
 * matching more of the query's words come first, then those matching more of them exactly
 * (not by prefix); idf-weighted sums break ties. Scores accumulate in typed arrays by row and
 * the best `limit` are kept in a heap, so a word in half a million titles costs milliseconds.
 */
export class SearchIndex {
  private readonly postings: Postings;
  private docs = 0;
  private rows = 0;
  // Per-row accumulators, reused by every query (queries take turns: see `queue`).
  private words = new Float64Array(0);
  private exact = new Float64Array(0);
  private scores = new Float64Array(0);
  private best = new Float64Array(0);
  private inQuery = new Uint32Array(0);
  private inWord = new Uint32Array(0);
  private generation = 0;
  /** The query running or last queued: queries share the accumulators, so they take turns. */
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * Indexes the catalog synchronously (small catalogs and tests; see SearchIndex.build).
   * @param items how many items the build will add, to size its entry columns once.
   */
  constructor(catalog?: ItemCatalog, items = catalog?.rowCount ?? 0) {
    // About one distinct word per item: sized once, the word table never rehashes mid-build.
    this.postings = new Postings(items * ENTRIES_PER_ITEM, items);
    if (catalog === undefined) return;
    for (let row = 1; row < catalog.rowCount; row++) this.add(row, catalog.record(row));
    this.postings.freeze();
  }

  /** Indexes a catalog, yielding to the event loop every few milliseconds of work. */
  static async build(catalog: ItemCatalog): Promise<SearchIndex> {
    const index = new SearchIndex(undefined, catalog.rowCount);
    const slice = new TimeSlice(5, 16);
    for (let row = 1; row < catalog.rowCount; row++) {
      index.add(row, catalog.record(row));
      if (slice.due()) await slice.yield();
    }
    await index.postings.freezeInSlices(slice);
    // The per-row accumulators (six arrays of a million rows at 1M items) are sized and their
    // pages touched here, a few thousand rows per step, rather than by the first query, which
    // then held the loop 40-100 ms.
    // Room for an eighth more rows: items added live then never grow them in a query's turn.
    const room = index.rows + Math.ceil(index.rows / 8) + 1024;
    for (const which of ACCUMULATORS) {
      index.grow(which, room, false);
      const array = index[which];
      for (let from = 0; from < array.length; from += TOUCH) {
        array.fill(0, from, from + TOUCH);
        if (slice.due()) await slice.yield();
      }
    }
    return index;
  }

  /**
   * Indexes an item. For a live upsert of a known item pass its previous record, whose words
   * are dropped first (an O(postings) scan per word: fine for a catalog update, never per query).
   */
  add(row: number, record: ItemRecord | undefined, previous?: ItemRecord): void {
    if (previous !== undefined) {
      for (const token of wordsOf(previous).keys()) this.postings.drop(token, row);
    } else this.docs++;
    this.rows = Math.max(this.rows, row + 1);
    if (record === undefined) return;
    for (const [token, weight] of wordsOf(record)) this.postings.add(token, row, weight);
  }

  /**
   * Up to `limit` rows matching the query, best first; `keep` filters rows (seen, retired).
   * The work runs in slices of at most `budgetMs` with yields to the event loop in between (a
   * query over a million items reads up to 60,000 postings: 5-15 ms in one piece on a busy
   * core), and queries take turns, since they share the per-row accumulators. A query whose
   * `signal` aborts (its request's deadline) stops at the next slice, or never starts.
   */
  search(
    query: string,
    limit: number,
    keep: (row: number) => boolean = () => true,
    options: { signal?: AbortSignal; budgetMs?: number } = {},
  ): Promise<SearchHit[]> {
    const { signal, budgetMs = SLICE_MS } = options;
    const run = this.queue.then(() =>
      new TimeSlice(budgetMs, 1).run(this.steps(query, limit, keep), signal),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The search itself, pausing (yield) every STEP postings or rows. */
  private *steps(
    query: string,
    limit: number,
    keep: (row: number) => boolean,
  ): Generator<void, SearchHit[]> {
    const words = [...new Set(tokenize(query))].slice(0, MAX_QUERY_WORDS);
    const rare = words.filter((w) => this.postings.df(w) <= COMMON_POSTINGS);
    const tokens = rare.length > 0 && rare.length < words.length ? rare : words;
    if (tokens.length === 0 || limit < 1) return [];
    const queryGen = this.startQuery();
    // Rows indexed live while the query pauses are past the accumulators: left out.
    const rows = this.inWord.length;
    const touched: number[] = [];
    let budget = MAX_QUERY_SCAN;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      const wordGen = ++this.generation; // a query has 8 words at most: far from wrapping
      const hits: number[] = [];
      const last = i === tokens.length - 1;
      const terms =
        last && token.length >= MIN_PREFIX
          ? this.postings.withPrefix(token, MAX_EXPANSIONS)
          : [token];
      for (const term of terms) {
        const df = this.postings.df(term);
        const scan = Math.min(MAX_SCAN, budget, df);
        if (scan <= 0) continue;
        budget -= scan;
        const idf = Math.log(1 + (this.docs - df + 0.5) / (df + 0.5));
        // An exact word outweighs its extensions; a negative value marks a row matched exactly.
        const factor = term === token ? -1 : 0.8;
        const visit = (row: number, weight: number) => {
          if (row >= rows) return;
          const v = idf * weight * factor;
          if (this.inWord[row] !== wordGen) {
            this.inWord[row] = wordGen;
            this.best[row] = v;
            hits.push(row);
          } else {
            const prev = this.best[row] ?? 0;
            const magnitude = Math.max(Math.abs(prev), Math.abs(v));
            this.best[row] = prev < 0 || v < 0 ? -magnitude : magnitude;
          }
        };
        for (let done = 0; done < scan;) {
          const read = this.postings.forEach(term, Math.min(STEP, scan - done), visit, done);
          if (read === 0) break;
          done += read;
          yield;
        }
      }
      // A row counts once per query word: its best match over the word's expansions.
      for (let h = 0; h < hits.length; h++) {
        const row = hits[h]!;
        if (this.inQuery[row] !== queryGen) {
          this.inQuery[row] = queryGen;
          this.words[row] = 0;
          this.exact[row] = 0;
          this.scores[row] = 0;
          touched.push(row);
        }
        const v = this.best[row] ?? 0;
        this.words[row] = (this.words[row] ?? 0) + 1;
        if (v < 0) this.exact[row] = (this.exact[row] ?? 0) + 1;
        this.scores[row] = (this.scores[row] ?? 0) + Math.abs(v);
        if (h % STEP === STEP - 1) yield;
      }
    }
    const top = new TopK(limit);
    for (let t = 0; t < touched.length; t++) {
      const row = touched[t]!;
      if (t % STEP === STEP - 1) yield;
      if (!keep(row)) continue;
      // Words, then exact words, then score, in one number: each part stays below the next.
      const score = this.scores[row] ?? 0;
      top.push(row, (this.words[row] ?? 0) * 1e6 + (this.exact[row] ?? 0) * 1e3 + score);
    }
    // Words matched, plus the idf sum squashed into [0, 1): one number that keeps the order.
    return top.sorted().map((row) => {
      const score = this.scores[row] ?? 0;
      return { row, score: (this.words[row] ?? 0) + score / (1 + score) };
    });
  }

  /**
   * A new generation of marks for a query: sizes the per-row accumulators first, and starts the
   * marks over well before they would wrap. Only here, between queries, never mid-query.
   */
  private startQuery(): number {
    if (ACCUMULATORS.some((which) => this[which].length < this.rows)) {
      const n = Math.max(this.rows, this.inQuery.length * 2);
      for (const which of ACCUMULATORS) this.grow(which, n);
    }
    if (this.generation >= 0xffff_0000) {
      this.inQuery.fill(0);
      this.inWord.fill(0);
      this.generation = 0;
    }
    return ++this.generation;
  }

  /**
   * Sizes one accumulator to `n` rows. Marks start at 0, which no generation equals, so no row
   * looks touched. Written once (`touch`) so the pages are the process's before a query
   * touches them: a first touch costs a page fault, tens of milliseconds over a million rows.
   */
  private grow(which: Accumulator, n: number, touch = true): void {
    if (this[which].length >= n) return;
    if (which === 'inQuery' || which === 'inWord') this[which] = new Uint32Array(n);
    else this[which] = new Float64Array(n);
    if (touch) this[which].fill(0);
  }
}

const ACCUMULATORS = ['words', 'exact', 'scores', 'best', 'inQuery', 'inWord'] as const;
type Accumulator = (typeof ACCUMULATORS)[number];

/** An item's words with the best field weight each. */
function wordsOf(record: ItemRecord): Map<string, number> {
  const weights = new Map<string, number>();
  const put = (text: string, weight: number) => {
    for (const t of tokenize(text)) weights.set(t, Math.max(weights.get(t) ?? 0, weight));
  };
  put(record.title, FIELD_WEIGHT.title);
  for (const c of record.categories) put(c, FIELD_WEIGHT.category);
  for (const t of record.tags) put(t, FIELD_WEIGHT.tag);
  return weights;
}
