import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PackedStrings } from './packed-strings.js';
import { readStringArray } from './string-array.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'string-array-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function read(text: string | Buffer, unique = false): Promise<string[]> {
  const path = join(dir, 'v.json');
  await writeFile(path, text);
  const packed = new PackedStrings(true);
  const count = await readStringArray(path, packed, unique);
  expect(count).toBe(packed.length);
  return Array.from({ length: packed.length }, (_, i) => packed.get(i)!);
}

describe('readStringArray', () => {
  it('reads what JSON.parse reads, with commas, quotes, escapes and non-ASCII in strings', async () => {
    const values = Array.from(
      { length: 10_000 },
      (_, i) =>
        ['', `id-${i}`, 'a,b', 'say "hi", then \\ go', 'Amélie, 東京 🎬', '\n\t,', '\u2028]'][
          i % 7
        ] + `${i}`,
    );
    expect(await read(JSON.stringify(values))).toEqual(values);
    expect(await read(JSON.stringify(values, null, 2))).toEqual(values);
    expect(await read('["\\u00e9t\\u00e9", "\\ud83c\\udfac", "\\/"]')).toEqual(['été', '🎬', '/']);
  });

  it('indexes what it reads, escaped strings and raw bytes alike', async () => {
    const path = join(dir, 'v.json');
    await writeFile(path, '["a", "Amélie", "\\u00e9", "é"]');
    const packed = new PackedStrings(true);
    await readStringArray(path, packed);
    expect(['a', 'Amélie', 'é'].map((v) => packed.indexOf(v))).toEqual([0, 1, 2]);
  });

  it('reads an empty array and surrounding whitespace', async () => {
    expect(await read(' [ ] \n')).toEqual([]);
    expect(await read('\n["", "x"]\n')).toEqual(['', 'x']);
  });

  it('refuses a value listed twice when asked to, escaped or not', async () => {
    expect(await read('["a", "a"]')).toEqual(['a', 'a']);
    await expect(read('["a", "b", "a"]', true)).rejects.toThrow(/v\.json: 2: listed twice/);
    await expect(read('["é", "\\u00e9"]', true)).rejects.toThrow(/v\.json: 1: listed twice/);
  });

  it.each([
    ['a number', '["a", 1]'],
    ['a nested array', '["a", ["b", "c"]]'],
    ['an object', '{"a": "b"}'],
    ['a trailing comma', '["a", "b",]'],
    ['a missing comma', '["a" "b"]'],
    ['text after the array', '["a"] x'],
    ['broken JSON', '["a", "b]'],
    ['an unterminated escape', '["a\\'],
    ['a bad escape', '["a\\x"]'],
    ['a raw control character', '["a\tb"]'],
    ['nothing', ''],
    ['bytes that are not UTF-8', Buffer.from([0x5b, 0x22, 0xff, 0x22, 0x5d])],
  ])('refuses %s, naming the file', async (_, text) => {
    await expect(read(text)).rejects.toThrow(/v\.json/);
  });

  it('refuses a missing file as not_found', async () => {
    const missing = readStringArray(join(dir, 'none.json'), new PackedStrings());
    await expect(missing).rejects.toMatchObject({ code: 'not_found' });
  });
});
