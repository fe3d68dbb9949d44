import { AppError } from '@recsys/errors';
import { ModelPool, type ModelPoolOptions, type TensorInfo } from '@recsys/onnx-runner';
import { densePlan, type DensePlan } from './dense-features.js';
import { LiveItemTables } from './live-items.js';
import { checkTables, type RankerTables } from './tables.js';

/** One artifacts version as the ranker needs it; packages/artifacts builds it from a folder. */
export interface RankerSource {
  version: string;
  tables: RankerTables;
  /** The ranker's dense columns in model order (the manifest's `dense` input columns). */
  denseColumns: readonly string[];
  rankerPath: string;
  /** Needed when the columns include retrieval_score. */
  userTowerPath?: string;
}

export type PoolSettings = Omit<ModelPoolOptions, 'path'>;

const RANKER_INPUTS = [
  'dense',
  'item_row',
  'item_categories',
  'user_categories',
  'hour',
  'dow',
  'device',
  'surface',
];
const TOWER_INPUTS = ['user_row', 'history_rows', 'hour', 'dow', 'device', 'surface'];

function expectInputs(path: string, inputs: readonly TensorInfo[], names: string[]): void {
  const got = inputs.map((i) => i.name);
  if (got.length !== names.length || !names.every((n) => got.includes(n))) {
    throw new AppError(
      'invalid_argument',
      `${path}: inputs [${got.join(', ')}] are not the expected [${names.join(', ')}]`,
    );
  }
}

/**
 * Tables, feature plan and model pools of one version, opened and checked
 * together. A request leases one (Live from @recsys/artifacts), so it never
 * mixes the tables of one version with the model of another.
 */
export class LoadedVersion {
  private constructor(
    readonly version: string,
    readonly tables: RankerTables & { items: LiveItemTables },
    readonly plan: DensePlan,
    readonly ranker: ModelPool,
    readonly userTower: ModelPool | undefined,
  ) {}

  static async open(source: RankerSource, pool: PoolSettings): Promise<LoadedVersion> {
    checkTables(source.tables);
    const plan = densePlan(source.denseColumns, source.tables.items);
    if (plan.needsUserEmbedding && source.userTowerPath === undefined) {
      throw new AppError('invalid_argument', 'ranker reads retrieval_score but has no user tower');
    }
    const ranker = await ModelPool.open({ ...pool, path: source.rankerPath });
    let tower: ModelPool | undefined;
    try {
      expectInputs(source.rankerPath, ranker.inputs, RANKER_INPUTS);
      const width = ranker.inputs.find((i) => i.name === 'dense')?.dims[1];
      if (typeof width === 'number' && width >= 0 && width !== plan.columns.length) {
        throw new AppError(
          'invalid_argument',
          `${source.rankerPath}: dense has ${width} columns, the manifest names ${plan.columns.length}`,
        );
      }
      if (plan.needsUserEmbedding && source.userTowerPath !== undefined) {
        // One call per request at batch 1: a single worker keeps up with the ranker's pool.
        tower = await ModelPool.open({ ...pool, workers: 1, path: source.userTowerPath });
        expectInputs(source.userTowerPath, tower.inputs, TOWER_INPUTS);
      }
    } catch (err) {
      await Promise.all([ranker.close(), tower?.close()]);
      throw err;
    }
    const tables = { ...source.tables, items: new LiveItemTables(source.tables.items) };
    return new LoadedVersion(source.version, tables, plan, ranker, tower);
  }

  /** Finishes the calls the pools hold, then stops their workers. */
  async close(): Promise<void> {
    await Promise.all([this.ranker.close(), this.userTower?.close()]);
  }
}
