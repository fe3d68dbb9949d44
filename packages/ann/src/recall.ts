import type { SearchResult } from './ann-index.js';

/**
 * Mean over queries of |found ∩ truth| / |truth|, comparing the top `k` labels of each query
 * (recall@k against exact search; empty slots, label -1, are never a hit).
 */
export function recallAtK(found: SearchResult, truth: SearchResult, k = truth.k): number {
  if (found.queries !== truth.queries) throw new Error('recallAtK: query counts differ');
  if (k > found.k || k > truth.k) throw new Error(`recallAtK: k=${k} exceeds a result's k`);
  let sum = 0;
  for (let q = 0; q < truth.queries; q++) {
    const expected = new Set<bigint>();
    for (let i = 0; i < k; i++) {
      const label = truth.labels[q * truth.k + i] ?? -1n;
      if (label >= 0n) expected.add(label);
    }
    if (expected.size === 0) {
      sum += 1;
      continue;
    }
    let hits = 0;
    for (let i = 0; i < k; i++) {
      if (expected.has(found.labels[q * found.k + i] ?? -1n)) hits++;
    }
    sum += hits / expected.size;
  }
  return truth.queries === 0 ? 1 : sum / truth.queries;
}
