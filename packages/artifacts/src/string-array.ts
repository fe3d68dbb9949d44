import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { AppError } from '@recsys/errors';
import { corrupt } from './files.js';
import type { PackedStrings } from './packed-strings.js';
import { TimeSlice } from './time-slice.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN = 0x5b;
const CLOSE = 0x5d;

/**
 * A JSON array of strings (a vocabulary: a million item ids is 10 MB) appended to `into`
 * straight from the file's bytes: a string without escapes is its UTF-8 bytes between the
 * quotes, copied as they are, and only one with a backslash goes through JSON.parse. One
 * JSON.parse of the whole file holds the event loop for hundreds of milliseconds and makes a
 * million strings for the garbage collector; this makes none and yields every few milliseconds,
 * for a service loading a new version beside live traffic. Strict JSON: the file must be UTF-8,
 * control characters inside strings must be escaped, and anything but a flat array of strings
 * is refused, naming the file and the element. With `unique`, a value listed twice is refused.
 * Resolves to the number of strings read.
 */
export async function readStringArray(
  path: string,
  into: PackedStrings,
  unique = false,
): Promise<number> {
  const bytes = await readFile(path).catch((err: unknown) => {
    throw new AppError('not_found', `artifacts: cannot read ${path}`, false, { cause: err });
  });
  if (!isUtf8(bytes)) throw corrupt(path, 'not UTF-8');
  const slice = new TimeSlice(5, 256);
  let count = 0;
  const bad = (why: string) => corrupt(path, `${count}: ${why} (not a JSON array of strings)`);
  let i = skipSpace(bytes, 0);
  if (bytes[i] !== OPEN) throw bad('no [');
  i = skipSpace(bytes, i + 1);
  if (bytes[i] === CLOSE) i++;
  else {
    for (;;) {
      if (bytes[i] !== QUOTE) throw bad('expected a string');
      const start = i + 1;
      let escaped = false;
      for (i = start; i < bytes.length && bytes[i] !== QUOTE; i++) {
        const c = bytes[i]!;
        if (c < 0x20) throw bad('an unescaped control character');
        if (c === BACKSLASH) {
          escaped = true;
          i++;
        }
      }
      if (i >= bytes.length) throw bad('an unterminated string');
      if (escaped) {
        const value = parseEscaped(bytes, start, i, bad);
        if (unique && into.indexOf(value) >= 0) throw bad('listed twice');
        into.push(value);
      } else {
        if (unique && into.indexOfBytes(bytes, start, i) >= 0) throw bad('listed twice');
        into.pushBytes(bytes, start, i);
      }
      count++;
      i = skipSpace(bytes, i + 1);
      if (bytes[i] === CLOSE) {
        i++;
        break;
      }
      if (bytes[i] !== COMMA) throw bad('expected , or ]');
      i = skipSpace(bytes, i + 1);
      if (slice.due()) await slice.yield();
    }
  }
  if (skipSpace(bytes, i) !== bytes.length) throw bad('text after the array');
  return count;
}

function parseEscaped(bytes: Buffer, start: number, end: number, bad: (why: string) => Error) {
  try {
    return JSON.parse(bytes.toString('utf8', start - 1, end + 1)) as string;
  } catch {
    throw bad('a bad escape');
  }
}

/** The first position at or after `i` that is not JSON whitespace. */
function skipSpace(bytes: Buffer, i: number): number {
  while (i < bytes.length) {
    const c = bytes[i]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}
