import { seededNormal, seededRandom } from './random.js';

export interface ClusteredOptions {
  rows: number;
  dim: number;
  /** Cluster centres, drawn from `centreSeed`: rows and queries share them. */
  clusters: number;
  centreSeed: number;
  /** Seed of the rows themselves; use a different one for queries. */
  seed: number;
  /** Spread around a centre: 1 puts a row at cosine ~0.7 to its centre. */
  noise: number;
  /** Zipf exponent of cluster popularity (0 = equal sizes), as catalogs have head genres. */
  skew?: number;
}

/**
 * Seeded, L2-normalised embeddings drawn around random centres on the unit sphere, shaped
 * like a trained item tower's output: clustered, uneven cluster sizes, unit norm (so inner
 * product is cosine). Row-major rows x dim.
 */
export function clusteredEmbeddings(options: ClusteredOptions): Float32Array {
  const { rows, dim, clusters, noise } = options;
  const centres = new Float32Array(clusters * dim);
  const centreNormal = seededNormal(options.centreSeed);
  for (let i = 0; i < centres.length; i++) centres[i] = centreNormal();
  for (let c = 0; c < clusters; c++) normalise(centres.subarray(c * dim, (c + 1) * dim));

  const cumulative = new Float64Array(clusters);
  let total = 0;
  for (let c = 0; c < clusters; c++) {
    total += 1 / Math.pow(c + 1, options.skew ?? 0);
    cumulative[c] = total;
  }

  const pick = seededRandom(options.seed ^ 0x5bd1e995);
  const normal = seededNormal(options.seed);
  const scale = noise / Math.sqrt(dim);
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const c = lowerBound(cumulative, pick() * total);
    const row = out.subarray(r * dim, (r + 1) * dim);
    for (let j = 0; j < dim; j++) row[j] = (centres[c * dim + j] ?? 0) + scale * normal();
    normalise(row);
  }
  return out;
}

function normalise(v: Float32Array): void {
  let sum = 0;
  for (const x of v) sum += x * x;
  const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  for (let j = 0; j < v.length; j++) v[j] = (v[j] ?? 0) * inv;
}

function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
