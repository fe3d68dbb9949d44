import { z } from 'zod';
import { corrupt, readJsonLines } from './files.js';
import { ItemCatalog } from './item-catalog.js';
import type { PackedStrings } from './packed-strings.js';

/**
 * Per-item model inputs by item row (row 0 padding), as training's ItemTable holds them
 * (training/src/recsys_training/features/item_table.py): what the ranker feeds and what the
 * content encoder embeds new items from.
 */
export interface ItemFeatures {
  /** Category slots per item (C). */
  categoryWidth: number;
  /** [rows, C] category vocabulary rows, 0-padded. */
  categories: Int32Array;
  /** Names of the scalar columns, in model order. */
  scalarNames: readonly string[];
  /** [rows, S] raw content scalars, NaN where unknown (the models standardise them). */
  scalars: Float32Array;
  /** [rows] training interactions. */
  counts: Float32Array;
  /** [rows] time-decayed training interactions. */
  decayed: Float32Array;
  /** [rows] 1 where the served embedding came from the content encoder (cold items). */
  usesContent: Uint8Array;
}

/** One line of item_features.jsonl (training/export/tables.py item_features). */
const ItemLine = z.object({
  row: z.number().int().min(1),
  id: z.string().min(1),
  title: z.string(),
  categories: z.array(z.string()),
  tags: z.array(z.string()),
  category_rows: z.array(z.number().int().min(0)),
  scalars: z.array(z.number().nullable()),
  count: z.number().min(0),
  decayed: z.number().min(0),
  uses_content: z.boolean(),
  created_at: z.number().int().nullable(),
});

export interface ItemTableShape {
  /** Items + the padding row. */
  rows: number;
  categoryWidth: number;
  scalarNames: readonly string[];
  /** Category vocabulary size incl. row 0. */
  categoryRows: number;
  /**
   * External id of each row (vocab_items.json, row 0 ""), indexed, no id twice: the lines must
   * agree with it, and the catalog takes it over.
   */
  ids: PackedStrings;
}

/**
 * Reads item_features.jsonl into the catalog (ids, titles, categories, tags, arrival time) and
 * the feature arrays, checking every line against the manifest's shapes: rows 1..N in order,
 * the id vocab_items gives that row, category rows inside the vocabulary, S scalars.
 */
export async function readItemFeatures(
  path: string,
  shape: ItemTableShape,
): Promise<{ catalog: ItemCatalog; features: ItemFeatures }> {
  const { rows, categoryWidth: width, scalarNames } = shape;
  const s = scalarNames.length;
  const features: ItemFeatures = {
    categoryWidth: width,
    categories: new Int32Array(rows * width),
    scalarNames,
    scalars: new Float32Array(rows * s).fill(Number.NaN, 0, s), // every line sets its own
    counts: new Float32Array(rows),
    decayed: new Float32Array(rows),
    usesContent: new Uint8Array(rows),
  };
  const catalog = ItemCatalog.withIds(shape.ids);
  let expected = 1;
  const count = await readJsonLines(path, ItemLine, (item, line) => {
    const bad = (why: string) => corrupt(path, `line ${line}: ${why}`);
    if (item.row !== expected) throw bad(`row ${item.row}, expected ${expected}`);
    if (item.row >= rows) throw bad(`row ${item.row} beyond the manifest's ${rows - 1} items`);
    if (!shape.ids.matches(item.row, item.id)) {
      throw bad(`id ${item.id} is not vocab_items[${item.row}]`);
    }
    if (item.category_rows.length !== width) throw bad(`${width} category rows expected`);
    if (item.scalars.length !== s) throw bad(`${s} scalars expected`);
    item.category_rows.forEach((c, j) => {
      if (c >= shape.categoryRows) throw bad(`category row ${c} outside the vocabulary`);
      features.categories[item.row * width + j] = c;
    });
    item.scalars.forEach((v, j) => (features.scalars[item.row * s + j] = v ?? Number.NaN));
    features.counts[item.row] = item.count;
    features.decayed[item.row] = item.decayed;
    features.usesContent[item.row] = item.uses_content ? 1 : 0;
    catalog.describe(item.row, {
      id: item.id,
      title: item.title,
      categories: item.categories,
      tags: item.tags,
      createdAt: item.created_at ?? undefined,
    });
    expected++;
  });
  if (count !== rows - 1) throw corrupt(path, `${count} items, the manifest says ${rows - 1}`);
  return { catalog, features };
}
