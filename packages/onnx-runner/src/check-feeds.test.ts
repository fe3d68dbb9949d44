import { AppError } from '@recsys/errors';
import { describe, expect, it } from 'vitest';
import { checkFeeds } from './check-feeds.js';
import type { Feeds, TensorInfo } from './tensor.js';

const INPUTS: TensorInfo[] = [
  { name: 'dense', type: 'float32', dims: ['batch', 3] },
  { name: 'ids', type: 'int64', dims: ['batch'] },
  { name: 'slot', type: 'int32', dims: [-1, 2] },
];

function feeds(rows: number): Feeds {
  return {
    dense: { data: new Float32Array(rows * 3), dims: [rows, 3] },
    ids: { data: new BigInt64Array(rows), dims: [rows] },
    slot: { data: new Int32Array(rows * 2), dims: [rows, 2] },
  };
}

function rejection(f: Feeds): AppError {
  try {
    checkFeeds(f, INPUTS);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('invalid_argument');
    return err as AppError;
  }
  throw new Error('expected checkFeeds to reject');
}

describe('checkFeeds', () => {
  it('accepts any batch size on symbolic and unknown dims', () => {
    for (const rows of [0, 1, 1000]) expect(() => checkFeeds(feeds(rows), INPUTS)).not.toThrow();
  });

  it('names a missing input and an unknown one', () => {
    const missing = feeds(2);
    delete missing.ids;
    expect(rejection(missing).message).toMatch(/input "ids" is missing/);
    const extra = { ...feeds(2), idz: { data: new BigInt64Array(2), dims: [2] } };
    expect(rejection(extra).message).toMatch(/unknown input "idz".*"dense", "ids", "slot"/);
  });

  it('names the input whose element type is wrong', () => {
    const f = { ...feeds(2), ids: { data: new Int32Array(2), dims: [2] } };
    expect(rejection(f).message).toBe(
      'input "ids": expected int64 as BigInt64Array, got Int32Array',
    );
    const g = { ...feeds(1), dense: { data: [1, 2, 3] as unknown as Float32Array, dims: [1, 3] } };
    expect(rejection(g).message).toMatch(
      /input "dense": expected float32 as Float32Array, got Array/,
    );
  });

  it('checks rank, fixed dims and the element count', () => {
    const rank = { ...feeds(2), dense: { data: new Float32Array(6), dims: [6] } };
    expect(rejection(rank).message).toBe(
      'input "dense": expected rank 2 [batch, 3], got rank 1 [6]',
    );
    const width = { ...feeds(2), dense: { data: new Float32Array(8), dims: [2, 4] } };
    expect(rejection(width).message).toBe('input "dense": dim 1 must be 3, got 4');
    const count = { ...feeds(2), slot: { data: new Int32Array(5), dims: [2, 2] } };
    expect(rejection(count).message).toBe('input "slot": dims [2, 2] hold 4 values, data has 5');
    const negative = { ...feeds(2), ids: { data: new BigInt64Array(2), dims: [-2] } };
    expect(rejection(negative).message).toMatch(/input "ids": dims must be a list of non-negative/);
  });

  it('makes inputs that share a symbolic dim agree on it', () => {
    const f = { ...feeds(2), ids: { data: new BigInt64Array(3), dims: [3] } };
    expect(rejection(f).message).toBe('inputs "dense" and "ids" disagree on "batch": 2 vs 3');
  });
});
