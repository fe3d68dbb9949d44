import { AppError } from '@recsys/errors';
import type { ItemTables, RankerTables } from './tables.js';
import type { UserFeatures } from './user-features.js';

/**
 * The dense columns training computes (features/ranker_features.py BASE_COLUMNS),
 * followed there by one `item_<scalar>` column per content scalar. The model's
 * column order comes from the manifest; this list only names what can be computed.
 */
export const BASE_COLUMNS = [
  'retrieval_score',
  'i2i_sum',
  'i2i_max',
  'i2i_count',
  'history_sim_mean',
  'last_items_sim_max',
  'last_items_sim_mean',
  'session_click_count',
  'session_category_affinity',
  'user_category_affinity',
  'item_log_count',
  'item_log_decayed_popularity',
  'item_uses_content',
  'user_history_length',
] as const;

const N_BASE = BASE_COLUMNS.length;

/** Where each model column comes from: a base column index, or N_BASE + a scalar index. */
export interface DensePlan {
  columns: readonly string[];
  source: Int32Array;
  /** False when the model does not read retrieval_score, so no user embedding is needed. */
  needsUserEmbedding: boolean;
}

/** Maps the manifest's column names onto what can be computed; an unknown name fails the load. */
export function densePlan(columns: readonly string[], items: ItemTables): DensePlan {
  const source = new Int32Array(columns.length);
  columns.forEach((name, i) => {
    const base = (BASE_COLUMNS as readonly string[]).indexOf(name);
    const scalar = name.startsWith('item_') ? items.scalarNames.indexOf(name.slice(5)) : -1;
    if (base < 0 && scalar < 0) {
      throw new AppError('invalid_argument', `ranker: unknown dense column "${name}"`);
    }
    source[i] = base >= 0 ? base : N_BASE + scalar;
  });
  return { columns, source, needsUserEmbedding: columns.includes('retrieval_score') };
}

function dot(a: Float32Array, aAt: number, b: Float32Array, bAt: number, d: number): number {
  // Four accumulators: V8 then keeps four independent multiply-add chains in flight.
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < d; j += 4) {
    s0 += a[aAt + j]! * b[bAt + j]!;
    s1 += a[aAt + j + 1]! * b[bAt + j + 1]!;
    s2 += a[aAt + j + 2]! * b[bAt + j + 2]!;
    s3 += a[aAt + j + 3]! * b[bAt + j + 3]!;
  }
  for (; j < d; j++) s0 += a[aAt + j]! * b[bAt + j]!;
  return s0 + s1 + (s2 + s3);
}

/** Probe vectors per pass of dotsWithProbes: its six running sums stay in registers. */
const PROBES = 6;

/** The vectors as rows of one matrix, with zero rows after them for a last, partial pass. */
function probeRows(vectors: readonly Float32Array[], d: number): Float32Array {
  const out = new Float32Array((vectors.length + PROBES - 1) * d);
  vectors.forEach((v, p) => out.set(v, p * d));
  return out;
}

/**
 * out[p] = probe row p . emb[at, at + d) for the first `count` probe rows. A pass reads the
 * candidate's embedding once for six probes, where one dot product at a time reads it once per
 * probe (these dot products were most of the feature join's time); the last one to three
 * probes, too few to fill a pass, go one at a time.
 */
function dotsWithProbes(
  emb: Float32Array,
  at: number,
  probes: Float32Array,
  count: number,
  d: number,
  out: Float64Array,
): void {
  let p = 0;
  for (; count - p >= 4; p += PROBES) {
    const b = p * d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let s5 = 0;
    for (let j = 0; j < d; j++) {
      const e = emb[at + j]!;
      s0 += e * probes[b + j]!;
      s1 += e * probes[b + d + j]!;
      s2 += e * probes[b + 2 * d + j]!;
      s3 += e * probes[b + 3 * d + j]!;
      s4 += e * probes[b + 4 * d + j]!;
      s5 += e * probes[b + 5 * d + j]!;
    }
    out[p] = s0;
    out[p + 1] = s1;
    out[p + 2] = s2;
    out[p + 3] = s3;
    out[p + 4] = s4;
    out[p + 5] = s5;
  }
  for (; p < count; p++) out[p] = dot(emb, at, probes, p * d, d);
}

