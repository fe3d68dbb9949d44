import { AnnIndex, type Metric } from './ann-index.js';
import { checkIds, checkInt, checkVectors } from './checks.js';
import { seededRandom } from './random.js';

export interface BuildOptions {
  dim: number;
  /** FAISS index_factory string, e.g. "IVF4096,Flat". */
  factory: string;
  /** One id per row of the embeddings. */
  ids: BigInt64Array;
  metric?: Metric;
  /**
   * Rows to train IVF/PQ on. Defaults to 64 per IVF list (FAISS asks for at least 39), at least
   * 50,000, at most every row: k-means cost grows with it and recall barely does.
   */
  trainSize?: number;
  seed?: number;
  threads?: number;
  /** Default nprobe / efSearch for searches on the built index. */
  nprobe?: number;
  efSearch?: number;
}

/**
 * Builds a searchable index from an N x dim embedding table: create from the factory string,
 * train on a seeded sample when the type needs training, add every row under its id. This is
 * the path serving uses, so no index file has to cross FAISS versions.
 */
export async function buildFromEmbeddings(
  embeddings: Float32Array,
  options: BuildOptions,
): Promise<AnnIndex> {
  const rows = checkVectors('embeddings', embeddings, checkInt('dim', options.dim, 1, 65_536));
  checkIds(options.ids, rows);
  const index = AnnIndex.create({
    dim: options.dim,
    factory: options.factory,
    metric: options.metric ?? 'ip',
    ...(options.threads === undefined ? {} : { threads: options.threads }),
  });
  if (!index.isTrained) {
    const wanted = options.trainSize ?? Math.max(50_000, 64 * index.nlist);
    const size = Math.min(rows, checkInt('trainSize', wanted, 1, Number.MAX_SAFE_INTEGER));
    await index.train(await sampleRows(embeddings, options.dim, size, options.seed ?? 0));
  }
  await index.add(embeddings, options.ids);
  if (options.nprobe !== undefined) index.setNprobe(options.nprobe);
  if (options.efSearch !== undefined) index.setEfSearch(options.efSearch);
  return index;
}

/** Rows copied between two yields to the event loop (8,192 x 64 floats: about a millisecond). */
const SAMPLE_STEP = 8192;

/**
 * `count` distinct rows drawn uniformly with a seed (partial Fisher-Yates shuffle), copied in
 * steps with yields to the event loop between them: a million-item IVF trains on 262,144 rows,
 * 120 ms of copying in one piece.
 */
export async function sampleRows(
  vectors: Float32Array,
  dim: number,
  count: number,
  seed: number,
): Promise<Float32Array> {
  const rows = vectors.length / dim;
  if (count >= rows) return vectors;
  const order = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  const random = seededRandom(seed);
  const out = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (rows - i));
    const row = order[j] ?? 0;
    order[j] = order[i] ?? 0;
    out.set(vectors.subarray(row * dim, (row + 1) * dim), i * dim);
    if (i % SAMPLE_STEP === SAMPLE_STEP - 1) await new Promise((resolve) => setImmediate(resolve));
  }
  return out;
}
