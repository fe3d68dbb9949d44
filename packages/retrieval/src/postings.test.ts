import { TimeSlice } from '@recsys/artifacts';
import { describe, expect, it } from 'vitest';
import { Postings } from './postings.js';

/** Words in no particular order, with shared prefixes and non-ASCII ones. */
function words(n: number): string[] {
  const out: string[] = [];
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const stems = ['star', 'stars', 'amélie', 'ßtraße', 'z', 'Ωmega', '東京', '2001'];
  for (let i = 0; i < n; i++) out.push(`${stems[i % stems.length]}${Math.floor(random() * n)}`);
  return out;
}

function filled(terms: readonly string[]): Postings {
  const postings = new Postings();
  terms.forEach((term, i) => {
    postings.add(term, i + 1, (i % 3) + 1);
    postings.add(term, i + 2, 0.5);
  });
  return postings;
}

function dump(postings: Postings, terms: readonly string[]) {
  return [...new Set(terms)].map((term) => {
    const seen: [number, number][] = [];
    postings.forEach(term, 100, (row, weight) => seen.push([row, weight]));
    return [term, postings.df(term), seen] as const;
  });
}

describe('Postings.freezeInSlices', () => {
  it('freezes into the same sorted words and postings as freeze(), yielding as it goes', async () => {
    const terms = words(5000);
    const whole = filled(terms);
    whole.freeze();
    const sliced = filled(terms);
    const slice = new TimeSlice(0, 1); // due at every step: the most yields
    let yields = 0;
    const original = slice.yield.bind(slice);
    slice.yield = async () => {
      yields++;
      await original();
    };
    await sliced.freezeInSlices(slice);
    expect(yields).toBeGreaterThan(10);
    const all = [...new Set(terms)].sort();
    expect(sliced.withPrefix('', all.length)).toEqual(all);
    expect(whole.withPrefix('', all.length)).toEqual(all);
    expect(sliced.withPrefix('star', 30)).toEqual(whole.withPrefix('star', 30));
    expect(dump(sliced, terms)).toEqual(dump(whole, terms));
  });

  it('sends words added after freezing to the live overlay, as freeze() does', async () => {
    const postings = filled(['a', 'b']);
    await postings.freezeInSlices(new TimeSlice());
    postings.add('c', 9, 1);
    expect(postings.df('c')).toBe(1);
    expect(postings.withPrefix('', 10)).toEqual(['a', 'b', 'c']);
  });

  it('keeps each word best weight first and in the order added within a weight', () => {
    const terms = words(3000);
    const postings = new Postings();
    const expected = new Map<string, [number, number][]>();
    terms.forEach((term, i) => {
      for (const [row, weight] of [
        [i + 1, 1],
        [i + 2, 2],
        [i + 3, 1.5],
        [i + 4, 2],
      ] as const) {
        postings.add(term, row, weight);
        expected.set(term, [...(expected.get(term) ?? []), [row, weight]]);
      }
    });
    postings.freeze();
    for (const [term, added] of expected) {
      const want = [2, 1.5, 1].flatMap((w) => added.filter(([, weight]) => weight === w));
      const got: [number, number][] = [];
      postings.forEach(term, 1_000, (row, weight) => got.push([row, weight]));
      expect(got).toEqual(want);
      expect(postings.df(term)).toBe(added.length);
    }
  });

  it('answers reads before an explicit freeze, and re-indexes a built row through the overlay', () => {
    const postings = new Postings();
    postings.add('star', 1, 2);
    postings.add('wars', 1, 1.5);
    expect(postings.df('star')).toBe(1);
    postings.drop('star', 1);
    postings.add('trek', 1, 1.5);
    const seen: number[] = [];
    postings.forEach('star', 10, (row) => seen.push(row));
    expect(seen).toEqual([]);
    expect(postings.withPrefix('', 10)).toEqual(['star', 'wars', 'trek']);
  });

  it('reads a word in pieces from where the last piece stopped, frozen, stale and live entries alike', () => {
    const postings = new Postings();
    for (let row = 1; row <= 10; row++) postings.add('w', row, row % 2 === 0 ? 2 : 1);
    postings.freeze();
    postings.drop('w', 4); // row 4's frozen entry is now stale
    for (let row = 11; row <= 14; row++) postings.add('w', row, 1); // the live overlay
    const whole: number[] = [];
    expect(postings.forEach('w', 100, (row) => whole.push(row))).toBe(14);
    for (const size of [1, 3, 5]) {
      const pieces: number[] = [];
      let done = 0;
      for (let read = 1; read > 0; done += read) {
        read = postings.forEach('w', size, (row) => pieces.push(row), done);
      }
      expect(done).toBe(14);
      expect(pieces).toEqual(whole);
    }
    expect(whole).toEqual([2, 6, 8, 10, 1, 3, 5, 7, 9, 11, 12, 13, 14]);
  });
});
