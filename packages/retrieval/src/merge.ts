import type { SourceCandidate } from './source.js';

/** One source's answer, with the share of the merged list it was configured for. */
export interface SourceList {
  source: string;
  /** Configured count: the source's quota of the merged list. */
  quota: number;
  candidates: readonly SourceCandidate[];
}

export interface MergedCandidate {
  row: number;
  /** Score from the source that ranked the item best (relative to its quota). */
  score: number;
  /** Every source that proposed the item, the best first. */
  sources: string[];
  /** The item that led an item-to-item source here; 0 when none did. */
  viaRow: number;
}

export interface Merged {
  candidates: MergedCandidate[];
  /** Candidates each source contributed before de-duplication. */
  sourceCounts: Record<string, number>;
}

/**
 * Merges source lists into one, each item once. Items are ordered by their position within
 * their source relative to the source's quota (position / quota), so when `limit` cuts the
 * list every source keeps its configured share, and an item two sources propose keeps its best
 * position and both names. `excluded` rows are dropped here too, whatever a source did.
 */
export function mergeSources(
  lists: readonly SourceList[],
  limit: number,
  excluded: (row: number) => boolean = () => false,
): Merged {
  const sourceCounts: Record<string, number> = {};
  const byRow = new Map<number, MergedCandidate & { priority: number; order: number }>();
  lists.forEach((list, order) => {
    sourceCounts[list.source] = (sourceCounts[list.source] ?? 0) + list.candidates.length;
    const quota = Math.max(1, list.quota);
    list.candidates.forEach((c, position) => {
      if (excluded(c.row)) return;
      const priority = position / quota;
      const known = byRow.get(c.row);
      if (known === undefined) {
        byRow.set(c.row, {
          row: c.row,
          score: c.score,
          sources: [list.source],
          viaRow: c.viaRow ?? 0,
          priority,
          order,
        });
        return;
      }
      if (!known.sources.includes(list.source)) known.sources.push(list.source);
      if (known.viaRow === 0 && c.viaRow !== undefined) known.viaRow = c.viaRow;
      if (priority < known.priority) {
        known.priority = priority;
        known.order = order;
        known.score = c.score;
        known.sources = [list.source, ...known.sources.filter((s) => s !== list.source)];
      }
    });
  });
  const ordered = [...byRow.values()].sort(
    (a, b) => a.priority - b.priority || a.order - b.order || a.row - b.row,
  );
  return {
    candidates: ordered
      .slice(0, limit)
      .map(({ row, score, sources, viaRow }) => ({ row, score, sources, viaRow })),
    sourceCounts,
  };
}
