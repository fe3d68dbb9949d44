import { describe, expect, it } from 'vitest';
import { PackedStrings } from './packed-strings.js';

describe('PackedStrings', () => {
  it('gives back every string it was given, non-ASCII included', () => {
    const values = ['', 's1', 'Amélie (2001)', '東京物語', 'a'.repeat(300), '😀 x'];
    const packed = new PackedStrings();
    values.forEach((v, i) => expect(packed.push(v)).toBe(i));
    expect(values.map((_, i) => packed.get(i))).toEqual(values);
    expect(packed.get(values.length)).toBeUndefined();
    expect(packed.get(-1)).toBeUndefined();
  });

  it('finds positions by value through growth, and the first of duplicates', () => {
    const packed = new PackedStrings(true);
    for (let i = 0; i < 5000; i++) packed.push(`item-${i}`);
    packed.push('item-7');
    packed.push('Amélie');
    expect(packed.indexOf('item-0')).toBe(0);
    expect(packed.indexOf('item-4999')).toBe(4999);
    expect(packed.indexOf('item-7')).toBe(7);
    expect(packed.indexOf('Amélie')).toBe(5001);
    expect(packed.indexOf('Amelie')).toBe(-1);
    expect(packed.indexOf('item-5000')).toBe(-1);
    expect(packed.indexOf('item-')).toBe(-1);
    expect(packed.length).toBe(5002);
  });

  it('rewrites an entry of an unindexed table and refuses it on an indexed one', () => {
    const titles = new PackedStrings();
    titles.push('old');
    titles.push('next');
    titles.set(0, 'a longer title');
    expect([titles.get(0), titles.get(1)]).toEqual(['a longer title', 'next']);
    expect(() => titles.set(2, 'x')).toThrow(RangeError);
    const ids = new PackedStrings(true);
    ids.push('a');
    expect(() => ids.set(0, 'b')).toThrow(/indexed/);
    expect(new PackedStrings().indexOf('a')).toBe(-1);
  });
});
