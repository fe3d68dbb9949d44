import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AnnIndex } from './ann-index.js';
import { recallAtK } from './recall.js';
import { seededNormal } from './random.js';
import { clusteredEmbeddings } from './synthetic.js';

const DIM = 16;
const data = clusteredEmbeddings({
  rows: 4000,
  dim: DIM,
  clusters: 40,
  centreSeed: 1,
  seed: 2,
  noise: 1,
});
const queries = clusteredEmbeddings({
  rows: 20,
  dim: DIM,
  clusters: 40,
  centreSeed: 1,
  seed: 3,
  noise: 1,
});
const ids = BigInt64Array.from({ length: 4000 }, (_, i) => BigInt(10_000 + 7 * i));
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Exact inner-product top-k in plain JS, the reference the index must match. */
function bruteForce(q: Float32Array, k: number): { label: bigint; score: number }[] {
  const scored = Array.from({ length: ids.length }, (_, row) => {
    let score = 0;
    for (let j = 0; j < DIM; j++) score += (q[j] ?? 0) * (data[row * DIM + j] ?? 0);
    return { label: ids[row] ?? -1n, score };
  });
  return scored.sort((a, b) => b.score - a.score).slice(0, k);
}

async function ivf(nlist: number): Promise<AnnIndex> {
  const index = AnnIndex.create({ dim: DIM, factory: `IVF${nlist},Flat` });
  await index.train(data);
  await index.add(data, ids);
  return index;
}

describe('AnnIndex', () => {
  it('returns the exact inner-product neighbours on a Flat index', async () => {
    const index = AnnIndex.create({ dim: DIM, factory: 'Flat' });
    await index.add(data, ids);
    expect(index.kind).toBe('flat');
    const result = await index.search(queries, 25);
    expect(result.queries).toBe(20);
    for (let q = 0; q < 20; q++) {
      const expected = bruteForce(queries.subarray(q * DIM, (q + 1) * DIM), 25);
      const labels = Array.from(result.labels.subarray(q * 25, (q + 1) * 25));
      expect(labels).toEqual(expected.map((e) => e.label));
      expected.forEach((e, i) => expect(result.distances[q * 25 + i]).toBeCloseTo(e.score, 4));
    }
  });

  it('pads with label -1 when k exceeds the number of items', async () => {
    const index = AnnIndex.create({ dim: DIM, factory: 'Flat' });
    await index.add(data.subarray(0, 3 * DIM), ids.subarray(0, 3));
    const { labels } = await index.search(queries.subarray(0, DIM), 5);
    expect(Array.from(labels.subarray(3))).toEqual([-1n, -1n]);
  });

  it('trades recall for nprobe on IVF and is exact when it probes every list', async () => {
    const index = await ivf(32);
    const truth = AnnIndex.create({ dim: DIM, factory: 'Flat' });
    await truth.add(data, ids);
    const exact = await truth.search(queries, 100);
    expect(index.kind).toBe('ivf');
    expect(index.nlist).toBe(32);
    const low = recallAtK(await index.search(queries, 100, { nprobe: 1 }), exact);
    const mid = recallAtK(await index.search(queries, 100, { nprobe: 8 }), exact);
    const all = recallAtK(await index.search(queries, 100, { nprobe: 32 }), exact);
    expect(low).toBeLessThan(mid);
    expect(mid).toBeGreaterThan(0.8);
    expect(all).toBe(1);
    // The per-index default applies when a call names none.
    index.setNprobe(32);
    expect(recallAtK(await index.search(queries, 100), exact)).toBe(1);
  });

  it('drops removed ids, replaces upserted ones and tracks ntotal', async () => {
    const index = await ivf(16);
    index.setNprobe(16);
    const gone = ids.subarray(0, 100);
    expect(await index.remove(gone)).toBe(100);
    expect(index.ntotal).toBe(3900);
    const { labels } = await index.search(data.subarray(0, 100 * DIM), 10);
    const removed = new Set(gone);
    expect(Array.from(labels).some((l) => removed.has(l))).toBe(false);

    // Upsert moves id 99999 onto the vector of row 500: a query at row 500 now finds it first.
    const target = data.slice(500 * DIM, 501 * DIM);
    await index.add(data.subarray(0, DIM), new BigInt64Array([99_999n]));
    expect(await index.upsert(target, new BigInt64Array([99_999n]))).toBe(1);
    expect(index.ntotal).toBe(3901);
    const top = await index.search(target, 2);
    expect(new Set(top.labels)).toEqual(new Set([99_999n, ids[500]]));
  });

  it('saves and loads an index with its results and nprobe intact', async () => {
    const index = await ivf(16);
    index.setNprobe(5);
    const before = await index.search(queries, 50);
    const dir = await mkdtemp(join(tmpdir(), 'ann-'));
    dirs.push(dir);
    await index.save(join(dir, 'nested', 'index.faiss'));
    const loaded = await AnnIndex.load(join(dir, 'nested', 'index.faiss'));
    expect([loaded.dim, loaded.ntotal, loaded.nlist, loaded.nprobe]).toEqual([DIM, 4000, 16, 5]);
    const after = await loaded.search(queries, 50);
    expect(after.labels).toEqual(before.labels);
    expect(after.distances).toEqual(before.distances);
  });

  it('builds HNSW whose efSearch, per index or per call, trades recall', async () => {
    // Unclustered gaussian points: hard enough that a small candidate list misses neighbours.
    const normal = seededNormal(21);
    const points = Float32Array.from({ length: 10_000 * DIM }, normal);
    const pointIds = BigInt64Array.from({ length: 10_000 }, (_, i) => BigInt(i));
    const probes = points.subarray(0, 50 * DIM);
    const index = AnnIndex.create({ dim: DIM, factory: 'HNSW8', metric: 'l2' });
    await index.add(points, pointIds);
    const truth = AnnIndex.create({ dim: DIM, factory: 'Flat', metric: 'l2' });
    await truth.add(points, pointIds);
    const exact = await truth.search(probes, 10);
    expect(index.kind).toBe('hnsw');

    const narrow = await index.search(probes, 10, { efSearch: 10 });
    const wide = await index.search(probes, 10, { efSearch: 300 });
    expect(recallAtK(wide, exact)).toBeGreaterThan(0.95);
    expect(recallAtK(wide, exact)).toBeGreaterThan(recallAtK(narrow, exact) + 0.05);
    index.setEfSearch(300);
    expect((await index.search(probes, 10)).labels).toEqual(wide.labels);
    expect((await index.search(probes, 10, { efSearch: 10 })).labels).toEqual(narrow.labels);
  });
});
