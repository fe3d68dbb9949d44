/**
 * Builds a large synthetic artifacts folder for the candidates benchmark from a trained one:
 * N items whose embeddings scatter around the trained items' (so the trained user tower's
 * queries have real neighbourhoods), with item-to-item lists, popularity and a catalog of N
 * lines, and the trained models and user histories unchanged. The FAISS index is left out:
 * the service builds IVF over the embeddings at load (ANN_INDEX=build).
 *
 *   node benchmarks/dist/candidates-scale.js --from DIR --out DIR [--items 1000000]
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seededNormal } from '@recsys/ann';
import { loadArtifacts } from '@recsys/artifacts';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    from: { type: 'string' },
    out: { type: 'string' },
    items: { type: 'string', default: '1000000' },
  },
});
if (args.from === undefined || args.out === undefined)
  throw new Error('--from and --out are required');
const n = Number(args.items);
const base = await loadArtifacts(args.from);
const dim = base.embeddings.dim;
const baseItems = base.items.size;
const k = base.neighbours.k;
await mkdir(args.out, { recursive: true });
const artifacts: { name: string; path: string; format: string; sha256: string; rows: string }[] =
  [];
const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

async function put(
  name: string,
  file: string,
  format: string,
  rows: number,
  body: Buffer | string,
) {
  await writeFile(join(args.out as string, file), body);
  artifacts.push({ name, path: file, format, sha256: sha(body), rows: String(rows) });
}

/** Item r copies trained item ((r - 1) mod M) + 1, plus noise: its "parent". */
const parent = (row: number) => ((row - 1) % baseItems) + 1;

const noise = seededNormal(7);
const emb = new Float32Array((n + 1) * dim);
for (let r = 1; r <= n; r++) {
  const p = base.embeddings.vector(parent(r)) as Float32Array;
  let norm = 0;
  for (let j = 0; j < dim; j++) {
    const v = (p[j] ?? 0) + 0.15 * noise();
    emb[r * dim + j] = v;
    norm += v * v;
  }
  norm = Math.sqrt(norm) || 1;
  for (let j = 0; j < dim; j++) emb[r * dim + j] = (emb[r * dim + j] ?? 0) / norm;
}
await put('item_embeddings', 'item_embeddings.f32', 'f32le', n + 1, Buffer.from(emb.buffer));

// Neighbours: the parent's neighbours, moved into this item's block of copies.
const nbRows = new Int32Array((n + 1) * k);
const nbScores = new Float32Array((n + 1) * k);
for (let r = 1; r <= n; r++) {
  const { rows, scores } = base.neighbours.of(parent(r));
  const block = Math.floor((r - 1) / baseItems) * baseItems;
  rows.forEach((nb, j) => {
    nbRows[r * k + j] = Math.min(n, block + nb);
    nbScores[r * k + j] = scores[j] ?? 0;
  });
}
await put(
  'item_neighbours_rows',
  'item_neighbours_rows.i32',
  'i32le',
  n + 1,
  Buffer.from(nbRows.buffer),
);
await put(
  'item_neighbours_scores',
  'item_neighbours_scores.f32',
  'f32le',
  n + 1,
  Buffer.from(nbScores.buffer),
);

const ids = [''];
const lines = createWriteStream(join(args.out, 'item_features.jsonl'));
const day = 86_400_000;
for (let r = 1; r <= n; r++) {
  const p = parent(r);
  const rec = base.items.record(p);
  const id = `s${r}`;
  ids.push(id);
  const width = base.features.categoryWidth;
  const s = base.features.scalarNames.length;
  const line = {
    row: r,
    id,
    title: `${rec?.title ?? 'Item'} ${r}`,
    categories: rec?.categories ?? [],
    tags: rec?.tags ?? [],
    category_rows: Array.from(base.features.categories.subarray(p * width, (p + 1) * width)),
    scalars: Array.from(base.features.scalars.subarray(p * s, (p + 1) * s), (v) =>
      Number.isNaN(v) ? null : v,
    ),
    count: base.features.counts[p] ?? 0,
    decayed: (base.features.decayed[p] ?? 0) / (1 + Math.floor((r - 1) / baseItems)),
    uses_content: base.features.usesContent[p] === 1,
    created_at: 1_700_000_000_000 + (r % 3650) * day,
  };
  if (!lines.write(`${JSON.stringify(line)}\n`))
    await new Promise<void>((resolve) => lines.once('drain', () => resolve()));
}
await new Promise<void>((resolve, reject) =>
  lines.end((err?: Error | null) => (err ? reject(err) : resolve())),
);
const jsonl = await readFile(join(args.out, 'item_features.jsonl'));
artifacts.push({
  name: 'item_features',
  path: 'item_features.jsonl',
  format: 'jsonl',
  sha256: sha(jsonl),
  rows: String(n),
});
await put('vocab_items', 'vocab_items.json', 'json', n + 1, JSON.stringify(ids));

const global = base.popularity.get({ kind: 'global' });
const popular = Array.from(global?.rows ?? [], (row, i) => [row, global?.scores[i] ?? 0]);
await put(
  'popularity',
  'popularity.json',
  'json',
  1,
  JSON.stringify({ half_life_days: 30, reference_ms: 0, global: popular }),
);

// Unchanged: models, user histories and vocabularies (history rows stay inside the first copy).
const manifest = JSON.parse(await readFile(join(args.from, 'manifest.json'), 'utf8')) as Record<
  string,
  unknown
> & {
  artifacts: { name: string; path: string }[];
  models: { path: string }[];
  version: string;
};
const keep = manifest.artifacts.filter((a) => /^(user_history_|vocab_(?!items))/.test(a.name));
for (const file of [...keep.map((a) => a.path), ...manifest.models.map((m) => m.path)]) {
  await copyFile(join(args.from, file), join(args.out, file));
}
await writeFile(
  join(args.out, 'manifest.json'),
  JSON.stringify(
    {
      ...manifest,
      version: `${manifest.version}-x${n}`,
      dataset: `${String(manifest.dataset)} scaled to ${n} items`,
      artifacts: [...keep, ...artifacts],
      itemRows: String(n + 1),
      index: undefined,
    },
    null,
    2,
  ),
);
process.stderr.write(`wrote ${n} items to ${args.out}\n`);
