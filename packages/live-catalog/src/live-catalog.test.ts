import { events } from '@recsys/contracts';
import { describe, expect, it } from 'vitest';
import { LiveCatalog } from './live-catalog.js';

const UPSERT = events.CatalogOp.CATALOG_OP_UPSERT;
const RETIRE = events.CatalogOp.CATALOG_OP_RETIRE;

function update(itemId: string, op: events.CatalogOp, version: string, timestamp: number) {
  return events.ItemUpdate.fromPartial({
    eventId: `${itemId}-${timestamp}`,
    itemId,
    op,
    modelVersion: version,
    timestamp,
    embedding: op === UPSERT ? [1, 0] : [],
  });
}

interface State {
  version: string;
  seen: string[];
}

function setUp() {
  const catalog = new LiveCatalog<State>(
    (state, updates) => {
      state.seen.push(...updates.map((u) => `${u.itemId}:${u.op === UPSERT ? 'up' : 'retire'}`));
      return Promise.resolve();
    },
    (state) => state.version,
  );
  return { catalog, v1: { version: 'v1', seen: [] as string[] } };
}

describe('LiveCatalog', () => {
  it('applies each update once per state, in arrival order', async () => {
    const { catalog, v1 } = setUp();
    catalog.record([update('a', UPSERT, 'v1', 1), update('b', UPSERT, 'v1', 2)]);
    expect(await catalog.sync(v1)).toBe(2);
    catalog.record([update('c', UPSERT, 'v1', 3)]);
    expect(await catalog.sync(v1)).toBe(1);
    expect(await catalog.sync(v1)).toBe(0);
    expect(v1.seen).toEqual(['a:up', 'b:up', 'c:up']);
  });

  it('gives a newly loaded version every held change, the latest per item', async () => {
    const { catalog, v1 } = setUp();
    catalog.record([update('a', UPSERT, 'v2', 1), update('b', UPSERT, 'v2', 2)]);
    catalog.record([update('a', RETIRE, '', 5), update('b', UPSERT, 'v2', 1)]);
    await catalog.sync(v1);
    const v2 = { version: 'v2', seen: [] as string[] };
    expect(await catalog.sync(v2)).toBe(2);
    expect(v2.seen).toEqual(['b:up', 'a:retire']);
    expect(catalog.stats()).toEqual({ items: 2, received: 4, stale: 1 });
  });

  it('applies an upsert only to the version that embedded it; retirements to all', async () => {
    const { catalog, v1 } = setUp();
    catalog.record([update('a', UPSERT, 'v0', 1), update('b', RETIRE, '', 1)]);
    await catalog.sync(v1);
    expect(v1.seen).toEqual(['b:retire']);
    // The stream processor re-embeds for v1: the same item arrives again, now usable.
    catalog.record([update('a', UPSERT, 'v1', 1)]);
    await catalog.sync(v1);
    expect(v1.seen).toEqual(['b:retire', 'a:up']);
  });

  it('retries a batch whose apply failed', async () => {
    let fail = true;
    const applied: string[] = [];
    const catalog = new LiveCatalog<{ v: string }>(
      (_state, updates) => {
        if (fail) return Promise.reject(new Error('index busy'));
        applied.push(...updates.map((u) => u.itemId));
        return Promise.resolve();
      },
      (s) => s.v,
    );
    const state = { v: 'v1' };
    catalog.record([update('a', UPSERT, 'v1', 1)]);
    await expect(catalog.sync(state)).rejects.toThrow('index busy');
    fail = false;
    expect(await catalog.sync(state)).toBe(1);
    expect(applied).toEqual(['a']);
  });
});
