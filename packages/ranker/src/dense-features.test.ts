import { AppError } from '@recsys/errors';
import { describe, expect, it } from 'vitest';
import { BASE_COLUMNS, densePlan, fillRetrievalScore, writeDense } from './dense-features.js';
import { handMadeTables } from './testing/index.js';
import { topCategories, userFeatures } from './user-features.js';
import { stateFromHistory } from './user-state.js';

const tables = handMadeTables();
const COLUMNS = [...BASE_COLUMNS, 'item_year'];

function denseFor(userId: string, rows: number[], columns = COLUMNS) {
  const plan = densePlan(columns, tables.items);
  const state = stateFromHistory(tables.users.history(userId), 4, tables.session.gapMs);
  const user = userFeatures(state, tables);
  const candidates = Int32Array.from(rows);
  const out = new Float32Array(rows.length * columns.length);
  writeDense(out, plan, user, candidates, tables);
  fillRetrievalScore(out, plan, Float32Array.of(1, -1), candidates, tables.items);
  const width = columns.length;
  return rows.map((_, i) => Array.from(out.subarray(i * width, (i + 1) * width)));
}

describe('writeDense', () => {
  it('computes every column by hand for a known user', () => {
    const [three, oov, four] = denseFor('u1', [3, 0, 4]);
    const f = Math.fround;
    // retrieval, i2i sum/max/count, history mean sim, last max/mean, session clicks,
    // session and user category share, log counts, content flag, history length, year.
    expect(three).toEqual([
      0,
      1.25,
      0.75,
      2,
      f(4 / 3),
      1,
      1,
      2,
      1,
      f(2 / 3),
      f(Math.log1p(7)),
      f(Math.log1p(2)),
      0,
      3,
      NaN,
    ]);
    expect(four).toEqual([
      -2,
      0.25,
      0.25,
      1,
      2,
      2,
      1,
      2,
      0,
      f(1 / 3),
      f(Math.log1p(1)),
      f(Math.log1p(0.5)),
      0,
      3,
      2010,
    ]);
    // An unknown item reads row 0: no neighbours, no categories, no counts, unknown scalars.
    expect(oov).toEqual([0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 3, NaN]);
  });

  it('gives a user without history zeros, not NaN, for every history feature', () => {
    const [row] = denseFor('nobody', [2]);
    expect(row).toEqual([-1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2000]);
  });

  it('follows the manifest column order and leaves retrieval_score out when not asked', () => {
    const columns = ['item_year', 'i2i_sum', 'user_history_length'];
    expect(denseFor('u1', [3, 4], columns)).toEqual([
      [NaN, 1.25, 3],
      [2010, 0.25, 3],
    ]);
    expect(densePlan(columns, tables.items).needsUserEmbedding).toBe(false);
  });

  it('refuses a column it cannot compute', () => {
    expect(() => densePlan(['i2i_sum', 'item_colour'], tables.items)).toThrow(AppError);
    expect(() => densePlan(['ctr'], tables.items)).toThrow(/unknown dense column "ctr"/);
  });
});

describe('topCategories', () => {
  it('orders by count, breaks ties toward the lower row, pads with 0', () => {
    expect(Array.from(topCategories(Float32Array.of(9, 1, 3, 3, 0), 4))).toEqual([2, 3, 1, 0]);
  });
});
