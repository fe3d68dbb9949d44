import { endianness } from 'node:os';
import type { common } from '@recsys/contracts';
import type { Feeds } from '@recsys/onnx-runner';
import type { RankerTables } from './tables.js';
import type { UserFeatures } from './user-features.js';

/** Request context as model inputs (training/src/recsys_training/context.py). */
export interface ContextRows {
  /** Hour of day + 1 (1..24), 0 unknown. */
  hour: number;
  /** ISO day of week 1..7, 0 unknown. */
  dow: number;
  /** Device and surface vocabulary rows, 0 unknown. */
  device: number;
  surface: number;
}

/**
 * hour_of_day has no "unknown" value on the wire (0 is midnight), so the time
 * counts as known only with a day of week, which the gateway always sends with it.
 */
export function contextRows(
  surface: string,
  context: common.RequestContext | undefined,
  tables: RankerTables,
): ContextRows {
  const dow = context?.dayOfWeek ?? 0;
  const hour = context?.hourOfDay ?? -1;
  const timeKnown = dow >= 1 && dow <= 7 && hour >= 0 && hour <= 23;
  const device = context?.device ?? '';
  return {
    hour: timeKnown ? hour + 1 : 0,
    dow: timeKnown ? dow : 0,
    device: device === '' ? 0 : tables.devices.rowOf(device),
    surface: surface === '' ? 0 : tables.surfaces.rowOf(surface),
  };
}

if (endianness() !== 'LE') throw new Error('@recsys/ranker writes int64 ids little-endian');

/** An Int32 view whose even elements are the low halves of `ids` (little-endian). */
function low32(ids: BigInt64Array): Int32Array {
  return new Int32Array(ids.buffer, ids.byteOffset, ids.length * 2);
}

/**
 * The Wide&Deep model's inputs for one request's candidates (models/ranker.py):
 * the dense matrix plus the ids of the wide and embedding parts, one row per
 * candidate. User and context ids repeat on every row.
 */
export function rankerFeeds(
  dense: Float32Array,
  width: number,
  candidates: Int32Array,
  user: UserFeatures,
  context: ContextRows,
  tables: RankerTables,
): Feeds {
  const b = candidates.length;
  const { categories, categoryWidth: c } = tables.items;
  const u = user.topCategories.length;
  const itemRow = new BigInt64Array(b);
  const itemCategories = new BigInt64Array(b * c);
  const userCategories = new BigInt64Array(b * u);
  // Ids are small and non-negative: writing the low 32 bits through an Int32 view (the
  // arrays start zeroed) skips a BigInt allocation per value on this per-request path.
  const rowLow = low32(itemRow);
  const catLow = low32(itemCategories);
  const userLow = low32(userCategories);
  const modelRows = tables.items.modelRows ?? tables.items.nRows;
  for (let i = 0; i < b; i++) {
    const row = candidates[i]!;
    rowLow[2 * i] = row < modelRows ? row : 0;
    for (let j = 0; j < c; j++) catLow[2 * (i * c + j)] = categories[row * c + j]!;
    for (let j = 0; j < u; j++) userLow[2 * (i * u + j)] = user.topCategories[j]!;
  }
  const repeated = (value: number) => ({
    data: new BigInt64Array(b).fill(BigInt(value)),
    dims: [b],
  });
  return {
    dense: { data: dense, dims: [b, width] },
    item_row: { data: itemRow, dims: [b] },
    item_categories: { data: itemCategories, dims: [b, c] },
    user_categories: { data: userCategories, dims: [b, u] },
    hour: repeated(context.hour),
    dow: repeated(context.dow),
    device: repeated(context.device),
    surface: repeated(context.surface),
  };
}

/** The user tower's inputs for one user (models/user_tower.py). */
export function userTowerFeeds(userRow: number, rows: Int32Array, context: ContextRows): Feeds {
  const one = (value: number) => ({ data: BigInt64Array.of(BigInt(value)), dims: [1] });
  return {
    user_row: one(userRow),
    history_rows: { data: BigInt64Array.from(rows, BigInt), dims: [1, rows.length] },
    hour: one(context.hour),
    dow: one(context.dow),
    device: one(context.device),
    surface: one(context.surface),
  };
}
