import type { ItemRecord } from '@recsys/artifacts';
import { AppError } from '@recsys/errors';
import type { RetrievalState } from './retrieval-state.js';

/** A new or changed item with its embedding (from the content encoder, or a retrain). */
export interface ItemUpsert {
  record: ItemRecord;
  vector: Float32Array;
}

/** Item-to-item neighbours computed for each new item: its nearest items in the index. */
const NEW_ITEM_NEIGHBOURS = 20;

/**
 * Applies catalog changes to a served state in place (issue 5: new items recommendable within
 * seconds): upserts get a row (new rows are appended, never renumbered), their vector in the
 * embeddings overlay and the ANN index, search postings, item-to-item neighbours from the index
 * and a place in the fresh list; retirements leave the index and every source (isLive).
 * A newer artifacts version replaces all of this; the caller re-applies changes it has not
 * yet seen trained.
 */
export async function applyCatalogUpdate(
  state: RetrievalState,
  upserts: readonly ItemUpsert[],
  retiredIds: readonly string[],
): Promise<{ upserted: number; retired: number }> {
  const { index } = state;
  const upsert = index.upsert?.bind(index);
  const remove = index.remove?.bind(index);
  if (upsert === undefined || remove === undefined) {
    throw new AppError('unavailable', 'the served ANN index does not take live updates');
  }
  for (const { vector } of upserts) {
    if (vector.length !== state.embeddings.dim) {
      throw new AppError(
        'invalid_argument',
        `catalog update: vector has ${vector.length} dims, the index ${state.embeddings.dim}`,
      );
    }
  }
  // Retire first, so new items never take a retired one as a neighbour.
  const retiredRows: number[] = [];
  for (const id of retiredIds) {
    const row = state.items.retire(id);
    if (row !== undefined) retiredRows.push(row);
  }
  if (retiredRows.length > 0) await remove(BigInt64Array.from(retiredRows, (r) => BigInt(r)));
  const rows: number[] = [];
  for (const { record, vector } of upserts) {
    const known = state.items.rowOf(record.id);
    const previous = known === undefined ? undefined : state.items.record(known);
    const row = state.items.upsert(record);
    state.embeddings.set(row, vector);
    state.search.add(row, record, previous);
    rows.push(row);
  }
  if (upserts.length > 0) {
    const vectors = new Float32Array(upserts.length * state.embeddings.dim);
    upserts.forEach((u, i) => vectors.set(u.vector, i * state.embeddings.dim));
    await upsert(
      vectors,
      BigInt64Array.from(rows, (r) => BigInt(r)),
    );
    const found = await state.index.search(vectors, NEW_ITEM_NEIGHBOURS + 1, {
      nprobe: state.nprobe,
    });
    rows.forEach((row, i) => {
      const k = found.k;
      const nRows: number[] = [];
      const nScores: number[] = [];
      for (let j = i * k; j < (i + 1) * k && nRows.length < NEW_ITEM_NEIGHBOURS; j++) {
        const label = Number(found.labels[j] ?? -1n);
        if (label > 0 && label !== row) {
          nRows.push(label);
          nScores.push(found.distances[j] ?? 0);
        }
      }
      state.neighbours.set(row, {
        rows: Int32Array.from(nRows),
        scores: Float32Array.from(nScores),
      });
    });
    state.fresh = freshWith(state, rows);
  }
  return { upserted: rows.length, retired: retiredRows.length };
}

/** The fresh list with `rows` moved to the front, the last arrival first. */
function freshWith(state: RetrievalState, rows: readonly number[]): RetrievalState['fresh'] {
  const moved = new Set(rows);
  const front = [...moved].reverse();
  const keep: number[] = [];
  const keepScores: number[] = [];
  state.fresh.rows.forEach((row, i) => {
    if (moved.has(row)) return;
    keep.push(row);
    keepScores.push(state.fresh.scores[i] ?? 0);
  });
  return {
    rows: Int32Array.from([...front, ...keep]),
    scores: Float32Array.from([...front.map(() => 1), ...keepScores]),
  };
}
