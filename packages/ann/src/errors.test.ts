import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@recsys/errors';
import { afterAll, describe, expect, it } from 'vitest';
import { AnnIndex } from './ann-index.js';
import { shortFaissMessage } from './errors.js';
import { loadNative } from './native.js';

const dim = 8;
const vectors = Float32Array.from({ length: 64 * dim }, (_, i) => Math.sin(i));
const ids = BigInt64Array.from({ length: 64 }, (_, i) => BigInt(i));
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function flat(): Promise<AnnIndex> {
  const index = AnnIndex.create({ dim, factory: 'Flat' });
  await index.add(vectors, ids);
  return index;
}

/** Matches an AppError with this code whose message matches. */
function appError(code: string, message: RegExp): unknown {
  const text: unknown = expect.stringMatching(message);
  return expect.objectContaining({ name: 'AppError', code, message: text }) as unknown;
}

describe('AnnIndex errors', () => {
  it('rejects bad arguments in the wrapper', async () => {
    const index = await flat();
    await expect(index.search(new Float32Array(dim + 1), 5)).rejects.toEqual(
      appError('invalid_argument', /multiple of dim 8/),
    );
    await expect(index.search(vectors.subarray(0, dim), 0)).rejects.toEqual(
      appError('invalid_argument', /k must be an integer/),
    );
    await expect(index.add(vectors, ids.subarray(1))).rejects.toEqual(
      appError('invalid_argument', /does not match 64 vectors/),
    );
    const negative = BigInt64Array.from(ids, (id) => (id === 37n ? -(2n ** 40n) : id));
    await expect(index.add(vectors, negative.subarray(1))).rejects.toEqual(
      appError('invalid_argument', /does not match 64 vectors/),
    );
    await expect(index.add(vectors, negative)).rejects.toEqual(
      appError('invalid_argument', /ids must be >= 0, got -1099511627776/),
    );
    const offset = BigInt64Array.from({ length: 65 }, (_, i) => (i === 0 ? -1n : BigInt(i)));
    await expect(index.add(vectors, offset.subarray(1))).resolves.toBeUndefined();
    expect(() => AnnIndex.create({ dim: 0, factory: 'Flat' })).toThrow(AppError);
    expect(() => index.setNprobe(0)).toThrow(/nprobe must be an integer/);
  });

  it('rejects bad arguments in the native layer too', () => {
    const raw = new (loadNative().NativeIndex)();
    raw.create(dim, 'Flat', 'ip');
    expect(() => raw.search(new Float32Array(3), 5, 0, 0)).toThrow(
      expect.objectContaining({ code: 'ERR_ANN_ARGUMENT' }),
    );
    expect(() => raw.search(new Float32Array(dim), 0, 0, 0)).toThrow(/k must be an integer/);
    expect(() => raw.add(vectors, new BigInt64Array(2), false)).toThrow(/does not match/);
    expect(() => raw.search(new Float64Array(dim) as unknown as Float32Array, 1, 0, 0)).toThrow(
      /Float32Array/,
    );
  });

  it('turns FAISS exceptions into errors the process survives', async () => {
    expect(() => AnnIndex.create({ dim, factory: 'IVFbogus,Flat' })).toThrow(
      appError('invalid_argument', /^ann: faiss: could not parse index string IVFbogus/),
    );
    expect(() => AnnIndex.create({ dim, factory: 'IVF4,PQ3' })).toThrow(/multiple of the number/);
    const hnsw = AnnIndex.create({ dim, factory: 'HNSW8', metric: 'l2' });
    await hnsw.add(vectors, ids);
    await expect(hnsw.remove(ids.subarray(0, 1))).rejects.toEqual(
      appError('internal', /remove_ids not implemented/),
    );
    expect((await hnsw.search(vectors.subarray(0, dim), 3)).labels[0]).toBe(0n);
  });

  it('refuses to search or add to an untrained IVF index', async () => {
    const index = AnnIndex.create({ dim, factory: 'IVF4,Flat' });
    expect(index.isTrained).toBe(false);
    await expect(index.search(vectors.subarray(0, dim), 5)).rejects.toEqual(
      appError('internal', /not trained/),
    );
    await expect(index.add(vectors, ids)).rejects.toEqual(appError('internal', /not trained/));
  });

  it('reports missing and corrupt index files', async () => {
    await expect(AnnIndex.load('/nonexistent/index.faiss')).rejects.toEqual(
      appError('not_found', /cannot read index file/),
    );
    const dir = await mkdtemp(join(tmpdir(), 'ann-'));
    dirs.push(dir);
    const corrupt = join(dir, 'corrupt.faiss');
    await writeFile(corrupt, Buffer.from('this is not a faiss index at all'));
    await expect(AnnIndex.load(corrupt)).rejects.toEqual(appError('internal', /^ann: faiss: /));
  });

  it('rejects NaN vectors and searches after close', async () => {
    const index = await flat();
    const bad = vectors.slice(0, dim);
    bad[3] = Number.NaN;
    await expect(index.search(bad, 3)).rejects.toEqual(appError('invalid_argument', /NaN/));
    await index.close();
    await expect(index.search(vectors.subarray(0, dim), 3)).rejects.toEqual(
      expect.objectContaining({ code: 'unavailable', retryable: true }),
    );
  });

  it('shortens FAISS messages to their explanation', () => {
    const raw =
      "Error in void faiss::X::search(idx_t) const at ./faiss/IndexIVF.cpp:309: Error: 'k > 0' failed";
    expect(shortFaissMessage(raw)).toBe("'k > 0' failed");
    expect(
      shortFaissMessage(
        "Error in f() at ./faiss/impl/io.cpp:67: Error: 'f' failed: could not open x for reading",
      ),
    ).toBe('could not open x for reading');
    expect(shortFaissMessage('plain message')).toBe('plain message');
  });
});
