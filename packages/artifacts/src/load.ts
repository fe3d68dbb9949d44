import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { manifest as pb } from '@recsys/contracts';
import { AppError } from '@recsys/errors';
import type { Artifacts } from './artifacts.js';
import {
  assertRowsBelow,
  corrupt,
  readFloat32,
  readInt64AsFloat64,
  readRows,
  type BinaryFormat,
} from './files.js';
import { ItemEmbeddings } from './item-embeddings.js';
import { readItemFeatures } from './item-features.js';
import { ItemNeighbours } from './item-neighbours.js';
import { readManifest } from './manifest.js';
import { PackedStrings } from './packed-strings.js';
import { readStringArray } from './string-array.js';
import { PopularityTable, readPopularity } from './popularity-table.js';
import { UserHistories, type SeenSets } from './user-histories.js';
import { Vocabulary } from './vocabulary.js';

export interface LoadOptions {
  /** Compare every file's sha256 with the manifest. Default false. */
  verify?: boolean;
  /** Load the users' histories (the largest table); the gateway does not need them. */
  histories?: boolean;
}

/**
 * A vocabulary: values by row, row 0 the unknown bucket "", packed and indexed as they are
 * parsed (string-array.ts); `rows` is the count expected. With `unique`, a value listed twice
 * is refused (item ids).
 */
async function readVocab(path: string, rows: number, unique = false): Promise<PackedStrings> {
  // The manifest's row count sizes the table, bounded by the file (3 bytes per value at least).
  const bytes = await stat(path).then(
    (s) => s.size,
    () => 0,
  );
  const values = new PackedStrings(true, Math.min(rows, Math.ceil(bytes / 3)));
  await readStringArray(path, values, unique);
  if (values.get(0) !== '') throw corrupt(path, '0: row 0 must be "" (the unknown bucket)');
  return values;
}

/**
 * Reads one trained folder (training/README.md, "Serving artifacts") into memory, checking
 * every table against the manifest's sizes, so a version is either whole and consistent or
 * rejected with the file and the field at fault. Binary tables are views over the files.
 */
export async function loadArtifacts(dir: string, options: LoadOptions = {}): Promise<Artifacts> {
  const root = resolve(dir);
  const manifest = await readManifest(root, { verify: options.verify ?? false });
  const file = (name: string) => {
    const entry = manifest.artifacts.find((a) => a.name === name);
    return entry === undefined ? undefined : { ...entry, path: join(root, entry.path) };
  };
  const need = (name: string) => {
    const entry = file(name);
    if (entry === undefined) {
      throw new AppError('not_found', `artifacts: ${root}: the manifest lists no "${name}"`);
    }
    return entry;
  };
  const binary = (name: string, want: BinaryFormat) => {
    const entry = need(name);
    if (entry.format !== want)
      throw corrupt(entry.path, `format ${entry.format}, expected ${want}`);
    return entry.path;
  };

  const vocabularies = new Map<string, Vocabulary>();
  await Promise.all(
    manifest.artifacts
      .filter((a) => a.name.startsWith('vocab_') && a.name !== 'vocab_items')
      .map(async (a) => {
        const name = a.name.slice('vocab_'.length);
        const rows = name === 'users' ? manifest.userRows : 0;
        vocabularies.set(name, new Vocabulary(name, await readVocab(join(root, a.path), rows)));
      }),
  );
  const ids = await readVocab(need('vocab_items').path, manifest.itemRows, true);
  const itemRows = manifest.itemRows || ids.length;
  if (ids.length !== itemRows) {
    throw corrupt(need('vocab_items').path, `${ids.length} rows, the manifest says ${itemRows}`);
  }
  const dim = manifest.embeddingDim;
  const neighbourPath = binary('item_neighbours_rows', 'i32le');
  const [vectors, neighbourRows, neighbourScores, items] = await Promise.all([
    readFloat32(binary('item_embeddings', 'f32le'), itemRows * dim),
    readRows(neighbourPath, 'i32le'),
    readFloat32(binary('item_neighbours_scores', 'f32le')),
    readItemFeatures(need('item_features').path, {
      rows: itemRows,
      ids,
      categoryWidth: categoryWidth(manifest),
      scalarNames: scalarNames(manifest),
      categoryRows: vocabularies.get('categories')?.size ?? 1,
    }),
  ]);
  const k = manifest.retrieval?.neighbours || neighbourRows.length / itemRows;
  if (neighbourRows.length !== itemRows * k || neighbourScores.length !== itemRows * k) {
    throw corrupt(neighbourPath, `is not ${itemRows} x ${k} like its scores and the items`);
  }
  await assertRowsBelow(neighbourPath, neighbourRows, itemRows);
  const popularityFile = file('popularity');
  const popularity = popularityFile
    ? await readPopularity(popularityFile.path, itemRows)
    : PopularityTable.fromItemScores(items.catalog, items.features.decayed);

  return {
    dir: root,
    version: manifest.version,
    manifest,
    items: items.catalog,
    embeddings: new ItemEmbeddings(dim, vectors, 0),
    neighbours: new ItemNeighbours(k, neighbourRows, neighbourScores),
    popularity,
    features: items.features,
    histories:
      options.histories === false ? undefined : await readHistories(manifest, vocabularies, binary),
    vocabularies,
    modelPath: (role) => {
      const model = manifest.models.find((m) => m.role === role);
      return model === undefined ? undefined : join(root, model.path);
    },
    indexPath: manifest.index?.path ? join(root, manifest.index.path) : undefined,
  };
}

