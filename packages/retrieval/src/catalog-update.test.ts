import { common } from '@recsys/contracts';
import { describe, expect, it } from 'vitest';
import { applyCatalogUpdate } from './catalog-update.js';
import { requestScope } from './request-scope.js';
import { seedAnnSource } from './sources/nearest.js';
import { makeTestState, NOW } from './test-state.js';

describe('applyCatalogUpdate', () => {
  it('makes a new item retrievable, searchable and fresh, and a retired one gone', async () => {
    const state = await makeTestState();
    const vector = Float32Array.from([0.1, 1, 0, 0].map((x) => x / Math.hypot(0.1, 1)));
    const record = {
      id: 'new1',
      title: 'Brand New Drama',
      categories: ['Drama'],
      tags: [],
      createdAt: NOW,
    };
    expect(await applyCatalogUpdate(state, [{ record, vector }], ['i8'])).toEqual({
      upserted: 1,
      retired: 1,
    });
    const row = state.items.rowOf('new1')!;
    expect(row).toBe(13);
    expect(state.fresh.rows[0]).toBe(row);
    expect((await state.search.search('brand', 5)).map((h) => h.row)).toEqual([row]);
    expect(state.items.rowOf('i8')).toBeUndefined();
    expect(Array.from(state.neighbours.of(row).rows)).not.toContain(8);

    // more_like_this of a drama item now finds the new item through the index.
    const scope = requestScope(
      state,
      {
        userId: 'x',
        surface: 'more_like_this',
        limit: 20,
        context: common.RequestContext.fromPartial({}),
        excludeItemIds: [],
      },
      undefined,
      7,
    );
    const found = await seedAnnSource.run({ ...scope, signal: new AbortController().signal }, 20);
    const rows = found.map((c) => c.row);
    expect(rows).toContain(row);
    expect(rows).not.toContain(8);
  });

  it('rejects vectors of the wrong dimension before changing anything', async () => {
    const state = await makeTestState();
    const record = { id: 'bad', title: 'x', categories: [], tags: [] };
    await expect(
      applyCatalogUpdate(state, [{ record, vector: new Float32Array(3) }], []),
    ).rejects.toThrow(/3 dims/);
    expect(state.items.rowOf('bad')).toBeUndefined();
  });
});
