import type { Artifacts } from '@recsys/artifacts';
import { AppError } from '@recsys/errors';
import type { ItemContentInput } from './item-content.js';

/** What the content encoder and the ranker read for one item, derived from content with one version's vocabularies. */
export interface ItemInputs {
  /** [C] category rows in first-seen order, unknown ones dropped, 0-padded. */
  categoryRows: Int32Array;
  /** [S] raw scalars in the version's `scalarNames` order, NaN unknown. */
  scalars: Float32Array;
}

// Scalars every catalog derives from content (training's DERIVED_SCALARS); they win over a
// numeric field of the same name, as in content_scalars.
const DERIVED: Record<string, (c: ItemContentInput) => number> = {
  tag_count: (c) => new Set(c.tags).size,
  category_count: (c) => new Set(c.categories).size,
};

/**
 * One item's category rows and scalars as training's `category_rows` and `content_scalars`
 * (training/src/recsys_training/features/item_table.py) compute them, with the vocabulary,
 * category width and scalar order of `artifacts`.
 */
export function itemInputs(content: ItemContentInput, artifacts: Artifacts): ItemInputs {
  const vocabulary = artifacts.vocabularies.get('categories');
  if (vocabulary === undefined) {
    throw new AppError(
      'invalid_argument',
      `artifacts ${artifacts.version}: no categories vocabulary`,
    );
  }
  const { categoryWidth, scalarNames } = artifacts.features;
  const categoryRows = new Int32Array(categoryWidth);
  let n = 0;
  for (const category of content.categories) {
    if (n >= categoryWidth) break;
    const row = vocabulary.rowOf(category);
    if (row === 0 || categoryRows.subarray(0, n).includes(row)) continue;
    categoryRows[n++] = row;
  }
  const scalars = new Float32Array(scalarNames.length);
  scalarNames.forEach((name, j) => {
    const derived = DERIVED[name];
    if (derived !== undefined) scalars[j] = derived(content);
    else scalars[j] = Object.hasOwn(content.numeric, name) ? (content.numeric[name] ?? NaN) : NaN;
  });
  return { categoryRows, scalars };
}
