import { z } from 'zod';

/** A catalog item's content: everything a cold item is embedded from (no id, no interactions). */
export interface ItemContentInput {
  title: string;
  categories: string[];
  tags: string[];
  /** The dataset's numeric fields by name (e.g. year, duration_s); absent ones are unknown. */
  numeric: Record<string, number>;
}

/**
 * The checks embed() applies to what arrives from outside (a catalog event): strings, lists of
 * strings and finite numbers. A missing title or list reads as empty, so a bare item still
 * embeds (from its categories, scalars, or nothing at all).
 */
export const ItemContent = z.object({
  title: z.string().default(''),
  categories: z.array(z.string()).default([]),
  tags: z.array(z.string()).default([]),
  numeric: z.record(z.string(), z.number()).default({}),
});
