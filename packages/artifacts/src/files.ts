import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { AppError } from '@recsys/errors';
import type { z } from 'zod';
import { TimeSlice } from './time-slice.js';

/** Little-endian numeric formats the trainer writes (numpy `<f4`, `<i4`, `<i8`). */
export type BinaryFormat = 'f32le' | 'i32le' | 'i64le';

const WIDTH: Record<BinaryFormat, number> = { f32le: 4, i32le: 4, i64le: 8 };

export function corrupt(path: string, why: string, cause?: unknown): AppError {
  return new AppError('invalid_argument', `artifacts: ${path}: ${why}`, false, { cause });
}

async function bytesOf(path: string): Promise<Buffer> {
  return readFile(path).catch((err: unknown) => {
    throw new AppError('not_found', `artifacts: cannot read ${path}`, false, { cause: err });
  });
}

/** The file's bytes as an aligned ArrayBuffer slice, copied only when misaligned. */
function aligned(bytes: Buffer, width: number): { buffer: ArrayBufferLike; offset: number } {
  if (bytes.byteOffset % width === 0) return { buffer: bytes.buffer, offset: bytes.byteOffset };
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return { buffer: copy.buffer, offset: 0 };
}

/** A raw float32 file as a Float32Array over the file's own buffer (no copy). */
export async function readFloat32(path: string, expectedLength?: number): Promise<Float32Array> {
  const bytes = await bytesOf(path);
  if (bytes.byteLength % 4 !== 0) throw corrupt(path, 'size is not a multiple of 4 bytes');
  const { buffer, offset } = aligned(bytes, 4);
  const out = new Float32Array(buffer, offset, bytes.byteLength / 4);
  checkLength(path, out.length, expectedLength);
  return out;
}

/**
 * A raw int32 or int64 file as Int32Array: item and user rows fit 31 bits, so int64 files
 * are narrowed once at load (and rejected if any value does not fit).
 */
export async function readRows(
  path: string,
  format: BinaryFormat,
  expectedLength?: number,
): Promise<Int32Array> {
  if (format === 'f32le') throw corrupt(path, 'expected an integer format, got f32le');
  const bytes = await bytesOf(path);
  const width = WIDTH[format];
  if (bytes.byteLength % width !== 0) throw corrupt(path, `size is not a multiple of ${width}`);
  const { buffer, offset } = aligned(bytes, width);
  let out: Int32Array;
  if (format === 'i32le') out = new Int32Array(buffer, offset, bytes.byteLength / 4);
  else {
    const wide = new BigInt64Array(buffer, offset, bytes.byteLength / 8);
    out = new Int32Array(wide.length);
    for (let i = 0; i < wide.length; i++) {
      const v = wide[i] ?? 0n;
      if (v < -2147483648n || v > 2147483647n) throw corrupt(path, `value ${v} at ${i} > int32`);
      out[i] = Number(v);
    }
  }
  checkLength(path, out.length, expectedLength);
  return out;
}

/** A raw int64 file (e.g. ms timestamps) as Float64Array: exact below 2^53. */
export async function readInt64AsFloat64(
  path: string,
  expectedLength?: number,
): Promise<Float64Array> {
  const bytes = await bytesOf(path);
  if (bytes.byteLength % 8 !== 0) throw corrupt(path, 'size is not a multiple of 8 bytes');
  const { buffer, offset } = aligned(bytes, 8);
  const wide = new BigInt64Array(buffer, offset, bytes.byteLength / 8);
  const out = Float64Array.from(wide, (v) => Number(v));
  checkLength(path, out.length, expectedLength);
  return out;
}

/** Values checked between two yields to the event loop (loads run beside live traffic). */
const CHUNK = 1 << 20;

/** Fails, naming the file, when any value is outside 0..limit-1; yields every CHUNK values. */
export async function assertRowsBelow(
  path: string,
  values: Int32Array,
  limit: number,
): Promise<void> {
  for (let start = 0; start < values.length; start += CHUNK) {
    const end = Math.min(values.length, start + CHUNK);
    for (let i = start; i < end; i++) {
      const v = values[i] ?? 0;
      if (v < 0 || v >= limit) throw corrupt(path, `row ${v} at ${i} is outside the item table`);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function checkLength(path: string, actual: number, expected: number | undefined): void {
  if (expected !== undefined && actual !== expected) {
    throw corrupt(path, `holds ${actual} values, the manifest implies ${expected}`);
  }
}

/** A JSON file validated against a zod schema; errors name the file and the field. */
export async function readJson<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
  const text = (await bytesOf(path)).toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw corrupt(path, 'not valid JSON', err);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw corrupt(path, `${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}

/**
 * Streams a JSON-lines file, validating each line against a zod schema and handing it to
 * `onLine` (so a million-line table never sits in memory as objects). Resolves to the number
 * of lines read; errors name the file and the line.
 */
export async function readJsonLines<S extends z.ZodType>(
  path: string,
  schema: S,
  onLine: (value: z.infer<S>, line: number) => void,
): Promise<number> {
  await access(path).catch((err: unknown) => {
    throw new AppError('not_found', `artifacts: cannot read ${path}`, false, { cause: err });
  });
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  // readline hands over buffered lines as microtasks, so without yields a fast disk lets a
  // million-line file hold the event loop for hundreds of milliseconds at a time.
  const slice = new TimeSlice();
  let n = 0;
  let count = 0;
  for await (const line of lines) {
    if (slice.due()) await slice.yield();
    n++;
    if (line.trim() === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      throw corrupt(path, `line ${n} is not valid JSON`, err);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw corrupt(path, `line ${n}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
    }
    onLine(parsed.data, n);
    count++;
  }
  return count;
}

/** Hex sha256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
