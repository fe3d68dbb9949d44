import { describe, expect, it } from 'vitest';
import { fnv1a32, hashText, hashTexts } from './hashing.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('fnv1a32', () => {
  it('matches the reference vectors (as training/tests/test_export_text.py)', () => {
    expect(fnv1a32(utf8(''))).toBe(0x811c9dc5);
    expect(fnv1a32(utf8('a'))).toBe(0xe40c292c);
    expect(fnv1a32(utf8('foobar'))).toBe(0xbf9cf968);
  });
});

describe('hashText (training HashingTextEncoder)', () => {
  it('adds signed tokens and bigrams, then L2-normalises', () => {
    const got = new Float32Array(16);
    hashText('Ab ab', got);
    const want = new Float64Array(16);
    for (const feature of ['ab', 'ab', 'ab ab']) {
      const h = fnv1a32(utf8(feature));
      want[h % 16]! += h >>> 31 ? -1 : 1;
    }
    const norm = Math.hypot(...want);
    expect(Array.from(got)).toEqual(Array.from(want, (v) => Math.fround(v / norm)));
  });

  it('tokenises runs of [a-z0-9] only, after lower-casing', () => {
    const [a, b] = [new Float32Array(64), new Float32Array(64)];
    hashText("Amélie's 2nd-film!", a);
    hashText('am lie s 2nd film', b);
    expect(a).toEqual(b);
  });

  it('gives zeros for text without tokens, and one row per text', () => {
    const out = hashTexts(['. . ', 'x'], 8);
    expect(Array.from(out.subarray(0, 8))).toEqual(new Array(8).fill(0));
    expect(Math.hypot(...out.subarray(8))).toBeCloseTo(1, 6);
  });
});
