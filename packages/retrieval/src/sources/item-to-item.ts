import type { ItemNeighbours } from '@recsys/artifacts';
import type { CandidateSource, SourceCandidate, SourceContext } from '../source.js';
import { seedOf } from './nearest.js';

/** Per-row accumulators reused across calls (the aggregation never awaits, so one suffices). */
class Scratch {
  readonly sums: Float64Array;
  readonly best: Float64Array;
  readonly via: Int32Array;
  /** Generation at which a row was last touched / marked an anchor: no clearing per call. */
  readonly touched: Uint32Array;
  readonly anchor: Uint32Array;
  generation = 0;

  constructor(readonly size: number) {
    this.sums = new Float64Array(size);
    this.best = new Float64Array(size);
    this.via = new Int32Array(size);
    this.touched = new Uint32Array(size);
    this.anchor = new Uint32Array(size);
  }
}

let scratch = new Scratch(1024);

/**
 * Aggregates the item-to-item neighbours of a list of anchor rows, as the trainer's
 * features/item_to_item.py does: each candidate's score is the sum over anchors of
 * score(anchor -> candidate); it remembers the anchor that contributed most, for "because you
 * watched ...". Excluded and retired rows, and the anchors themselves, are skipped. Sums live
 * in typed arrays indexed by row, so a 100-item history of 50 neighbours each allocates only
 * the answer.
 */
export function aggregateNeighbours(
  neighbours: ItemNeighbours,
  anchors: readonly number[],
  ctx: Pick<SourceContext, 'excluded' | 'state'>,
  count: number,
): SourceCandidate[] {
  const size = ctx.state.items.rowCount;
  if (scratch.size < size) scratch = new Scratch(Math.max(size, scratch.size * 2));
  const s = scratch;
  if (s.generation === 0xffff_ffff) {
    s.touched.fill(0);
    s.anchor.fill(0);
    s.generation = 0;
  }
  const gen = ++s.generation;
  for (const anchor of anchors) if (anchor >= 0 && anchor < size) s.anchor[anchor] = gen;
  const rows: number[] = [];
  for (const anchor of anchors) {
    const list = neighbours.of(anchor);
    for (let i = 0; i < list.rows.length; i++) {
      const row = list.rows[i] ?? 0;
      if (row <= 0 || row >= size || s.anchor[row] === gen) continue;
      const score = list.scores[i] ?? 0;
      if (s.touched[row] !== gen) {
        s.touched[row] = gen;
        s.sums[row] = score;
        s.best[row] = score;
        s.via[row] = anchor;
        rows.push(row);
      } else {
        s.sums[row] = (s.sums[row] ?? 0) + score;
        if (score > (s.best[row] ?? 0)) {
          s.best[row] = score;
          s.via[row] = anchor;
        }
      }
    }
  }
  const kept = rows.filter((row) => !ctx.excluded(row) && ctx.state.items.isLive(row));
  kept.sort((a, b) => (s.sums[b] ?? 0) - (s.sums[a] ?? 0) || a - b);
  return kept
    .slice(0, count)
    .map((row) => ({ row, score: s.sums[row] ?? 0, viaRow: s.via[row] ?? 0 }));
}

/**
 * `session_i2i`: neighbours of the items the user touched last: the live session first
 * (SessionStore), then the training history, newest first, over the user tower's history
 * length, aggregated exactly as the trainer's offline candidates are (so served and offline
 * candidate sets agree). A click therefore changes this source's answer on the next request.
 */
export const sessionI2iSource: CandidateSource = {
  name: 'session_i2i',
  run(ctx, count) {
    const anchors = ctx.user.historyRows;
    return Promise.resolve(aggregateNeighbours(ctx.state.neighbours, anchors, ctx, count));
  },
};

/** `seed_i2i`: the seed item's item-to-item neighbours (more_like_this). */
export const seedI2iSource: CandidateSource = {
  name: 'seed_i2i',
  run(ctx, count) {
    const seed = seedOf(ctx);
    return Promise.resolve(aggregateNeighbours(ctx.state.neighbours, [seed], ctx, count));
  },
};
