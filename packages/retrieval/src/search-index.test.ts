import { ItemCatalog } from '@recsys/artifacts';
import { describe, expect, it } from 'vitest';
import { SearchIndex, tokenize, type SearchHit } from './search-index.js';

const catalog = new ItemCatalog([
  { id: 'a', title: 'Star Wars (1977)', categories: ['Sci-Fi', 'Adventure'], tags: ['space'] },
  { id: 'b', title: 'Stardust (2007)', categories: ['Fantasy'], tags: ['magic', 'stars'] },
  { id: 'c', title: 'Amélie (2001)', categories: ['Comedy', 'Romance'], tags: [] },
  { id: 'd', title: 'The Comedy of Terrors', categories: ['Horror'], tags: ['star cast'] },
]);
const index = new SearchIndex(catalog);
const ids = async (q: string) => (await index.search(q, 10)).map((h) => catalog.idOf(h.row));
const rowsOf = (hits: SearchHit[]) => hits.map((h) => h.row);

describe('SearchIndex', () => {
  it('tokenizes without case or diacritics', () => {
    expect(tokenize('Amélie (2001)!')).toEqual(['amelie', '2001']);
  });

  it('matches titles, genres and tags, ranking items that match more words first', async () => {
    expect(await ids('amelie')).toEqual(['c']);
    expect(await ids('comedy')).toEqual(['c', 'd']); // a genre outweighs a title word
    expect(await ids('space')).toEqual(['a']);
    expect(await ids('star wars')).toEqual(['a', 'd']); // only the last word expands
  });

  it('expands the last word as a prefix, exact words first', async () => {
    expect(await ids('star')).toEqual(['a', 'd', 'b']);
    expect(await ids('stardu')).toEqual(['b']);
    expect(await ids('st')).toEqual([]); // too short to expand
  });

  it('returns nothing for a query of no words or unknown words, and honours keep', async () => {
    expect(await ids('!!!')).toEqual([]);
    expect(await ids('zzz')).toEqual([]);
    const rowA = catalog.rowOf('a');
    const kept = await index.search('star', 10, (row) => row !== rowA);
    expect(kept.map((h) => catalog.idOf(h.row))).toEqual(['d', 'b']);
  });

  it('indexes items added live, and forgets the old words of a changed item', async () => {
    const local = new ItemCatalog([
      { id: 'a', title: 'Star Wars', categories: [], tags: [] },
      { id: 'b', title: 'Quiet Place', categories: [], tags: [] },
    ]);
    const live = await SearchIndex.build(local);
    const row = local.upsert({ id: 'e', title: 'Zebra Crossing', categories: [], tags: [] });
    live.add(row, local.record(row));
    expect(rowsOf(await live.search('zebra', 10))).toEqual([row]);
    const before = local.record(1);
    local.upsert({ id: 'a', title: 'Moon Landing', categories: [], tags: [] });
    live.add(1, local.record(1), before);
    expect(await live.search('star', 10)).toEqual([]);
    expect(rowsOf(await live.search('moon', 10))).toEqual([1]);
  });

  it('keeps the best `limit` of many matches in order', async () => {
    const many = new ItemCatalog(
      Array.from({ length: 500 }, (_, i) => ({
        id: `m${i}`,
        title: i % 7 === 0 ? 'common rare' : 'common',
        categories: [],
        tags: [],
      })),
    );
    const hits = await new SearchIndex(many).search('common rare', 5);
    // Rows matching both words (i % 7 === 0 -> rows 1, 8, 15, ...) first, lowest rows on ties.
    expect(hits.map((h) => h.row)).toEqual([1, 8, 15, 22, 29]);
    expect(rowsOf(await new SearchIndex(many).search('common', 3))).toEqual([1, 2, 3]);
  });

  it('skips a word of a huge catalog when the query has a rarer one, and bounds the scan', async () => {
    const big = new ItemCatalog(
      Array.from({ length: 60_000 }, (_, i) => ({
        id: `b${i}`,
        title: i === 59_999 ? 'the godfather' : 'the movie',
        categories: [],
        tags: [],
      })),
    );
    const index = new SearchIndex(big);
    expect(rowsOf(await index.search('the godfather', 3))).toEqual([60_000]);
    expect(rowsOf(await index.search('the', 2))).toEqual([1, 2]);
  });
  it('reads a very common word best field first, so its capped scan keeps the top matches', async () => {
    // 30,000 titles with the word; only the last ten have it as their genre, which outweighs a
    // title word. A scan capped in row order would never reach them.
    const many = Array.from({ length: 30_000 }, (_, i) => ({
      id: `m${i}`,
      title: `Common ${i}`,
      categories: i >= 29_990 ? ['Common'] : ['Other'],
      tags: [],
    }));
    const big = new ItemCatalog(many);
    const hits = await new SearchIndex(big).search('common', 10);
    expect(hits.map((h) => big.idOf(h.row))).toEqual(many.slice(29_990).map((m) => m.id));
  });

  it('runs a long query in slices, queries taking turns, with the answers of one piece', async () => {
    const many = new ItemCatalog(
      Array.from({ length: 20_000 }, (_, i) => ({
        id: `q${i}`,
        title: `${i % 3 === 0 ? 'blue' : 'green'} river ${i % 5 === 0 ? 'stone' : ''}`,
        categories: i % 2 === 0 ? ['Drama'] : [],
        tags: [],
      })),
    );
    const index = new SearchIndex(many);
    const whole = await Promise.all(
      ['blue river', 'drama stone', 'river'].map((q) =>
        index.search(q, 50, undefined, { budgetMs: 1e9 }),
      ),
    );
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const sliced = await Promise.all(
      ['blue river', 'drama stone', 'river'].map((q) =>
        index.search(q, 50, undefined, { budgetMs: 0 }),
      ),
    );
    clearInterval(ticker);
    expect(sliced).toEqual(whole);
    expect(turns).toBeGreaterThan(3); // the loop ran between the slices
    expect(rowsOf(sliced[1]!).slice(0, 3)).toEqual([1, 11, 21]); // both words: rows 1, 11, 21
  });

  it('stops a query whose signal aborts, and the next query still runs', async () => {
    const many = new ItemCatalog(
      Array.from({ length: 20_000 }, (_, i) => ({
        id: `s${i}`,
        title: 'long river',
        categories: [],
        tags: [],
      })),
    );
    const index = new SearchIndex(many);
    const cancelled = new AbortController();
    const first = index.search('river', 50, undefined, { budgetMs: 0, signal: cancelled.signal });
    const second = index.search('long', 3);
    cancelled.abort();
    await expect(first).rejects.toMatchObject({ name: 'AbortError' });
    expect(rowsOf(await second)).toEqual([1, 2, 3]);
    const late = index.search('river', 5, undefined, { signal: AbortSignal.abort() });
    await expect(late).rejects.toMatchObject({ name: 'AbortError' });
  });
});
