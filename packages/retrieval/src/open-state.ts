import { endianness } from 'node:os';
import { AnnIndex, buildFromEmbeddings } from '@recsys/ann';
import { historyLength, type Artifacts } from '@recsys/artifacts';
import { manifest } from '@recsys/contracts';
import { AppError } from '@recsys/errors';
import { ModelPool } from '@recsys/onnx-runner';
import { freshRowsInSlices, type RetrievalState, type VectorIndex } from './retrieval-state.js';
import { SearchIndex } from './search-index.js';
import { OnnxUserEncoder, type UserEncoder } from './user-encoder.js';

export interface OpenStateOptions {
  /** ONNX worker threads for the user tower. */
  workers: number;
  /** IVF lists probed per search; defaults to the manifest's index.nprobe. */
  nprobe?: number | undefined;
  /** Read the exported FAISS file when there is one (default), else build from embeddings. */
  useIndexFile?: boolean;
  /** FAISS factory when building; defaults to the manifest's, else one sized to the catalog. */
  factory?: string | undefined;
  /** Per user-tower call. */
  encoderDeadlineMs?: number;
  /** User-tower requests batched into one model call at most. */
  maxBatch?: number;
}

/** A factory string for n items: exact search while cheap, IVF with ~4 sqrt(n) lists beyond. */
export function defaultFactory(n: number): string {
  if (n < 20_000) return 'Flat';
  const nlist = 2 ** Math.round(Math.log2(4 * Math.sqrt(n)));
  return `IVF${nlist},Flat`;
}

/**
 * Builds what one artifacts version serves candidates with: the ANN index over the item
 * embeddings keyed by item row, the user tower in worker threads, the search index and the
 * fresh list. Anything unusable fails the whole load, so a broken version is never published.
 */
export async function openRetrievalState(
  artifacts: Artifacts,
  options: OpenStateOptions,
): Promise<RetrievalState> {
  const { manifest: spec, items, embeddings } = artifacts;
  const index = await openIndex(artifacts, options);
  let encoder: UserEncoder | undefined;
  try {
    const path = artifacts.modelPath(manifest.ModelRole.MODEL_ROLE_USER_TOWER);
    if (path !== undefined) {
      const pool = await ModelPool.open({
        path,
        workers: options.workers,
        ...(options.encoderDeadlineMs === undefined
          ? {}
          : { deadlineMs: options.encoderDeadlineMs }),
      });
      const historyLength = historyLengthOf(artifacts);
      try {
        const onnx = new OnnxUserEncoder(pool, {
          historyLength,
          dim: spec.embeddingDim,
          ...(options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch }),
        });
        await onnx.warmUp();
        encoder = onnx;
      } catch (err) {
        await pool.close();
        throw err;
      }
    }
    return {
      version: artifacts.version,
      items,
      embeddings,
      neighbours: artifacts.neighbours,
      popularity: artifacts.popularity,
      itemPopularity: artifacts.features.decayed,
      itemCounts: artifacts.features.counts,
      histories: artifacts.histories,
      devices: artifacts.vocabularies.get('devices'),
      surfaces: artifacts.vocabularies.get('surfaces'),
      search: await SearchIndex.build(items),
      fresh: await freshRowsInSlices(items, yearOf(artifacts)),
      index,
      encoder,
      nprobe: options.nprobe ?? (spec.index?.nprobe || 16),
      historyLength: historyLengthOf(artifacts),
    };
  } catch (err) {
    await index.close();
    await encoder?.close();
    throw err;
  }
}

/** Frees the index and the model workers of a retired version. */
export async function closeRetrievalState(state: RetrievalState): Promise<void> {
  await Promise.all([state.index.close(), state.encoder?.close()]);
}

function historyLengthOf(artifacts: Artifacts): number {
  return artifacts.histories?.length ?? historyLength(artifacts.manifest);
}

async function openIndex(artifacts: Artifacts, options: OpenStateOptions): Promise<VectorIndex> {
  const { embeddings, items, manifest: spec } = artifacts;
  const count = items.size;
  const path = artifacts.indexPath;
  if (path !== undefined && options.useIndexFile !== false) {
    const index = await AnnIndex.load(path);
    if (index.ntotal !== count || index.dim !== embeddings.dim) {
      await index.close();
      throw new AppError(
        'invalid_argument',
        `artifacts: ${path} holds ${index.ntotal} ${index.dim}-d vectors; ` +
          `the catalog has ${count} items of ${embeddings.dim} dims`,
      );
    }
    return index;
  }
  const factory = options.factory ?? (spec.index?.factory || defaultFactory(count));
  return buildFromEmbeddings(embeddings.itemBlock(), {
    dim: embeddings.dim,
    factory,
    ids: rowIds(count),
  });
}

/**
 * Item rows 1..count as FAISS ids, written as 32-bit words (every row fits 31 bits) so that no
 * BigInt is made per row: a million of them is ~50 ms of allocation on the event loop.
 */
export function rowIds(count: number): BigInt64Array {
  const words = new Int32Array(count * 2);
  const low = endianness() === 'LE' ? 0 : 1;
  for (let i = 0; i < count; i++) words[2 * i + low] = i + 1;
  return new BigInt64Array(words.buffer);
}

/** The `year` scalar by row, the fresh list's order when items have no arrival time. */
function yearOf(artifacts: Artifacts): ((row: number) => number) | undefined {
  const { scalarNames, scalars } = artifacts.features;
  const column = scalarNames.indexOf('year');
  if (column < 0) return undefined;
  return (row) => scalars[row * scalarNames.length + column] ?? Number.NaN;
}
