import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadArtifacts, type Artifacts } from '@recsys/artifacts';
import { tinyArtifacts, writeTestArtifacts } from '@recsys/artifacts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentEmbedder } from './content-embedder.js';
import type { ItemContentInput } from './item-content.js';
import { expectRejection } from './testing/expect-rejection.js';

let tiny: Artifacts;
let embedder: ContentEmbedder;

beforeAll(async () => {
  tiny = await loadArtifacts(await tinyArtifacts());
  embedder = await ContentEmbedder.open(tiny, { workers: 1 });
}, 600_000);
afterAll(() => embedder?.close());

const item = (i: number): ItemContentInput => ({
  title: `Item number ${i}`,
  categories: [['Drama', 'Comedy', 'Nature'][i % 3]!],
  tags: i % 2 === 0 ? ['even'] : [],
  numeric: i % 4 === 0 ? {} : { year: 2000 + i },
});

const norm = (v: Float32Array) => Math.hypot(...v);

describe('ContentEmbedder on the tiny artifacts (hashing)', () => {
  it('names the version and the embedding dimension', () => {
    expect(embedder.version).toBe(tiny.version);
    expect(embedder.dim).toBe(tiny.manifest.embeddingDim);
  });

  it('embeds an item with no content at all into a unit vector', async () => {
    const { vectors, inputs } = await embedder.embed([
      { title: '', categories: [], tags: [], numeric: {} },
    ]);
    expect(vectors.length).toBe(embedder.dim);
    expect(norm(vectors)).toBeCloseTo(1, 5);
    expect(Array.from(inputs[0]!.categoryRows)).toEqual(
      new Array(tiny.features.categoryWidth).fill(0),
    );
  });

  it('returns nothing for no items', async () => {
    const { vectors, inputs } = await embedder.embed([]);
    expect([vectors.length, inputs.length]).toEqual([0, 0]);
  });

  it('gives each item the vector it gets alone, across several model calls', async () => {
    const items = Array.from({ length: 300 }, (_, i) => item(i));
    const { vectors } = await embedder.embed(items);
    for (const i of [0, 1, 255, 256, 299]) {
      const alone = (await embedder.embed([items[i]!])).vectors;
      const got = vectors.subarray(i * embedder.dim, (i + 1) * embedder.dim);
      got.forEach((v, j) => expect(Math.abs(v - alone[j]!)).toBeLessThan(1e-6));
    }
    expect(norm(vectors.subarray(0, embedder.dim))).toBeCloseTo(1, 5);
  });

  it('tells different content apart', async () => {
    const { vectors } = await embedder.embed([item(1), item(2)]);
    const [a, b] = [vectors.subarray(0, embedder.dim), vectors.subarray(embedder.dim)];
    expect(a.some((v, j) => Math.abs(v - b[j]!) > 1e-3)).toBe(true);
  });

  it('rejects malformed content with invalid_argument naming the item', async () => {
    const bad = {
      title: 'x',
      categories: 'Drama',
      tags: [],
      numeric: {},
    } as unknown as ItemContentInput;
    await expectRejection(
      embedder.embed([item(0), bad]),
      'invalid_argument',
      /item 1.*categories/s,
    );
    const nan = { ...item(0), numeric: { year: Number.NaN } };
    await expectRejection(embedder.embed([nan]), 'invalid_argument', /item 0.*numeric/s);
  });
});

describe('ContentEmbedder.open refuses versions it cannot serve', () => {
  let dir: string;
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('without a content encoder: unavailable, naming the role', async () => {
    dir = await mkdtemp(join(tmpdir(), 'content-embedder-'));
    const bare = await loadArtifacts(await writeTestArtifacts(dir));
    await expectRejection(
      ContentEmbedder.open(bare),
      'unavailable',
      /MODEL_ROLE_CONTENT_ENCODER/,
      false,
    );
  });

  it('minilm without text_encoder.onnx: unavailable, naming the role', async () => {
    const spec = { ...tiny.manifest.textEncoder!, kind: 'minilm', dim: 384 };
    const v = { ...tiny, manifest: { ...tiny.manifest, textEncoder: spec } };
    await expectRejection(ContentEmbedder.open(v), 'unavailable', /MODEL_ROLE_TEXT_ENCODER/);
  });

  it('an unknown text encoder or no text encoder spec: invalid_argument', async () => {
    const other = { ...tiny.manifest.textEncoder!, kind: 'word2vec' };
    await expectRejection(
      ContentEmbedder.open({ ...tiny, manifest: { ...tiny.manifest, textEncoder: other } }),
      'invalid_argument',
      /word2vec/,
    );
    await expectRejection(
      ContentEmbedder.open({ ...tiny, manifest: { ...tiny.manifest, textEncoder: undefined } }),
      'invalid_argument',
      /textEncoder/,
    );
  });

  it('a content encoder whose inputs disagree with the tables: invalid_argument', async () => {
    const wider = {
      ...tiny,
      features: { ...tiny.features, categoryWidth: tiny.features.categoryWidth + 1 },
    };
    await expectRejection(ContentEmbedder.open(wider), 'invalid_argument', /categories \[B, 3\]/);
    const dim = { ...tiny.manifest.textEncoder!, dim: 128 };
    await expectRejection(
      ContentEmbedder.open({ ...tiny, manifest: { ...tiny.manifest, textEncoder: dim } }),
      'invalid_argument',
      /text_embedding \[B, 128\]/,
    );
  });
});
