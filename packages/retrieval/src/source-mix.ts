import { z } from 'zod';

/** Every candidate source the retriever knows, by the name config uses. */
export const SOURCE_NAMES = [
  'ann',
  'session_i2i',
  'popular',
  'fresh',
  'seed_i2i',
  'seed_ann',
  'search',
  'email_digest',
] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/** One source of a surface's mix and how many candidates it contributes at most. */
export interface SourceSpec {
  name: SourceName;
  count: number;
}

/** Source mixes by surface; `cold_start` replaces `home` for users with no history at all. */
export type SurfaceMixes = Readonly<Record<string, readonly SourceSpec[]>>;

export const COLD_START = 'cold_start';

/**
 * The shipped mixes: the order is the tie-break order of the merge. Counts add up to more than
 * the usual limit of 1,000, since sources overlap; the merge keeps each source's share.
 */
export const DEFAULT_MIXES = {
  home: 'ann:800,session_i2i:300,popular:200,fresh:100',
  more_like_this: 'seed_i2i:300,seed_ann:500,ann:200',
  search: 'search:1000',
  email_digest: 'email_digest:600,ann:400',
  [COLD_START]: 'popular:700,fresh:100,ann:200',
} as const;

const MAX_COUNT = 5_000;

/**
 * A mix written as `name:count,name:count`. Unknown names, bad counts and repeats are config
 * errors naming the offender, so a typo stops the process at boot instead of silently serving
 * fewer candidates (gorse's recommender list, checked earlier).
 */
export const SourceMix = z.string().transform((text, ctx): SourceSpec[] => {
  const specs: SourceSpec[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const [name = '', countText, ...rest] = part.split(':').map((p) => p.trim());
    const count = Number(countText);
    if (!(SOURCE_NAMES as readonly string[]).includes(name)) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown candidate source "${name}"; known: ${SOURCE_NAMES.join(', ')}`,
      });
      return z.NEVER;
    }
    if (rest.length > 0 || !Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
      ctx.addIssue({
        code: 'custom',
        message: `"${part}": write name:count with a count in 1..${MAX_COUNT}`,
      });
      return z.NEVER;
    }
    if (specs.some((s) => s.name === name)) {
      ctx.addIssue({ code: 'custom', message: `candidate source "${name}" is listed twice` });
      return z.NEVER;
    }
    specs.push({ name: name as SourceName, count });
  }
  if (specs.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'a surface needs at least one source' });
    return z.NEVER;
  }
  return specs;
});

/** Parses a mix outside a zod schema; throws an Error naming `where`. */
export function parseMix(text: string, where: string): SourceSpec[] {
  const parsed = SourceMix.safeParse(text);
  if (parsed.success) return parsed.data;
  throw new Error(`${where}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
}

/** The shipped mixes, parsed. */
export function defaultMixes(): Record<string, SourceSpec[]> {
  return Object.fromEntries(
    Object.entries(DEFAULT_MIXES).map(([surface, text]) => [surface, parseMix(text, surface)]),
  );
}
