import { events } from '@recsys/contracts';
import { describe, expect, it } from 'vitest';
import { itemUpdatesOf } from './catalog-events.js';
import type { VersionEmbedder } from './embedder.js';
import { ItemMirror } from './item-mirror.js';

const UPSERT = events.CatalogOp.CATALOG_OP_UPSERT;
const RETIRE = events.CatalogOp.CATALOG_OP_RETIRE;

/** Embeds an item as [title length, version number]: enough to see who embedded what. */
function embedder(version: string, trained: string[] = []): VersionEmbedder & { calls: number } {
  const self = {
    version,
    calls: 0,
    covers: (id: string) => trained.includes(id),
    embed: (items: readonly { title: string }[]) => {
      self.calls++;
      const vectors = new Float32Array(items.length * 2);
      items.forEach((item, i) => vectors.set([item.title.length, Number(version.slice(1))], i * 2));
      const inputs = items.map(() => ({
        categoryRows: Int32Array.from([1, 0]),
        scalars: Float32Array.from([NaN]),
      }));
      return Promise.resolve({ vectors, inputs });
    },
    close: () => Promise.resolve(),
  };
  return self;
}

const catalogEvent = (itemId: string, op: events.CatalogOp, title = 'Film') =>
  events.CatalogEvent.fromPartial({
    eventId: `e-${itemId}`,
    itemId,
    op,
    timestamp: 1_000,
    content: op === UPSERT ? { title, categories: ['Drama'], tags: [], numeric: {} } : undefined,
  });

describe('itemUpdatesOf', () => {
  it('embeds upserts with the version and passes retirements through', async () => {
    const updates = await itemUpdatesOf(embedder('v1'), [
      catalogEvent('a', UPSERT, 'Abc'),
      catalogEvent('b', RETIRE),
      catalogEvent('c', UPSERT, 'Abcdef'),
    ]);
    expect(updates.map((u) => [u.itemId, u.embedding, u.modelVersion])).toEqual([
      ['a', [3, 1], 'v1'],
      ['b', [], ''],
      ['c', [6, 1], 'v1'],
    ]);
    expect(updates[0]!.categoryRows).toEqual([1, 0]);
    expect(updates[0]!.scalars[0]).toBeNaN();
    expect(updates[1]!.content).toBeUndefined();
  });

  it('refuses upserts while no version is loaded (the batch is retried), not retirements', async () => {
    await expect(itemUpdatesOf(undefined, [catalogEvent('a', UPSERT)])).rejects.toThrow(
      /no artifacts version/,
    );
    expect(await itemUpdatesOf(undefined, [catalogEvent('b', RETIRE)])).toHaveLength(1);
  });
});

describe('ItemMirror', () => {
  it('re-embeds items an older version made, except those the retrain covers', async () => {
    let current = embedder('v1');
    const published: events.ItemUpdate[] = [];
    const mirror = new ItemMirror(
      () => current,
      (updates) => {
        published.push(...updates);
        return Promise.resolve();
      },
    );
    const made = await itemUpdatesOf(current, [
      catalogEvent('a', UPSERT),
      catalogEvent('b', UPSERT),
      catalogEvent('c', RETIRE),
    ]);
    await mirror.observe(made);
    expect(published).toEqual([]);

    current = embedder('v2', ['b']);
    await mirror.refreshAll();
    expect(published.map((u) => [u.itemId, u.modelVersion])).toEqual([['a', 'v2']]);
    // Reading its own republished update back changes nothing.
    await mirror.observe(published);
    expect(published).toHaveLength(1);
    expect(mirror.stats()).toEqual({ items: 3, reembedded: 1 });
    expect(mirror.categoriesOf('a')).toEqual(['Drama']);
  });
});
