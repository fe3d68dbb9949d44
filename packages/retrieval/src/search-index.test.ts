import { ItemCatalog } from '@recsys/artifacts';
import { describe, expect, it } from 'vitest';
import { SearchIndex, tokenize } from './search-index.js';

const catalog = new ItemCatalog([
  { id: 'a', title: 'Star Wars (1977)', categories: ['Sci-Fi', 'Adventure'], tags: ['space'] },
  { id: 'b', title: 'Stardust (2007)', categories: ['Fantasy'], tags: ['magic', 'stars'] },
  { id: 'c', title: 'Amélie (2001)', categories: ['Comedy', 'Romance'], tags: [] },
  { id: 'd', title: 'The Comedy of Terrors', categories: ['Horror'], tags: ['star cast'] },
]);
const index = new SearchIndex(catalog);
const ids = (q: string) => index.search(q, 10).map((h) => catalog.idOf(h.row));

describe('SearchIndex', () => {
  it('tokenizes without case or diacritics', () => {
    expect(tokenize('Amélie (2001)!')).toEqual(['amelie', '2001']);
  });

  it('matches titles, genres and tags, ranking items that match more words first', () => {
    expect(ids('amelie')).toEqual(['c']);
    expect(ids('comedy')).toEqual(['c', 'd']); // a genre outweighs a title word
    expect(ids('space')).toEqual(['a']);
    expect(ids('star wars')).toEqual(['a', 'd']); // only the last word expands
  });

  it('expands the last word as a prefix, exact words first', () => {
    expect(ids('star')).toEqual(['a', 'd', 'b']);
    expect(ids('stardu')).toEqual(['b']);
    expect(ids('st')).toEqual([]); // too short to expand
  });

  it('returns nothing for a query of no words or unknown words, and honours keep', () => {
    expect(ids('!!!')).toEqual([]);
    expect(ids('zzz')).toEqual([]);
    const rowA = catalog.rowOf('a');
    expect(index.search('star', 10, (row) => row !== rowA).map((h) => catalog.idOf(h.row))).toEqual(
      ['d', 'b'],
    );
  });

  it('indexes items added live, and forgets the old words of a changed item', async () => {
    const local = new ItemCatalog([
      { id: 'a', title: 'Star Wars', categories: [], tags: [] },
      { id: 'b', title: 'Quiet Place', categories: [], tags: [] },
    ]);
    const live = await SearchIndex.build(local);
    const row = local.upsert({ id: 'e', title: 'Zebra Crossing', categories: [], tags: [] });
    live.add(row, local.record(row));
    expect(live.search('zebra', 10).map((h) => h.row)).toEqual([row]);
    const before = local.record(1);
    local.upsert({ id: 'a', title: 'Moon Landing', categories: [], tags: [] });
    live.add(1, local.record(1), before);
    expect(live.search('star', 10)).toEqual([]);
    expect(live.search('moon', 10).map((h) => h.row)).toEqual([1]);
  });

  it('keeps the best `limit` of many matches in order', () => {
    const many = new ItemCatalog(
      Array.from({ length: 500 }, (_, i) => ({
        id: `m${i}`,
        title: i % 7 === 0 ? 'common rare' : 'common',
        categories: [],
        tags: [],
      })),
    );
    const hits = new SearchIndex(many).search('common rare', 5);
    // Rows matching both words (i % 7 === 0 -> rows 1, 8, 15, ...) first, lowest rows on ties.
    expect(hits.map((h) => h.row)).toEqual([1, 8, 15, 22, 29]);
    expect(new SearchIndex(many).search('common', 3).map((h) => h.row)).toEqual([1, 2, 3]);
  });

  it('skips a word of a huge catalog when the query has a rarer one, and bounds the scan', () => {
    const big = new ItemCatalog(
      Array.from({ length: 60_000 }, (_, i) => ({
        id: `b${i}`,
        title: i === 59_999 ? 'the godfather' : 'the movie',
        categories: [],
        tags: [],
      })),
    );
    const index = new SearchIndex(big);
    expect(index.search('the godfather', 3).map((h) => h.row)).toEqual([60_000]);
    expect(index.search('the', 2).map((h) => h.row)).toEqual([1, 2]);
  });
  it('reads a very common word best field first, so its capped scan keeps the top matches', () => {
    // 30,000 titles with the word; only the last ten have it as their genre, which outweighs a
    // title word. A scan capped in row order would never reach them.
    const many = Array.from({ length: 30_000 }, (_, i) => ({
      id: `m${i}`,
      title: `Common ${i}`,
      categories: i >= 29_990 ? ['Common'] : ['Other'],
      tags: [],
    }));
    const big = new ItemCatalog(many);
    const hits = new SearchIndex(big).search('common', 10);
    expect(hits.map((h) => big.idOf(h.row))).toEqual(many.slice(29_990).map((m) => m.id));
  });
});
