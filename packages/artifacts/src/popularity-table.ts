import { z } from 'zod';
import { corrupt, readJson } from './files.js';
import type { ItemCatalog } from './item-catalog.js';

/** Where a popularity list applies: everyone, one category, one region or one device class. */
export type PopularityScope =
  { kind: 'global' } | { kind: 'category' | 'region' | 'device'; name: string };

/** Item rows, most popular first, with their (decayed) interaction scores. */
export interface RankedRows {
  rows: Int32Array;
  scores: Float32Array;
}

export function scopeKey(scope: PopularityScope): string {
  return scope.kind === 'global' ? 'global' : `${scope.kind}:${scope.name}`;
}

/**
 * Popularity lists from training: global, per category, per region and per device where the
 * data has them. Each list is sorted once at load; a read is a map lookup and a view.
 */
export class PopularityTable {
  constructor(private readonly lists: ReadonlyMap<string, RankedRows>) {}

  /** The list of a scope; undefined when training saw no such category, region or device. */
  get(scope: PopularityScope): RankedRows | undefined {
    return this.lists.get(scopeKey(scope));
  }

  /** Scope keys present, e.g. "global", "category:Drama", "region:eu". */
  scopes(): string[] {
    return [...this.lists.keys()];
  }

  /**
   * Global and per-category lists from one score per item row (e.g. the trainer's time-decayed
   * interaction counts): the fallback when the export has no popularity lists of its own.
   */
  static fromItemScores(catalog: ItemCatalog, scores: ArrayLike<number>): PopularityTable {
    const byScope = new Map<string, number[]>([['global', []]]);
    for (let row = 1; row < catalog.rowCount && row < scores.length; row++) {
      if (!((scores[row] ?? 0) > 0)) continue;
      byScope.get('global')?.push(row);
      for (const category of catalog.categories(row)) {
        const key = scopeKey({ kind: 'category', name: category });
        const list = byScope.get(key);
        if (list === undefined) byScope.set(key, [row]);
        else list.push(row);
      }
    }
    const lists = new Map<string, RankedRows>();
    for (const [key, rows] of byScope) lists.set(key, ranked(rows, scores));
    return new PopularityTable(lists);
  }
}

/** Rows sorted by score, best first; ties to the lower row so results are deterministic. */
export function ranked(rows: number[], scores: ArrayLike<number>): RankedRows {
  rows.sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0) || a - b);
  return {
    rows: Int32Array.from(rows),
    scores: Float32Array.from(rows, (r) => scores[r] ?? 0),
  };
}

const Ranked = z.array(z.tuple([z.number().int().min(1), z.number()]));

/** popularity.json (training/export/tables.py popularity): [row, score] lists, best first. */
const PopularityFile = z.object({
  half_life_days: z.number().positive(),
  reference_ms: z.number().int(),
  global: Ranked,
  category: z.record(z.string(), Ranked).default({}),
  region: z.record(z.string(), Ranked).default({}),
  device: z.record(z.string(), Ranked).default({}),
});

/** Reads the exported popularity lists, checking every row against the item table. */
export async function readPopularity(path: string, itemRows: number): Promise<PopularityTable> {
  const file = await readJson(path, PopularityFile);
  const lists = new Map<string, RankedRows>();
  const add = (key: string, pairs: [number, number][]) => {
    const bad = pairs.find(([row]) => row >= itemRows);
    if (bad !== undefined) throw corrupt(path, `${key}: row ${bad[0]} beyond the item table`);
    lists.set(key, {
      rows: Int32Array.from(pairs, ([row]) => row),
      scores: Float32Array.from(pairs, ([, score]) => score),
    });
  };
  add('global', file.global);
  for (const kind of ['category', 'region', 'device'] as const) {
    for (const [name, pairs] of Object.entries(file[kind])) add(scopeKey({ kind, name }), pairs);
  }
  return new PopularityTable(lists);
}
