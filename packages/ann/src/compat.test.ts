import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnnIndex } from './ann-index.js';

// Written by fixtures/make_faiss115_fixture.py with the trainer's faiss-cpu, read here by the
// addon's libfaiss 1.7.3: the file format must carry across the two versions.
const PYTHON = new URL('../../../training/.venv/bin/python', import.meta.url).pathname;
const SCRIPT = new URL('../fixtures/make_faiss115_fixture.py', import.meta.url).pathname;
let dir: string;
let fixtures: URL;

beforeAll(async () => {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: run \`make venv\` first`);
  dir = await mkdtemp(join(tmpdir(), 'faiss115-'));
  execFileSync(PYTHON, [SCRIPT, dir], { stdio: 'pipe', timeout: 120_000 });
  fixtures = pathToFileURL(`${dir}/`);
}, 120_000); // faiss-cpu trains the PQ codebooks in about 10 s here

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Expected {
  dim: number;
  k: number;
  nprobe: number;
  queries: number[];
  [name: string]: unknown;
}

describe('index files written by Python faiss', () => {
  async function expected(): Promise<Expected> {
    return JSON.parse(
      await readFile(new URL('faiss115-expected.json', fixtures), 'utf8'),
    ) as Expected;
  }

  it.each(['ivf-flat', 'ivf-pq'])('loads %s and gives the writer’s neighbours', async (name) => {
    const want = await expected();
    const result = want[name] as { labels: number[]; distances: number[] };
    const index = await AnnIndex.load(new URL(`faiss115-${name}.faiss`, fixtures).pathname);
    expect([index.kind, index.dim, index.ntotal, index.nprobe]).toEqual([
      'ivf',
      want.dim,
      1000,
      want.nprobe,
    ]);
    const found = await index.search(Float32Array.from(want.queries), want.k);
    expect(Array.from(found.labels, Number)).toEqual(result.labels);
    result.distances.forEach((d, i) => expect(found.distances[i]).toBeCloseTo(d, 4));
  });

  it('loads a Flat file without ids, numbers its rows and then takes new ids', async () => {
    const want = await expected();
    const result = want.flat as { labels: number[] };
    const index = await AnnIndex.load(new URL('faiss115-flat.faiss', fixtures).pathname);
    expect([index.kind, index.ntotal]).toEqual(['flat', 1000]);
    const queries = Float32Array.from(want.queries);
    const found = await index.search(queries, want.k);
    expect(Array.from(found.labels, Number)).toEqual(result.labels);

    await index.add(queries.subarray(0, want.dim), new BigInt64Array([5000n]));
    expect((await index.search(queries.subarray(0, want.dim), 1)).labels[0]).toBe(5000n);
    expect(await index.remove(new BigInt64Array([BigInt(result.labels[1] ?? 0)]))).toBe(1);
  });
});
