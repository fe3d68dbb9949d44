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

  it('indexes items added live', () => {
    const live = new SearchIndex(catalog);
    const row = catalog.upsert({ id: 'e', title: 'Zebra Crossing', categories: [], tags: [] });
    live.add(row, catalog.record(row)!);
    expect(live.search('zebra', 10).map((h) => h.row)).toEqual([row]);
  });
});
