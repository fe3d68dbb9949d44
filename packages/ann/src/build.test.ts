import { describe, expect, it } from 'vitest';
import { buildFromEmbeddings, sampleRows } from './build.js';
import { recallAtK } from './recall.js';
import { clusteredEmbeddings } from './synthetic.js';

const DIM = 16;
const data = clusteredEmbeddings({
  rows: 6000,
  dim: DIM,
  clusters: 30,
  centreSeed: 11,
  seed: 12,
  noise: 1,
});
const ids = BigInt64Array.from({ length: 6000 }, (_, i) => BigInt(i * 2 + 1));

describe('buildFromEmbeddings', () => {
  it('trains on a sample, adds every row under its id and applies nprobe', async () => {
    const index = await buildFromEmbeddings(data, {
      dim: DIM,
      factory: 'IVF32,Flat',
      ids,
      trainSize: 2000,
      nprobe: 32,
    });
    expect([index.isTrained, index.ntotal, index.nprobe]).toEqual([true, 6000, 32]);
    const queries = data.subarray(0, 10 * DIM);
    const exact = await buildFromEmbeddings(data, { dim: DIM, factory: 'Flat', ids });
    expect(recallAtK(await index.search(queries, 50), await exact.search(queries, 50))).toBe(1);
    expect((await index.search(queries, 1)).labels[3]).toBe(7n);
  });

  it('builds IVF-PQ, whose compressed distances still find most true neighbours', async () => {
    const index = await buildFromEmbeddings(data, {
      dim: DIM,
      factory: 'IVF8,PQ8x4',
      ids,
      nprobe: 8,
    });
    expect(index.kind).toBe('ivf');
    const queries = data.subarray(0, 10 * DIM);
    const exact = await buildFromEmbeddings(data, { dim: DIM, factory: 'Flat', ids });
    const recall = recallAtK(await index.search(queries, 50), await exact.search(queries, 50));
    expect(recall).toBeGreaterThan(0.5);
    expect(recall).toBeLessThan(1);
  });

  it('samples distinct rows, the same ones for the same seed', async () => {
    const rows = Float32Array.from({ length: 1000 }, (_, i) => i); // 1000 rows of dim 1
    const a = await sampleRows(rows, 1, 100, 3);
    expect(new Set(a).size).toBe(100);
    expect(await sampleRows(rows, 1, 100, 3)).toEqual(a);
    expect(await sampleRows(rows, 1, 100, 4)).not.toEqual(a);
    expect(await sampleRows(rows, 1, 5000, 3)).toBe(rows);
  });
});
