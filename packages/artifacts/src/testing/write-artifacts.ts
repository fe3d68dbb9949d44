// Test support: writes a small artifacts folder in the trainer's format (training/export/),
// without Python, so loaders and services can be tested in milliseconds.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface TestArtifactsSpec {
  version?: string;
  /** Items i1..iN, rows 1..N; categories cycle through `categories`. */
  items?: number;
  dim?: number;
  categories?: string[];
  /** Users u1..uU with histories of up to `historyLength` rows. */
  users?: number;
  historyLength?: number;
  neighbours?: number;
}

const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/**
 * Writes manifest.json plus every table loadArtifacts reads: item i's embedding leans on axis
 * (i mod dim), its neighbours are the next rows, popularity falls with the row, user u's
 * history is rows u, u+1, ... (newest first). Returns the folder.
 */
export async function writeTestArtifacts(
  dir: string,
  spec: TestArtifactsSpec = {},
): Promise<string> {
  const n = spec.items ?? 12;
  const dim = spec.dim ?? 4;
  const cats = spec.categories ?? ['Action', 'Drama', 'Comedy'];
  const users = spec.users ?? 3;
  const length = spec.historyLength ?? 4;
  const k = spec.neighbours ?? 2;
  await mkdir(dir, { recursive: true });
  const artifacts: object[] = [];
  const put = async (
    name: string,
    file: string,
    format: string,
    rows: number,
    body: Buffer | string,
  ) => {
    await writeFile(join(dir, file), body);
    artifacts.push({ name, path: file, format, sha256: sha(body), rows: String(rows) });
  };
  const emb = new Float32Array((n + 1) * dim);
  for (let r = 1; r <= n; r++) {
    const v = Array.from({ length: dim }, (_, j) => (j === r % dim ? 1 : 0.1));
    const norm = Math.hypot(...v);
    v.forEach((x, j) => (emb[r * dim + j] = x / norm));
  }
  await put('item_embeddings', 'item_embeddings.f32', 'f32le', n + 1, Buffer.from(emb.buffer));
  const nbRows = new Int32Array((n + 1) * k);
  const nbScores = new Float32Array((n + 1) * k);
  for (let r = 1; r <= n; r++) {
    for (let j = 0; j < k; j++) {
      nbRows[r * k + j] = ((r + j) % n) + 1;
      nbScores[r * k + j] = 1 / (j + 1);
    }
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
  const hist = new Int32Array((users + 1) * length);
  const times = new BigInt64Array((users + 1) * length);
  for (let u = 1; u <= users; u++) {
    for (let j = 0; j < Math.min(length, u + 1); j++) {
      hist[u * length + j] = ((u + j - 1) % n) + 1;
      times[u * length + j] = BigInt(1_700_000_000_000 - j * 60_000);
    }
  }
  await put(
    'user_history_rows',
    'user_history_rows.i32',
    'i32le',
    users + 1,
    Buffer.from(hist.buffer),
  );
  await put(
    'user_history_timestamps',
    'user_history_timestamps.i64',
    'i64le',
    users + 1,
    Buffer.from(times.buffer),
  );
  // Seen sets: each user's history plus item n, an old interaction the history no longer holds.
  const seenLists = Array.from({ length: users + 1 }, (_, u) =>
    u === 0
      ? []
      : [...new Set([...hist.subarray(u * length, (u + 1) * length)].filter((r) => r > 0))]
          .concat(n)
          .filter((r, i, all) => all.indexOf(r) === i)
          .sort((a, b) => a - b),
  );
  const seenOffsets = new BigInt64Array(users + 2);
  seenLists.forEach((list, u) => (seenOffsets[u + 1] = seenOffsets[u]! + BigInt(list.length)));
  await put(
    'user_seen_offsets',
    'user_seen_offsets.i64',
    'i64le',
    users + 2,
    Buffer.from(seenOffsets.buffer),
  );
  const seenRows = Int32Array.from(seenLists.flat());
  await put(
    'user_seen_rows',
    'user_seen_rows.i32',
    'i32le',
    seenRows.length,
    Buffer.from(seenRows.buffer),
  );
  const lines = Array.from({ length: n }, (_, i) => {
    const row = i + 1;
    const category = cats[i % cats.length] ?? '';
    return JSON.stringify({
      row,
      id: `i${row}`,
      title: `Item ${row} ${category}`,
      categories: [category],
      tags: row % 2 === 0 ? ['even'] : [],
      category_rows: [(i % cats.length) + 1],
      scalars: [2000 + row, row % 2 === 0 ? 1 : 0],
      count: n - i,
      decayed: (n - i) / 2,
      uses_content: row === n,
      created_at: 1_700_000_000_000 + row * 86_400_000,
    });
  });
  await put('item_features', 'item_features.jsonl', 'jsonl', n, `${lines.join('\n')}\n`);
  const ranked = (rows: number[]) => rows.map((r) => [r, (n - r + 1) / 2]);
  const popularity = {
    half_life_days: 30,
    reference_ms: 1_700_000_000_000,
    global: ranked(Array.from({ length: n }, (_, i) => i + 1)),
    category: Object.fromEntries(
      cats.map((c, ci) => [
        c,
        ranked(
          Array.from({ length: n }, (_, i) => i + 1).filter((r) => (r - 1) % cats.length === ci),
        ),
      ]),
    ),
    region: { eu: ranked([n, n - 1]) },
  };
  await put('popularity', 'popularity.json', 'json', 1, JSON.stringify(popularity));
  const vocabs: Record<string, string[]> = {
    items: ['', ...Array.from({ length: n }, (_, i) => `i${i + 1}`)],
    users: ['', ...Array.from({ length: users }, (_, i) => `u${i + 1}`)],
    categories: ['', ...cats],
    devices: ['', 'mobile', 'desktop'],
    surfaces: ['', 'home', 'search', 'item_page'],
    regions: ['', 'eu', 'us'],
  };
  for (const [name, values] of Object.entries(vocabs)) {
    await put(`vocab_${name}`, `vocab_${name}.json`, 'json', values.length, JSON.stringify(values));
  }
  const manifest = {
    version: spec.version ?? 'test-v1',
    createdAt: '2026-01-01T00:00:00Z',
    dataset: 'hand-written',
    embeddingDim: dim,
    models: [],
    artifacts,
    features: [
      { name: 'history_rows', kind: 'FEATURE_KIND_SEQUENCE', length },
      { name: 'category', kind: 'FEATURE_KIND_CATEGORICAL', vocabSize: cats.length + 1, length: 1 },
      { name: 'scalar.year', kind: 'FEATURE_KIND_DENSE' },
      { name: 'scalar.even', kind: 'FEATURE_KIND_DENSE' },
    ],
    retrieval: { historyLength: length, neighbours: k },
    itemRows: String(n + 1),
    userRows: String(users + 1),
  };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return dir;
}
