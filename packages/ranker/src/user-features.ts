import type { RankerTables } from './tables.js';
import type { UserState } from './user-state.js';

/**
 * Everything about the user that the per-candidate features read, computed
 * once per request (training: the per-user half of ranker_inputs).
 */
export interface UserFeatures {
  /** Non-padding history positions. */
  historyCount: number;
  sessionCount: number;
  /** Sum of the embeddings of every history position (padding row too) / max(1, historyCount). */
  historyMean: Float32Array;
  /** Valid rows among the newest `lastN` positions. */
  lastRows: Int32Array;
  /** Per category row: history positions (and session positions) in that category. */
  userCategoryCounts: Float32Array;
  sessionCategoryCounts: Float32Array;
  /** The top `userCategories` history categories, 0-padded: the wide part's user side. */
  topCategories: Int32Array;
  /** Item-to-item aggregate over the history: candidate row -> slot in the arrays below. */
  neighbourSlot: Map<number, number>;
  neighbourSum: Float32Array;
  neighbourMax: Float32Array;
  neighbourCount: Float32Array;
}

function addCategories(counts: Float32Array, row: number, t: RankerTables): void {
  const { categories, categoryWidth: c } = t.items;
  for (let j = row * c; j < row * c + c; j++) {
    const cat = categories[j]!;
    if (cat > 0) counts[cat]! += 1;
  }
}

/** Category rows by count desc, ties to the lower row, 0 where the count is 0 (top_categories). */
export function topCategories(counts: Float32Array, k: number): Int32Array {
  const order: number[] = [];
  for (let c = 1; c < counts.length; c++) if (counts[c]! > 0) order.push(c);
  order.sort((a, b) => counts[b]! - counts[a]! || a - b);
  const out = new Int32Array(k);
  out.set(order.slice(0, k));
  return out;
}

/** Per history position h and neighbour c of h: sum, max and count of score(h -> c) (aggregate). */
function neighbours(rows: Int32Array, t: RankerTables) {
  const slot = new Map<number, number>();
  const sums: number[] = [];
  const maxes: number[] = [];
  const counts: number[] = [];
  for (const h of rows) {
    if (h <= 0 || h >= t.items.nRows) continue;
    const { rows: nbr, scores } = t.neighbours.of(h);
    for (let j = 0; j < nbr.length; j++) {
      const c = nbr[j]!;
      if (c <= 0 || c >= t.items.nRows) continue;
      const s = scores[j]!;
      const at = slot.get(c);
      if (at === undefined) {
        slot.set(c, sums.length);
        sums.push(s);
        maxes.push(s);
        counts.push(1);
      } else {
        sums[at]! += s;
        maxes[at] = Math.max(maxes[at]!, s);
        counts[at]! += 1;
      }
    }
  }
  return {
    neighbourSlot: slot,
    neighbourSum: Float32Array.from(sums),
    neighbourMax: Float32Array.from(maxes),
    neighbourCount: Float32Array.from(counts),
  };
}

export function userFeatures(state: UserState, t: RankerTables): UserFeatures {
  const { items } = t;
  const d = items.embeddingDim;
  const valid = (row: number) => row > 0 && row < items.nRows;
  const sum = new Float64Array(d);
  const userCounts = new Float32Array(items.nCategoryRows);
  let historyCount = 0;
  for (const stored of state.rows) {
    // Padding positions add row 0's embedding, as training's item_emb[rows].sum() does.
    const row = valid(stored) ? stored : 0;
    for (let j = 0; j < d; j++) sum[j]! += items.embeddings[row * d + j]!;
    if (row > 0) {
      historyCount++;
      addCategories(userCounts, row, t);
    }
  }
  const historyMean = new Float32Array(d);
  for (let j = 0; j < d; j++) historyMean[j] = sum[j]! / Math.max(historyCount, 1);
  const sessionCounts = new Float32Array(items.nCategoryRows);
  for (const row of state.sessionRows) if (valid(row)) addCategories(sessionCounts, row, t);
  return {
    historyCount,
    sessionCount: state.sessionCount,
    historyMean,
    lastRows: state.rows.subarray(0, t.session.lastN).filter(valid),
    userCategoryCounts: userCounts,
    sessionCategoryCounts: sessionCounts,
    topCategories: topCategories(userCounts, t.session.userCategories),
    ...neighbours(state.rows, t),
  };
}
