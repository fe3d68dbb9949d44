import type { ItemContentInput } from './item-content.js';

// Python's str.strip() whitespace (str.isspace): Unicode White_Space plus the ASCII
// separators \x1c-\x1f. JS trim() differs (it strips U+FEFF, keeps \x1c-\x1f), and the text
// must match training's byte for byte, since its hash or tokens are the embedding.
// eslint-disable-next-line no-control-regex -- the separators are the point
const PY_SPACE = /^[\p{White_Space}\x1c-\x1f]+|[\p{White_Space}\x1c-\x1f]+$/gu;

/** `str.strip()` as Python does it. */
export function pyStrip(s: string): string {
  return s.replace(PY_SPACE, '');
}

/**
 * The one text an item is embedded from, as training's `item_text`
 * (training/src/recsys_training/text.py): 'title. cat1, cat2. tag1, tag2' with the title
 * stripped, tags stripped, empty and repeated tags dropped (first kept), at most `maxTags`.
 * Categories go in as given.
 */
export function itemText(
  content: Pick<ItemContentInput, 'title' | 'categories' | 'tags'>,
  maxTags: number,
): string {
  const tags: string[] = [];
  const seen = new Set<string>();
  for (const raw of content.tags) {
    if (tags.length >= maxTags) break;
    const tag = pyStrip(raw);
    if (tag === '' || seen.has(tag)) continue;
    seen.add(tag);
    tags.push(tag);
  }
  return `${pyStrip(content.title)}. ${content.categories.join(', ')}. ${tags.join(', ')}`;
}
