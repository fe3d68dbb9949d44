import { describe, expect, it } from 'vitest';
import { AnnIndex } from './ann-index.js';
import { clusteredEmbeddings } from './synthetic.js';

const DIM = 32;

describe('AnnIndex concurrency', () => {
  it('answers searches correctly while an add and a remove run', async () => {
    const base = clusteredEmbeddings({
      rows: 5000,
      dim: DIM,
      clusters: 20,
      centreSeed: 5,
      seed: 6,
      noise: 1,
    });
    const extra = clusteredEmbeddings({
      rows: 20_000,
      dim: DIM,
      clusters: 20,
      centreSeed: 5,
      seed: 7,
      noise: 1,
    });
    const index = AnnIndex.create({ dim: DIM, factory: 'IVF16,Flat' });
    await index.train(base);
    await index.add(
      base,
      BigInt64Array.from({ length: 5000 }, (_, i) => BigInt(i)),
    );
    index.setNprobe(16);

    const extraIds = BigInt64Array.from({ length: 20_000 }, (_, i) => BigInt(100_000 + i));
    const searches = Array.from({ length: 60 }, (_, i) =>
      index.search(base.subarray((i % 5000) * DIM, ((i % 5000) + 1) * DIM), 20),
    );
    const add = index.add(extra, extraIds);
    const remove = index.remove(BigInt64Array.from({ length: 100 }, (_, i) => BigInt(4900 + i)));
    const more = Array.from({ length: 60 }, (_, i) =>
      index.search(base.subarray(i * DIM, (i + 1) * DIM), 20),
    );
    const results = await Promise.all([...searches, ...more]);
    await Promise.all([add, remove]);

    // Each query is an indexed vector, so whatever state a search saw it finds itself first
    // (never a torn index), and every label is an id that was added.
    results.forEach((result, i) => {
      expect(result.labels[0]).toBe(BigInt(i < 60 ? i % 5000 : i - 60));
      for (const label of result.labels) {
        expect(label < 5000n || (label >= 100_000n && label < 120_000n)).toBe(true);
      }
    });
    expect(index.ntotal).toBe(5000 + 20_000 - 100);
  });

  it('keeps the event loop turning during a long search', async () => {
    const items = clusteredEmbeddings({
      rows: 100_000,
      dim: DIM,
      clusters: 50,
      centreSeed: 8,
      seed: 9,
      noise: 1,
    });
    const index = AnnIndex.create({ dim: DIM, factory: 'Flat', threads: 1 });
    await index.add(
      items,
      BigInt64Array.from({ length: 100_000 }, (_, i) => BigInt(i)),
    );
    const queries = items.subarray(0, 400 * DIM);

    let ticks = 0;
    const timer = setInterval(() => ticks++, 2);
    const started = performance.now();
    const result = await index.search(queries, 100);
    const elapsed = performance.now() - started;
    clearInterval(timer);

    expect(result.labels[0]).toBe(0n);
    // A search on the JS thread would let no timer fire before it resolved.
    expect(elapsed).toBeGreaterThan(40);
    expect(ticks).toBeGreaterThanOrEqual(5);
  });
});
