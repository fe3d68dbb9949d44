import { events } from '@recsys/contracts';
import { describe, expect, it } from 'vitest';
import { applyItemUpdates } from './item-updates.js';
import { embeddingOf, makeTestState, NOW } from './test-state.js';

const update = (itemId: string, op: events.CatalogOp, embedding: number[] = []) =>
  events.ItemUpdate.fromPartial({
    eventId: `e-${itemId}`,
    itemId,
    op,
    timestamp: NOW,
    modelVersion: 'test',
    embedding,
    content: { title: `Title of ${itemId}`, categories: ['Drama'], tags: [], numeric: {} },
  });
const UPSERT = events.CatalogOp.CATALOG_OP_UPSERT;

describe('applyItemUpdates', () => {
  it('adds new items, retires others, and keeps a trained item as trained', async () => {
    const state = await makeTestState();
    const trained = Array.from(state.embeddings.vector(3)!);
    await applyItemUpdates(state, [
      update('new', UPSERT, [0, 0, 0, 1]),
      // A retrain covers i3: its content-only vector is not taken.
      update('i3', UPSERT, [0, 0, 1, 0]),
      update('i9', events.CatalogOp.CATALOG_OP_RETIRE),
      // The wrong size for this version: skipped rather than failing every later batch.
      update('odd', UPSERT, [1, 0]),
    ]);
    const row = state.items.rowOf('new')!;
    expect(row).toBe(13);
    expect(state.items.record(row)).toMatchObject({ title: 'Title of new', createdAt: NOW });
    expect(Array.from(state.embeddings.vector(row)!)).toEqual([0, 0, 0, 1]);
    expect(Array.from(state.embeddings.vector(3)!)).toEqual(trained);
    expect(Array.from(embeddingOf(3))).toEqual(trained);
    expect(state.items.rowOf('i9')).toBeUndefined();
    expect(state.items.rowOf('odd')).toBeUndefined();
    const found = await state.index.search(Float32Array.from([0, 0, 0, 1]), 1);
    expect(Number(found.labels[0])).toBe(row);
  });
});
