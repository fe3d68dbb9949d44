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

  it.each([0, 3000, 6000])(
    'finds positions by value through growth, and the first of duplicates (capacity %i)',
    (capacity) => {
      const packed = new PackedStrings(true, capacity);
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
    },
  );

  it('rewrites an entry of an unindexed table and refuses it on an indexed one', () => {
    const titles = new PackedStrings();
    titles.push('old');
    titles.push('next');
    titles.set(0, 'a longer title');
    expect([titles.get(0), titles.get(1)]).toEqual(['a longer title', 'next']);
    expect(() => titles.set(2, 'x')).toThrow(RangeError);
    titles.extend(600);
    titles.set(599, 'last');
    expect([titles.length, titles.get(1), titles.get(2), titles.get(599)]).toEqual([
      600,
      'next',
      '',
      'last',
    ]);
    const ids = new PackedStrings(true);
    ids.push('a');
    expect(() => ids.set(0, 'b')).toThrow(/indexed/);
    expect(() => ids.extend(5)).toThrow(/indexed/);
    expect(new PackedStrings().indexOf('a')).toBe(-1);
  });

  it('orders entries by their UTF-8 bytes, which is code point order', () => {
    const values = ['b', 'a', 'ab', '', 'Amélie', 'amelie', '東京', 'z', '😀', '\uffff'];
    const packed = new PackedStrings();
    for (const v of values) packed.push(v);
    const byBytes = values.map((_, i) => i).sort((a, b) => packed.compare(a, b));
    const byCodePoint = [...values].sort((x, y) => {
      const [a, b] = [[...x].map((c) => c.codePointAt(0)!), [...y].map((c) => c.codePointAt(0)!)];
      for (let i = 0; i < Math.min(a.length, b.length); i++)
        if (a[i] !== b[i]) return a[i]! - b[i]!;
      return a.length - b.length;
    });
    expect(byBytes.map((i) => values[i])).toEqual(byCodePoint);
    expect(packed.compareTo(1, Buffer.from('a'))).toBe(0);
    expect(packed.compareTo(2, Buffer.from('a'))).toBeGreaterThan(0);
    expect(packed.compareTo(1, Buffer.from('ab'))).toBeLessThan(0);
  });

  it('finds strings added as bytes and as strings alike', () => {
    const packed = new PackedStrings(true);
    const values = ['id-1', 'Amélie', '東京', '😀 x', 'ß', ''];
    for (const v of values) {
      const bytes = Buffer.from(v);
      packed.pushBytes(bytes, 0, bytes.length);
    }
    expect(values.map((v) => packed.indexOf(v))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(values.map((v) => packed.get(packed.indexOf(v)))).toEqual(values);
    const again = Buffer.from('xx東京');
    expect(packed.indexOfBytes(again, 2, again.length)).toBe(2);
    expect(packed.push('東京')).toBe(6);
    expect(packed.indexOf('東京')).toBe(2);
  });
});
