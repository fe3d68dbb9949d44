import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readStringArray } from './string-array.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'string-array-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function read(text: string): Promise<string[]> {
  const path = join(dir, 'v.json');
  await writeFile(path, text);
  return readStringArray(path);
}

describe('readStringArray', () => {
  it('matches JSON.parse across chunk boundaries, with commas, quotes and escapes in strings', async () => {
    const values = Array.from(
      { length: 10_000 },
      (_, i) =>
        ['', `id-${i}`, 'a,b', 'say "hi", then \\ go', 'Amélie, 東京 🎬', '\n\t,'][i % 6] + `${i}`,
    );
    expect(await read(JSON.stringify(values))).toEqual(values);
    expect(await read(JSON.stringify(values, null, 2))).toEqual(values);
  });

  it('reads an empty array and surrounding whitespace', async () => {
    expect(await read(' [ ] \n')).toEqual([]);
    expect(await read('\n["", "x"]\n')).toEqual(['', 'x']);
  });

  it.each([
    ['a number', '["a", 1]'],
    ['a nested array', '["a", ["b", "c"]]'],
    ['an object', '{"a": "b"}'],
    ['a trailing comma', '["a", "b",]'],
    ['text after the array', '["a"] x'],
    ['broken JSON', '["a", "b]'],
  ])('refuses %s, naming the file', async (_, text) => {
    await expect(read(text)).rejects.toThrow(/v\.json/);
  });

  it('refuses a missing file as not_found', async () => {
    await expect(readStringArray(join(dir, 'none.json'))).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
