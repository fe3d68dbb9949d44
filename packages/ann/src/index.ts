/**
 * Approximate nearest-neighbour search over FAISS (Johnson, Douze & Jegou 2019, "Billion-scale
 * similarity search with GPUs"; IVF after Jegou et al. 2011, HNSW after Malkov & Yashunin 2018),
 * through the project's own N-API binding in native/.
 */
import { loadNative } from './native.js';

export { AnnIndex, MAX_K } from './ann-index.js';
export type { CreateOptions, IndexKind, Metric, SearchOptions, SearchResult } from './ann-index.js';
export { buildFromEmbeddings, sampleRows } from './build.js';
export type { BuildOptions } from './build.js';
export { seededNormal, seededRandom } from './random.js';
export { clusteredEmbeddings } from './synthetic.js';
export { recallAtK } from './recall.js';
export type { ClusteredOptions } from './synthetic.js';

/** The FAISS version the addon was built against (Debian's libfaiss-dev: 1.7.3). */
export function faissVersion(): string {
  return loadNative().faissVersion;
}
