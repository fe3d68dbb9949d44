import type { ItemCatalog, ItemRecord } from '@recsys/artifacts';

/** How much a query token counts by the field it matched in. */
const FIELD_WEIGHT = { title: 1.5, category: 2, tag: 1 } as const;
/** A last query token this long or longer also matches words it begins ("star" -> "stars"). */
const MIN_PREFIX = 3;
/** Words a prefix may expand to, so "a" never scans the whole vocabulary. */
const MAX_EXPANSIONS = 64;

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
 * version: word -> (row, field weight) postings, scored with BM25-style idf (Robertson &
 * Zaragoza 2009) without length normalisation, since titles are short. Items matching more of
 * the query's words come first, then those matching more of them exactly (not by prefix);
 * idf-weighted sums break ties.
 */
export class SearchIndex {
  private readonly postings = new Map<string, Map<number, number>>();
  private sorted: string[] | undefined;
  private docs = 0;

  constructor(catalog: ItemCatalog) {
    for (let row = 1; row < catalog.rowCount; row++) {
      const record = catalog.record(row);
      if (record !== undefined) this.add(row, record);
    }
  }

  /** Indexes one item (at load, or a live upsert; re-adding a row updates its weights). */
  add(row: number, record: ItemRecord): void {
    const weights = new Map<string, number>();
    const put = (tokens: string[], weight: number) => {
      for (const t of tokens) weights.set(t, Math.max(weights.get(t) ?? 0, weight));
    };
    put(tokenize(record.title), FIELD_WEIGHT.title);
    for (const c of record.categories) put(tokenize(c), FIELD_WEIGHT.category);
    for (const t of record.tags) put(tokenize(t), FIELD_WEIGHT.tag);
    for (const [token, weight] of weights) {
      let list = this.postings.get(token);
      if (list === undefined) {
        list = new Map();
        this.postings.set(token, list);
        this.sorted = undefined;
      }
      list.set(row, weight);
    }
    this.docs++;
  }

  /** Up to `limit` rows matching the query, best first; `keep` filters rows (seen, retired). */
  search(query: string, limit: number, keep: (row: number) => boolean = () => true): SearchHit[] {
    const tokens = [...new Set(tokenize(query))];
    if (tokens.length === 0) return [];
    const matched = new Map<number, { words: number; exact: number; score: number }>();
    tokens.forEach((token, i) => {
      const last = i === tokens.length - 1;
      const terms = last && token.length >= MIN_PREFIX ? this.withPrefix(token) : [token];
      const best = new Map<number, number>();
      const exactRows = this.postings.get(token);
      for (const term of terms) {
        const list = this.postings.get(term);
        if (list === undefined) continue;
        const idf = Math.log(1 + (this.docs - list.size + 0.5) / (list.size + 0.5));
        // An exact word outweighs the words it is a prefix of.
        const exact = term === token ? 1 : 0.8;
        for (const [row, weight] of list) {
          best.set(row, Math.max(best.get(row) ?? 0, idf * weight * exact));
        }
      }
      for (const [row, score] of best) {
        const exact = exactRows?.has(row) === true ? 1 : 0;
        const m = matched.get(row);
        if (m === undefined) matched.set(row, { words: 1, exact, score });
        else {
          m.words++;
          m.exact += exact;
          m.score += score;
        }
      }
    });
    const hits: { row: number; words: number; exact: number; score: number }[] = [];
    for (const [row, m] of matched) if (keep(row)) hits.push({ row, ...m });
    hits.sort(
      (a, b) => b.words - a.words || b.exact - a.exact || b.score - a.score || a.row - b.row,
    );
    // Words matched, plus the idf sum squashed into [0, 1): one number that keeps the order.
    return hits
      .slice(0, limit)
      .map(({ row, words, score }) => ({ row, score: words + score / (1 + score) }));
  }

  private withPrefix(prefix: string): string[] {
    this.sorted ??= [...this.postings.keys()].sort();
    const terms = this.sorted;
    let lo = 0;
    let hi = terms.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((terms[mid] ?? '') < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < terms.length && out.length < MAX_EXPANSIONS; i++) {
      const term = terms[i] ?? '';
      if (!term.startsWith(prefix)) break;
      out.push(term);
    }
    return out;
  }
}
