import { loadArtifacts, type Artifacts, type Vocabulary } from '@recsys/artifacts';
import { manifest as pb } from '@recsys/contracts';
import { AppError } from '@recsys/errors';
import type { RankerSource } from './loaded-version.js';
import type { RankerTables, StoredHistory, UserTables } from './tables.js';

const NOTHING: { rowOf(value: string): number } = { rowOf: () => 0 };

function invalid(artifacts: Artifacts, why: string): AppError {
  return new AppError('invalid_argument', `ranker: ${artifacts.dir}: ${why}`);
}

/** The ranker's dense columns in model order, from the manifest's ranker `dense` input. */
function denseColumns(artifacts: Artifacts): string[] {
  const model = artifacts.manifest.models.find((m) => m.role === pb.ModelRole.MODEL_ROLE_RANKER);
  const columns = model?.inputs.find((i) => i.name === 'dense')?.columns ?? [];
  if (columns.length === 0) throw invalid(artifacts, 'the manifest names no ranker dense columns');
  return columns;
}

function userTables(artifacts: Artifacts, historyLength: number): UserTables {
  const histories = artifacts.histories;
  if (histories === undefined) {
    return { historyLength, rowOf: () => 0, history: () => undefined };
  }
  // The session features read the history's timestamps; without them they cannot match training.
  const someone = Array.from({ length: Math.min(histories.rowCount, 64) }, (_, r) => r).find(
    (r) => histories.history(r).length > 0,
  );
  if (someone !== undefined && histories.historyTimes(someone).length === 0) {
    throw invalid(artifacts, 'user histories come without user_history_timestamps');
  }
  return {
    historyLength: histories.length,
    rowOf: (userId) => histories.userRow(userId),
    history: (userId): StoredHistory | undefined => {
      const row = histories.userRow(userId);
      if (row === 0) return undefined;
      return { rows: histories.history(row), timestamps: histories.historyTimes(row) };
    },
  };
}

/**
 * What the ranker serves with, from one loaded artifacts version (packages/artifacts):
 * item tables by row, neighbours, histories with their timestamps, vocabularies, the
 * session constants and the ranker's column order, all from the same manifest.
 */
export function rankerSourceOf(artifacts: Artifacts): RankerSource {
  const { manifest, features, vocabularies } = artifacts;
  const session = manifest.session;
  if (session === undefined || session.lastN < 0 || session.gapSeconds <= 0) {
    throw invalid(artifacts, 'the manifest has no session spec (gap, last_n, user_categories)');
  }
  const rankerPath = artifacts.modelPath(pb.ModelRole.MODEL_ROLE_RANKER);
  if (rankerPath === undefined) throw invalid(artifacts, 'the manifest lists no ranker model');
  const nRows = manifest.itemRows || artifacts.embeddings.baseRows;
  const dim = artifacts.embeddings.dim;
  const categories: Vocabulary | undefined = vocabularies.get('categories');
  const tables: RankerTables = {
    items: {
      nRows,
      // Items added to the catalog after training have no row in these tables: out of vocabulary.
      rowOf: (id) => {
        const row = artifacts.items.rowOf(id) ?? 0;
        return row < nRows ? row : 0;
      },
      embeddingDim: dim,
      embeddings: artifacts.embeddings.data.subarray(0, nRows * dim),
      categoryWidth: features.categoryWidth,
      categories: features.categories,
      nCategoryRows: categories?.size ?? 1,
      scalarNames: features.scalarNames,
      scalars: features.scalars,
      counts: features.counts,
      decayed: features.decayed,
      usesContent: features.usesContent,
    },
    neighbours: artifacts.neighbours,
    users: userTables(artifacts, manifest.retrieval?.historyLength || 1),
    devices: vocabularies.get('devices') ?? NOTHING,
    surfaces: vocabularies.get('surfaces') ?? NOTHING,
    session: {
      gapMs: session.gapSeconds * 1000,
      lastN: session.lastN,
      userCategories: session.userCategories,
    },
  };
  return {
    version: artifacts.version,
    tables,
    denseColumns: denseColumns(artifacts),
    rankerPath,
    userTowerPath: artifacts.modelPath(pb.ModelRole.MODEL_ROLE_USER_TOWER),
  };
}

/** Reads a trained folder (its manifest.json and tables) into a RankerSource. */
export async function loadRankerSource(dir: string): Promise<RankerSource> {
  return rankerSourceOf(await loadArtifacts(dir, { histories: true }));
}
