import type { common } from '@recsys/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { densePlan, fillRetrievalScore, writeDense } from './dense-features.js';
import { rankerFeeds, type ContextRows } from './model-feeds.js';
import { Ranker } from './ranker.js';
import { flat, makeReference, type Reference } from './testing/index.js';
import { userFeatures } from './user-features.js';
import { stateFromHistory } from './user-state.js';

// Training's own feature code (recsys_training.features.ranker_features) and the
// torch models are the reference; test-fixtures/reference.py computes them on
// tiny random tables that this test rebuilds in TypeScript.
let ref: Reference;

beforeAll(async () => {
  ref = await makeReference({ seed: 3 });
}, 120_000);
afterAll(() => ref?.remove());

/** Equal within float32 rounding of different summation orders; NaN only where NaN. */
function expectClose(got: ArrayLike<number>, want: number[], what: string, tol = 2e-5): void {
  expect(got.length, what).toBe(want.length);
  const bad: string[] = [];
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    const ok = Number.isNaN(w)
      ? Number.isNaN(g)
      : Math.abs(g - w) <= tol * Math.max(1, Math.abs(w));
    if (!ok && bad.length < 5) bad.push(`[${i}] ${g} vs ${w}`);
  }
  expect(bad, what).toEqual([]);
}

function contextOf(u: number): ContextRows {
  const c = ref.doc.context;
  return { hour: c.hour[u]!, dow: c.dow[u]!, device: c.device[u]!, surface: c.surface[u]! };
}

/** The same context as the gateway would send it on the wire. */
function requestContext(u: number): common.RequestContext {
  const c = contextOf(u);
  return {
    device: c.device > 0 ? ref.doc.devices[c.device - 1]! : '',
    locale: '',
    region: '',
    hourOfDay: c.hour > 0 ? c.hour - 1 : 0,
    dayOfWeek: c.dow,
    preferredCategories: [],
  };
}

describe('ranker features match training (ranker_features.py)', () => {
  it('builds the same dense matrix and wide inputs for every user and candidate', () => {
    const { doc, tables } = ref;
    const plan = densePlan(doc.columns, tables.items);
    const k = doc.candidates[0]!.length;
    const width = plan.columns.length;
    doc.candidates.forEach((cands, u) => {
      const history = tables.users.history(ref.userId(u));
      const state = stateFromHistory(history, doc.history_length, tables.session.gapMs);
      const user = userFeatures(state, tables);
      const rows = Int32Array.from(cands);
      const dense = new Float32Array(k * width);
      writeDense(dense, plan, user, rows, tables);
      fillRetrievalScore(
        dense,
        plan,
        Float32Array.from(doc.user_embeddings[u]!),
        rows,
        tables.items,
      );
      const slice = (name: string, w: number) =>
        flat(doc.expected[name]!).slice(u * k * w, (u + 1) * k * w);
      expectClose(dense, slice('dense', width), `dense of user ${u}`);
      const feeds = rankerFeeds(dense, width, rows, user, contextOf(u), tables);
      const c = doc.category_width;
      const u4 = doc.spec.user_categories;
      const ints = (name: string) => Array.from(feeds[name]!.data as BigInt64Array, Number);
      expect(ints('item_row')).toEqual(slice('item_row', 1));
      expect(ints('item_categories')).toEqual(slice('item_categories', c));
      expect(ints('user_categories'), `user ${u}`).toEqual(slice('user_categories', u4));
      for (const name of ['hour', 'dow', 'device', 'surface']) {
        expect(ints(name), name).toEqual(slice(name, 1));
      }
    });
  });

  it('scores every user like torch, user tower and Wide&Deep run in the pool', async () => {
    const { doc, tables } = ref;
    const ranker = await Ranker.open({
      version: 'ref',
      tables,
      denseColumns: doc.columns,
      rankerPath: ref.rankerPath,
      userTowerPath: ref.userTowerPath,
    });
    try {
      const k = doc.candidates[0]!.length;
      for (const [u, cands] of doc.candidates.entries()) {
        const surface = doc.context.surface[u]!;
        const result = await ranker.rank({
          userId: ref.userId(u),
          surface: surface > 0 ? doc.surfaces[surface - 1]! : '',
          context: requestContext(u),
          itemIds: cands.map((row) => (row > 0 ? ref.itemId(row) : `new-item-${u}`)),
        });
        expectClose(
          result.scores,
          doc.scores.slice(u * k, (u + 1) * k),
          `scores of user ${u}`,
          1e-4,
        );
        expect(result).toMatchObject({ modelVersion: 'ref', degraded: [], unknownItems: 1 });
      }
    } finally {
      await ranker.close();
    }
  });
});
