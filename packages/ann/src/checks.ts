import { endianness } from 'node:os';
import { AppError } from '@recsys/errors';

function invalid(message: string): AppError {
  return new AppError('invalid_argument', `ann: ${message}`);
}

export function checkInt(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

/** Checks a row-major Float32Array of vectors of `dim` values; returns the row count. */
export function checkVectors(name: string, vectors: unknown, dim: number): number {
  if (!(vectors instanceof Float32Array)) throw invalid(`${name} must be a Float32Array`);
  if (vectors.length === 0 || vectors.length % dim !== 0) {
    throw invalid(`${name} length ${vectors.length} is not a positive multiple of dim ${dim}`);
  }
  return vectors.length / dim;
}

export function checkIds(ids: unknown, rows?: number): BigInt64Array {
  if (!(ids instanceof BigInt64Array)) throw invalid('ids must be a BigInt64Array');
  if (rows !== undefined && ids.length !== rows) {
    throw invalid(`ids length ${ids.length} does not match ${rows} vectors`);
  }
  // -1 marks an empty result slot in FAISS, so it cannot name an item. The sign is read from
  // each id's high 32-bit word: reading the ids themselves makes a BigInt per element (a
  // million of them is ~50 ms of allocation on the event loop).
  const words = new Int32Array(ids.buffer, ids.byteOffset, ids.length * 2);
  const high = endianness() === 'LE' ? 1 : 0;
  for (let i = high; i < words.length; i += 2) {
    if (words[i]! < 0) throw invalid(`ids must be >= 0, got ${ids[i >> 1]}`);
  }
  return ids;
}

export function checkPath(path: unknown): string {
  if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) {
    throw invalid('path must be a non-empty string');
  }
  return path;
}
