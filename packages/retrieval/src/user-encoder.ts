import { AppError } from '@recsys/errors';
import type { FeedTensor, Feeds, ModelPool, TensorInfo } from '@recsys/onnx-runner';

/** Deadline of the warm-up runs: ONNX Runtime's first-run setup, not a request's budget. */
const WARM_UP_DEADLINE_MS = 30_000;

/** The user tower's inputs for one request (training/models/user_tower.py). */
export interface UserFeatures {
  userRow: number;
  /** Item rows, newest first; padded with 0 to the model's history length. */
  historyRows: readonly number[];
  /** Hour of day + 1 (1..24), 0 unknown. */
  hour: number;
  /** ISO day of week 1..7, 0 unknown. */
  dow: number;
  /** Context vocabulary rows, 0 unknown. */
  device: number;
  surface: number;
}

export interface UserEncoder {
  /** The L2-normalised user embedding. */
  encode(features: UserFeatures, options?: { signal?: AbortSignal }): Promise<Float32Array>;
  close(): Promise<void>;
}

const SCALAR_INPUTS = ['user_row', 'hour', 'dow', 'device', 'surface'] as const;
const INPUTS = [...SCALAR_INPUTS, 'history_rows'] as const;

interface Pending {
  features: UserFeatures;
  resolve: (v: Float32Array) => void;
  reject: (e: unknown) => void;
}

/**
 * The user tower in ONNX worker threads. Requests that arrive in the same event-loop turn go
 * to the model as one batch (up to `maxBatch`), so under load the workers run a few large
 * calls instead of many single-row ones.
 */
export class OnnxUserEncoder implements UserEncoder {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly pool: ModelPool,
    private readonly options: { historyLength: number; dim: number; maxBatch?: number },
  ) {
    checkSignature(pool.inputs);
  }

  encode(features: UserFeatures, { signal }: { signal?: AbortSignal } = {}): Promise<Float32Array> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted === true) return reject(aborted());
      signal?.addEventListener('abort', () => reject(aborted()), { once: true });
      this.pending.push({ features, resolve, reject });
      if (this.pending.length >= (this.options.maxBatch ?? 32)) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /**
   * Runs the model once in every worker (one call each, not batched), so the first requests
   * of a new version do not pay for ONNX Runtime's first-run setup.
   */
  async warmUp(): Promise<void> {
    const blank: UserFeatures = {
      userRow: 0,
      historyRows: [],
      hour: 0,
      dow: 0,
      device: 0,
      surface: 0,
    };
    const { workers } = this.pool.stats();
    // The first run sets ONNX Runtime up, which on a busy machine takes longer than a request's
    // deadline; a warm-up that missed that deadline would stop the service from starting.
    await Promise.all(
      Array.from({ length: workers }, () =>
        this.pool.run(this.feeds([blank]), { deadlineMs: WARM_UP_DEADLINE_MS }),
      ),
    );
  }

  private feeds(rows: readonly UserFeatures[]): Feeds {
    const { historyLength: length } = this.options;
    const n = rows.length;
    const feeds: Feeds = {};
    for (const name of SCALAR_INPUTS) {
      const data = new BigInt64Array(n);
      rows.forEach((f, i) => (data[i] = BigInt(scalarOf(f, name))));
      feeds[name] = tensor(data, [n]);
    }
    const history = new BigInt64Array(n * length);
    rows.forEach((f, i) => {
      const h = f.historyRows;
      for (let j = 0; j < length && j < h.length; j++) history[i * length + j] = BigInt(h[j] ?? 0);
    });
    feeds.history_rows = tensor(history, [n, length]);
    return feeds;
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const { dim } = this.options;
    const n = batch.length;
    this.pool.run(this.feeds(batch.map((p) => p.features))).then(
      (outputs) => {
        const out = outputs.user_embedding ?? Object.values(outputs)[0];
        if (
          out === undefined ||
          !(out.data instanceof Float32Array) ||
          out.data.length !== n * dim
        ) {
          const error = new AppError(
            'internal',
            `user tower returned no [${n}, ${dim}] float32 output`,
          );
          for (const p of batch) p.reject(error);
          return;
        }
        const data = out.data;
        batch.forEach((p, i) => p.resolve(data.slice(i * dim, (i + 1) * dim)));
      },
      (err: unknown) => {
        for (const p of batch) p.reject(err);
      },
    );
  }
}

function scalarOf(f: UserFeatures, name: (typeof SCALAR_INPUTS)[number]): number {
  switch (name) {
    case 'user_row':
      return f.userRow;
    case 'hour':
      return f.hour;
    case 'dow':
      return f.dow;
    case 'device':
      return f.device;
    case 'surface':
      return f.surface;
  }
}

function tensor(data: BigInt64Array, dims: number[]): FeedTensor {
  return { data, dims };
}

function aborted(): AppError {
  return new AppError('deadline_exceeded', 'user tower call abandoned at its deadline');
}

/** Fails at load, naming the difference, when the model is not the user tower serving expects. */
export function checkSignature(inputs: readonly TensorInfo[]): void {
  const names = inputs.map((i) => i.name).sort();
  const want = [...INPUTS].sort();
  const bad = inputs.find((i) => i.type !== 'int64');
  if (names.join() !== want.join() || bad !== undefined) {
    const got = inputs.map((i) => `${i.name}:${i.type}`).join(', ');
    throw new AppError(
      'invalid_argument',
      `user tower inputs are [${got}]; serving feeds int64 ${want.join(', ')}`,
    );
  }
}