async function readHistories(
  manifest: pb.ModelManifest,
  vocabularies: ReadonlyMap<string, Vocabulary>,
  binary: (name: string, want: BinaryFormat) => string,
): Promise<UserHistories | undefined> {
  const users = vocabularies.get('users');
  if (users === undefined || !manifest.artifacts.some((a) => a.name === 'user_history_rows')) {
    return undefined;
  }
  const length = historyLength(manifest);
  const userRows = manifest.userRows || users.size;
  const hasTimes = manifest.artifacts.some((a) => a.name === 'user_history_timestamps');
  const [rows, times] = await Promise.all([
    readRows(binary('user_history_rows', 'i32le'), 'i32le', userRows * length),
    hasTimes
      ? readInt64AsFloat64(binary('user_history_timestamps', 'i64le'), userRows * length)
      : undefined,
  ]);
  const itemRows = manifest.itemRows;
  if (itemRows > 0) await assertRowsBelow(binary('user_history_rows', 'i32le'), rows, itemRows);
  const seen = await readSeenSets(manifest, userRows, binary);
  return new UserHistories(users, length, rows, times, 0, seen);
}

/** user_seen_offsets / user_seen_rows when exported, checked as CSR over the user rows. */
async function readSeenSets(
  manifest: pb.ModelManifest,
  userRows: number,
  binary: (name: string, want: BinaryFormat) => string,
): Promise<SeenSets | undefined> {
  if (!manifest.artifacts.some((a) => a.name === 'user_seen_rows')) return undefined;
  const offsetsPath = binary('user_seen_offsets', 'i64le');
  const rowsPath = binary('user_seen_rows', 'i32le');
  const [offsets, rows] = await Promise.all([
    readInt64AsFloat64(offsetsPath, userRows + 1),
    readRows(rowsPath, 'i32le'),
  ]);
  for (let u = 0; u < userRows; u++) {
    const [from, to] = [offsets[u] ?? 0, offsets[u + 1] ?? 0];
    if (from > to || (u === 0 && from !== 0))
      throw corrupt(offsetsPath, `offsets fall at user ${u}`);
  }
  if (offsets[userRows] !== rows.length) {
    throw corrupt(offsetsPath, `ends at ${offsets[userRows]}, ${rowsPath} has ${rows.length} rows`);
  }
  if (manifest.itemRows > 0) await assertRowsBelow(rowsPath, rows, manifest.itemRows);
  return { offsets, rows };
}

/** History positions the user tower reads (manifest.retrieval, else the feature spec). */
export function historyLength(manifest: pb.ModelManifest): number {
  const spec = manifest.features.find((f) => f.name === 'history_rows');
  const length = manifest.retrieval?.historyLength || spec?.length || 0;
  if (length < 1)
    throw new AppError('invalid_argument', 'artifacts: manifest has no history length');
  return length;
}

/** The item tower's input of that name, where the export has an item tower. */
function itemTowerInput(manifest: pb.ModelManifest, name: string): pb.TensorSpec | undefined {
  const tower = manifest.models.find((m) => m.role === pb.ModelRole.MODEL_ROLE_ITEM_TOWER);
  return tower?.inputs.find((i) => i.name === name);
}

/** Category slots per item: the item tower's `categories` width, else the feature spec's. */
function categoryWidth(manifest: pb.ModelManifest): number {
  const width = itemTowerInput(manifest, 'categories')?.shape[1];
  const spec = manifest.features.find((f) => f.name === 'category');
  return (width !== undefined && width > 0 ? width : spec?.length) || 1;
}

/** Scalar columns in model order: the item tower's `scalars.columns`, else `scalar.*` specs. */
function scalarNames(manifest: pb.ModelManifest): string[] {
  const columns = itemTowerInput(manifest, 'scalars')?.columns ?? [];
  if (columns.length > 0) return columns;
  return manifest.features
    .filter((f) => f.name.startsWith('scalar.'))
    .map((f) => f.name.slice('scalar.'.length));
}
