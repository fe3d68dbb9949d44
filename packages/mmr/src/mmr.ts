/**
 * Maximal Marginal Relevance (Carbonell & Goldstein, SIGIR 1998): pick items
 * one at a time by  lambda * relevance - (1 - lambda) * max cosine to the items
 * already picked, so near-duplicates of a chosen item sink.
 */
export interface MmrInput {
  /** Relevance per candidate (ranker scores, any scale), best candidates first or not. */
  scores: ArrayLike<number>;
  /** Embedding per candidate, same order as `scores`; undefined where unknown. */
  vectors: ReadonlyArray<Float32Array | undefined>;
  /** 1 keeps the relevance order, 0 maximises diversity alone. */
  lambda: number;
  /** How many to pick. */
  k: number;
}

/**
 * Returns the indices of the picked candidates in pick order.
 *
 * Relevance is min-max scaled to [0, 1] within the window, so that lambda means
 * the same for logits and probabilities against cosines in [-1, 1]. An item
 * without an embedding has similarity 0 to everything. Cost: one pass over the
 * window per pick, updating each candidate's max similarity with the newest
 * pick only, so O(k * window * dim) with no allocation inside the loop.
 */
export function mmr({ scores, vectors, lambda, k }: MmrInput): Int32Array {
  const m = scores.length;
  if (vectors.length !== m) throw new RangeError('mmr: scores and vectors differ in length');
  if (!(lambda >= 0 && lambda <= 1)) throw new RangeError('mmr: lambda must be in [0, 1]');
  if (!Number.isInteger(k) || k < 0) throw new RangeError('mmr: k must be a whole number');
  const picks = new Int32Array(Math.min(k, m));
  if (picks.length === 0) return picks;

  const relevance = scaleToUnit(scores);
  const { unit, dim } = packUnitRows(vectors);
  const maxSim = new Float64Array(m).fill(Number.NEGATIVE_INFINITY);
  const taken = new Uint8Array(m);
  const diversity = 1 - lambda;

  for (let step = 0; step < picks.length; step++) {
    let best = -1;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < m; i++) {
      if (taken[i]) continue;
      // maxSim is unset (-Infinity) until the first update, and unused at lambda 1.
      const penalty = step === 0 || diversity === 0 ? 0 : diversity * maxSim[i]!;
      const value = lambda * relevance[i]! - penalty;
      // Strict '>' keeps the earlier (better ranked) candidate on ties.
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    picks[step] = best;
    taken[best] = 1;
    if (diversity > 0) updateMaxSim(maxSim, taken, unit, dim, best);
  }
  return picks;
}

function updateMaxSim(
  maxSim: Float64Array,
  taken: Uint8Array,
  unit: Float32Array | undefined,
  dim: number,
  picked: number,
): void {
  const pickedHasVector = unit !== undefined && hasRow(unit, dim, picked);
  const offset = picked * dim;
  for (let i = 0; i < maxSim.length; i++) {
    if (taken[i]) continue;
    let sim = 0;
    if (pickedHasVector) {
      const row = i * dim;
      for (let d = 0; d < dim; d++) sim += unit[row + d]! * unit[offset + d]!;
    }
    if (sim > maxSim[i]!) maxSim[i] = sim;
  }
}

/** A zero row stands for "no embedding": its dot product with anything is 0. */
function hasRow(unit: Float32Array, dim: number, i: number): boolean {
  for (let d = 0; d < dim; d++) if (unit[i * dim + d] !== 0) return true;
  return false;
}

function scaleToUnit(scores: ArrayLike<number>): Float64Array {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (!Number.isFinite(s)) throw new RangeError(`mmr: score ${i} is not finite`);
    if (s < lo) lo = s;
    if (s > hi) hi = s;
  }
  const out = new Float64Array(scores.length);
  const span = hi - lo;
  for (let i = 0; i < scores.length; i++) out[i] = span > 0 ? (scores[i]! - lo) / span : 1;
  return out;
}

/** Copies every embedding, L2-normalised, into one row-major matrix so cosine is a dot product. */
function packUnitRows(vectors: ReadonlyArray<Float32Array | undefined>): {
  unit: Float32Array | undefined;
  dim: number;
} {
  const first = vectors.find((v) => v !== undefined);
  if (first === undefined) return { unit: undefined, dim: 0 };
  const dim = first.length;
  const unit = new Float32Array(vectors.length * dim);
  vectors.forEach((v, i) => {
    if (v === undefined) return;
    if (v.length !== dim) throw new RangeError(`mmr: vector ${i} has ${v.length} dims, not ${dim}`);
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += v[d]! * v[d]!;
    if (!(norm > 0) || !Number.isFinite(norm)) return;
    const inv = 1 / Math.sqrt(norm);
    for (let d = 0; d < dim; d++) unit[i * dim + d] = v[d]! * inv;
  });
  return { unit, dim };
}
