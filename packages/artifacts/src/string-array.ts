import { readFile } from 'node:fs/promises';
import { AppError } from '@recsys/errors';
import { corrupt } from './files.js';
import { TimeSlice } from './time-slice.js';

/** Elements parsed per JSON.parse call: well under a millisecond of work each. */
const CHUNK = 4096;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/**
 * A JSON array of strings (a vocabulary: a million item ids is 10 MB), parsed in chunks with
 * yields to the event loop in between: one JSON.parse of the whole file holds the loop for
 * hundreds of milliseconds, which a service loading a new version beside live traffic cannot
 * afford. The text is cut at commas outside strings and each run of CHUNK elements is parsed
 * as its own array, so strict JSON rules still apply to every element. Anything but a flat
 * array of strings is refused, naming the file.
 */
export async function readStringArray(path: string): Promise<string[]> {
  const bytes = await readFile(path).catch((err: unknown) => {
    throw new AppError('not_found', `artifacts: cannot read ${path}`, false, { cause: err });
  });
  const text = bytes.toString('utf8');
  const open = text.indexOf('[');
  const close = text.lastIndexOf(']');
  const outside = text.slice(0, open) + text.slice(close + 1);
  if (open < 0 || close < open || outside.trim() !== '')
    throw corrupt(path, 'not a JSON array of strings');
  const out: string[] = [];
  const slice = new TimeSlice(5, 1);
  let start = open + 1;
  let elements = 0;
  let inString = false;
  const flush = (end: number) => {
    const body = text.slice(start, end);
    if (body.trim() === '') {
      if (out.length > 0 || end < close) throw corrupt(path, 'not a JSON array of strings');
      return;
    }
    let values: unknown;
    try {
      values = JSON.parse(`[${body}]`);
    } catch (err) {
      throw corrupt(path, 'not valid JSON', err);
    }
    for (const v of values as unknown[]) {
      if (typeof v !== 'string') throw corrupt(path, `${out.length}: expected a string`);
      out.push(v);
    }
  };
  for (let i = open + 1; i < close; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === COMMA && ++elements % CHUNK === 0) {
      flush(i);
      start = i + 1;
      if (slice.due()) await slice.yield();
    }
  }
  flush(close);
  return out;
}