function categoryShare(counts: Float32Array, total: number, row: number, t: ItemTables): number {
  let s = 0;
  for (let j = row * t.categoryWidth; j < (row + 1) * t.categoryWidth; j++) {
    const c = t.categories[j]!;
    if (c > 0) s += counts[c]!;
  }
  return s / Math.max(total, 1);
}

/**
 * Writes the raw dense matrix [candidates, columns] into `out` (NaN = unknown;
 * the graph standardises). `userEmbedding` may be absent: retrieval_score is then
 * NaN, and can be filled later with fillRetrievalScore.
 */
export function writeDense(
  out: Float32Array,
  plan: DensePlan,
  user: UserFeatures,
  candidates: Int32Array,
  t: RankerTables,
): void {
  const items = t.items;
  const { embeddings: emb, embeddingDim: d, usesContent, scalars } = items;
  const { logCounts, logDecayed } = itemLogs(items);
  const { lastRows, historyMean, neighbourSlot } = user;
  const nLast = lastRows.length;
  const nScalars = items.scalarNames.length;
  const width = plan.columns.length;
  const base = new Float64Array(N_BASE);
  base[0] = NaN;
  base[7] = user.sessionCount;
  base[13] = user.historyCount;
  // Row 0 of the probes is the history mean, rows 1..nLast the last items.
  const probes = probeRows(
    [historyMean, ...Array.from(lastRows, (r) => emb.subarray(r * d, (r + 1) * d))],
    d,
  );
  const sims = new Float64Array(probes.length / d);
  for (let i = 0; i < candidates.length; i++) {
    const row = candidates[i]!;
    const slot = neighbourSlot.get(row);
    dotsWithProbes(emb, row * d, probes, 1 + nLast, d, sims);
    let lastMax = -Infinity;
    let lastSum = 0;
    for (let l = 1; l <= nLast; l++) {
      const sim = Math.fround(sims[l]!);
      if (sim > lastMax) lastMax = sim;
      lastSum += sim;
    }
    base[1] = slot === undefined ? 0 : user.neighbourSum[slot]!;
    base[2] = slot === undefined ? 0 : user.neighbourMax[slot]!;
    base[3] = slot === undefined ? 0 : user.neighbourCount[slot]!;
    base[4] = sims[0]!;
    base[5] = nLast > 0 ? lastMax : 0;
    base[6] = lastSum / Math.max(nLast, 1);
    base[8] = categoryShare(user.sessionCategoryCounts, user.sessionCount, row, items);
    base[9] = categoryShare(user.userCategoryCounts, user.historyCount, row, items);
    base[10] = logCounts[row]!;
    base[11] = logDecayed[row]!;
    base[12] = usesContent[row]!;
    const o = i * width;
    for (let c = 0; c < width; c++) {
      const src = plan.source[c]!;
      out[o + c] = src < N_BASE ? base[src]! : scalars[row * nScalars + src - N_BASE]!;
    }
  }
}

const LOGS = new WeakMap<Float32Array, { logCounts: Float64Array; logDecayed: Float64Array }>();

/**
 * log1p of the popularity columns, computed once per version rather than per candidate (and
 * again when live items grow the arrays: the cache is keyed by the array).
 */
function itemLogs(items: ItemTables) {
  let logs = LOGS.get(items.counts);
  if (logs === undefined) {
    logs = {
      logCounts: Float64Array.from(items.counts, Math.log1p),
      logDecayed: Float64Array.from(items.decayed, Math.log1p),
    };
    LOGS.set(items.counts, logs);
  }
  return logs;
}

/** retrieval_score = user embedding . candidate embedding, the ANN's own score. */
export function fillRetrievalScore(
  out: Float32Array,
  plan: DensePlan,
  userEmbedding: Float32Array,
  candidates: Int32Array,
  items: ItemTables,
): void {
  const column = plan.source.indexOf(0);
  if (column < 0) return;
  const d = items.embeddingDim;
  const width = plan.columns.length;
  for (let i = 0; i < candidates.length; i++) {
    out[i * width + column] = dot(items.embeddings, candidates[i]! * d, userEmbedding, 0, d);
  }
}
