import type { Surface } from './config.js';
import type { ItemTitles } from './items.js';

/** What a reason may mention besides the item's own sources. */
export interface ExplainContext {
  surface: Surface;
  query?: string;
  seedItemId?: string;
  region?: string;
  titles?: ItemTitles;
}

type Kind = 'explore' | 'search' | 'item_to_item' | 'fresh' | 'popular' | 'personal';

// Source names are chosen by the candidates configuration; they are matched
// by the words in them, so "session_i2i" and "item2item" read the same. The
// order is the preference when several sources produced one item: the most
// specific story wins, and "Recommended for you" is the last resort.
const FAMILIES: Array<[Kind, ReadonlySet<string>]> = [
  ['explore', new Set(['exploration'])],
  ['search', new Set(['search', 'query', 'text'])],
  [
    'item_to_item',
    new Set(['session', 'i2i', 'item2item', 'itemtoitem', 'similar', 'seed', 'covisit']),
  ],
  ['fresh', new Set(['fresh', 'new', 'recent'])],
  ['popular', new Set(['popular', 'popularity', 'trending'])],
];

function kindOf(sources: readonly string[]): Kind {
  const words = new Set(
    sources.flatMap((s) => {
      const lower = s.toLowerCase();
      return [lower.replace(/[^a-z0-9]/g, ''), ...lower.split(/[^a-z0-9]+/)];
    }),
  );
  for (const [kind, names] of FAMILIES) {
    for (const word of words) if (names.has(word)) return kind;
  }
  return 'personal';
}

/** A short human-readable reason for showing an item, derived from its sources. */
export function explain(
  candidate: { sources: readonly string[]; viaItemId?: string },
  ctx: ExplainContext,
): string {
  const name = (itemId: string) => {
    const title = ctx.titles?.get(itemId);
    return title ? `"${title}"` : `item ${itemId}`;
  };
  switch (kindOf(candidate.sources)) {
    case 'explore':
      return 'New to the catalog: tell us what you think';
    case 'search':
      return ctx.query ? `Matches "${ctx.query}"` : 'Matches your search';
    case 'item_to_item': {
      const via = candidate.viaItemId || ctx.seedItemId;
      if (ctx.surface === 'more_like_this' && ctx.seedItemId && via === ctx.seedItemId) {
        return `Similar to ${name(ctx.seedItemId)}`;
      }
      return via ? `Because you watched ${name(via)}` : 'Because of what you watched recently';
    }
    case 'fresh':
      return 'New arrival';
    case 'popular':
      return ctx.region ? 'Popular in your region' : 'Popular right now';
    case 'personal':
      return ctx.surface === 'more_like_this' && ctx.seedItemId
        ? `Picked for you, like ${name(ctx.seedItemId)}`
        : 'Recommended for you';
  }
}
