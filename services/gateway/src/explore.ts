import type { FeedRequest, Scored } from './context.js';

/** Exploration as configured for one surface. */
export interface ExplorationSettings {
  /** Share of the served slots reserved for little-known items; 0 turns exploration off. */
  share: number;
  /** Items with fewer training interactions than this are little known (the design's 10). */
  maxInteractions: number;
}

/** The source name an explored item carries, so the response and its reason say so. */
export const EXPLORATION_SOURCE = 'exploration';

/**
 * Reserves `floor(n * share)` slots for items with fewer than `maxInteractions` training
 * interactions (items added since training have none), so new items collect the feedback that
 * makes them recommendable on their merits. The best-ranked such items among the ranker's
 * candidates take the slots not already held by one, spread evenly down the list; the served
 * items they replace are the lowest-placed others. An epsilon-greedy slot split in the spirit
 * of Li et al. 2010 (contextual bandits for news recommendation), with the ranker as the guide.
 */
export function withExploration(
  picked: readonly Scored[],
  ranked: readonly Scored[],
  request: FeedRequest,
  settings: ExplorationSettings,
): Scored[] {
  const slots = Math.floor(request.n * settings.share);
  const little = (item: Scored) => item.interactions < settings.maxInteractions;
  const need = slots - picked.filter(little).length;
  if (need <= 0) return [...picked];
  const served = new Set(picked.map((item) => item.itemId));
  const explored = ranked.filter((item) => little(item) && !served.has(item.itemId)).slice(0, need);
  if (explored.length === 0) return [...picked];

  // Keep the best of the others, then place the explored items at evenly spaced positions.
  const already = picked.filter(little);
  const keep = Math.max(0, Math.min(picked.length, request.n) - explored.length - already.length);
  const others = picked.filter((item) => !little(item)).slice(0, keep);
  const result: Scored[] = [...already, ...others];
  result.sort((a, b) => picked.indexOf(a) - picked.indexOf(b));
  const total = result.length + explored.length;
  explored.forEach((item, k) => {
    const at = Math.min(result.length, Math.round(((k + 1) * total) / (explored.length + 1)) - 1);
    result.splice(Math.max(0, at), 0, { ...item, sources: [...item.sources, EXPLORATION_SOURCE] });
  });
  return result.slice(0, request.n);
}
