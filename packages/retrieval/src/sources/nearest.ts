import { MAX_K } from '@recsys/ann';
import { AppError } from '@recsys/errors';
import type { CandidateSource, SourceCandidate, SourceContext } from '../source.js';

/**
 * The nearest items to a query vector in the ANN index (IVF: Jegou et al. 2011), asking for
 * enough extra to cover the rows the request excludes, so exclusion does not starve the list.
 */
export async function nearestRows(
  ctx: SourceContext,
  query: Float32Array,
  count: number,
): Promise<SourceCandidate[]> {
  const { state } = ctx;
  const wanted = count + ctx.user.seenRows.size + 1 + ctx.request.excludeItemIds.length;
  const k = Math.min(MAX_K, wanted, Math.max(1, state.items.size));
  const result = await state.index.search(query, k, { nprobe: state.nprobe });
  if (ctx.signal.aborted) throw new AppError('deadline_exceeded', 'ANN search passed its deadline');
  const out: SourceCandidate[] = [];
  for (let i = 0; i < result.labels.length && out.length < count; i++) {
    const label = result.labels[i] ?? -1n;
    if (label < 1n) continue;
    const row = Number(label);
    if (ctx.excluded(row) || !state.items.isLive(row)) continue;
    out.push({ row, score: result.distances[i] ?? 0 });
  }
  return out;
}

/** `ann`: the user tower's embedding for this user and context, searched in the item index. */
export const annSource: CandidateSource = {
  name: 'ann',
  async run(ctx, count) {
    const query = await ctx.userEmbedding();
    return nearestRows(ctx, query, count);
  },
};

/** `seed_ann`: the items nearest the seed item's embedding in the ANN index. */
export const seedAnnSource: CandidateSource = {
  name: 'seed_ann',
  async run(ctx, count) {
    const seed = seedOf(ctx);
    const vector = ctx.state.embeddings.vector(seed);
    if (vector === undefined) {
      throw new AppError('unavailable', `seed item row ${seed} has no embedding`);
    }
    const found = await nearestRows(ctx, vector, count);
    return found.map((c) => ({ ...c, viaRow: seed }));
  },
};

/** The seed item's row; a seeded source without one is the caller's mistake. */
export function seedOf(ctx: SourceContext): number {
  if (ctx.seedRow === undefined) {
    throw new AppError('invalid_argument', 'seed_item_id: this surface needs a seed item');
  }
  return ctx.seedRow;
}
