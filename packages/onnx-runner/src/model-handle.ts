import { AppError } from '@recsys/errors';
import { ModelPool } from './model-pool.js';
import type { ModelPoolOptions, PoolStats, RunOptions } from './pool-options.js';
import { formatDims, sameSignature, type Feeds, type Outputs, type TensorInfo } from './tensor.js';

export interface SwapOptions {
  /** Accept a model whose inputs or outputs differ from the current one. Default false. */
  allowSignatureChange?: boolean;
}

function describe(infos: readonly TensorInfo[]): string {
  return infos.map((i) => `${i.name}:${i.type}${formatDims(i.dims)}`).join(', ');
}

/**
 * The model a service serves, swappable while it serves. A swap loads the new
 * pool beside the old one, switches in one synchronous step, then closes the old
 * pool, which finishes the calls it already holds: no call is dropped and none
 * sees a half-loaded model. If the new model fails to load, the old one stays.
 */
export class ModelHandle {
  private swapping: Promise<void> = Promise.resolve();

  private constructor(private current: ModelPool) {}

  static async open(options: ModelPoolOptions): Promise<ModelHandle> {
    return new ModelHandle(await ModelPool.open(options));
  }

  /** The pool calls go to now; changes on swap. */
  get pool(): ModelPool {
    return this.current;
  }

  get path(): string {
    return this.current.path;
  }

  get inputs(): readonly TensorInfo[] {
    return this.current.inputs;
  }

  get outputs(): readonly TensorInfo[] {
    return this.current.outputs;
  }

  run(feeds: Feeds, options?: RunOptions): Promise<Outputs> {
    return this.current.run(feeds, options);
  }

  stats(): PoolStats {
    return this.current.stats();
  }

  /**
   * Loads `options.path` and makes it current. Resolves once the old pool has
   * drained and closed. Swaps queue behind each other, never overlap.
   */
  swap(
    options: ModelPoolOptions,
    { allowSignatureChange = false }: SwapOptions = {},
  ): Promise<void> {
    const next = this.swapping.then(async () => {
      const pool = await ModelPool.open(options);
      const old = this.current;
      const same =
        sameSignature(pool.inputs, old.inputs) && sameSignature(pool.outputs, old.outputs);
      if (!same && !allowSignatureChange) {
        await pool.close();
        throw new AppError(
          'invalid_argument',
          `${pool.path} has a different signature (inputs ${describe(pool.inputs)}; ` +
            `outputs ${describe(pool.outputs)}) from ${old.path} (inputs ${describe(old.inputs)}; ` +
            `outputs ${describe(old.outputs)}); pass allowSignatureChange to swap anyway`,
        );
      }
      this.current = pool;
      await old.close();
    });
    // A failed swap leaves the handle usable for the next one.
    this.swapping = next.catch(() => undefined);
    return next;
  }

  /** Waits for a swap in progress, then drains and closes the current pool. */
  async close(options?: { timeoutMs?: number }): Promise<void> {
    await this.swapping;
    await this.current.close(options);
  }
}
