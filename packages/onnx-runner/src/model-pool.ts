import { AppError, toAppError } from '@recsys/errors';
import { z } from 'zod';
import { checkFeeds } from './check-feeds.js';
import { ModelWorker } from './model-worker.js';
import {
  PoolOptions,
  type ModelPoolOptions,
  type PoolSettings,
  type PoolStats,
  type RunOptions,
} from './pool-options.js';
import { transferListOf, type WorkerConfig } from './protocol.js';
import {
  sameSignature,
  type Feeds,
  type OutputTensor,
  type Outputs,
  type TensorInfo,
} from './tensor.js';

interface Job {
  feeds: Record<string, OutputTensor>;
  transfer: ArrayBuffer[];
  resolve: (outputs: Outputs) => void;
  reject: (err: Error) => void;
  cleanup: () => void;
  settled: boolean;
}

const unavailable = (message: string) => new AppError('unavailable', message);
const RESPAWN_MS = { first: 250, max: 30_000 };

/**
 * One ONNX model loaded in N worker threads. Calls go to the least busy worker
 * (at most `perWorker` posted to each, so a worker never idles while a result
 * travels back), wait in a bounded queue when all are full, and fail fast with a
 * retryable error when the queue is full. A worker that dies is replaced.
 */
export class ModelPool {
  private readonly queue: Job[] = [];
  private restarts = 0;
  private closing: Promise<void> | undefined;
  private stopped = false;
  private drained: (() => void) | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    readonly path: string,
    private readonly config: WorkerConfig,
    private readonly settings: PoolSettings,
    private readonly slots: (ModelWorker | undefined)[],
    readonly inputs: readonly TensorInfo[],
    readonly outputs: readonly TensorInfo[],
  ) {}

  /** Loads the model in every worker; rejects, leaving nothing running, if any fails. */
  static async open(options: ModelPoolOptions): Promise<ModelPool> {
    const parsed = PoolOptions.safeParse(options);
    if (!parsed.success) {
      throw new AppError('invalid_argument', `ModelPool options: ${z.prettifyError(parsed.error)}`);
    }
    const settings = parsed.data;
    const config: WorkerConfig = {
      path: settings.path,
      intraOpThreads: settings.intraOpThreads,
      interOpThreads: settings.interOpThreads,
    };
    // Workers report crashes to the pool, which exists only once they all load.
    const built: { pool?: ModelPool } = {};
    const started = await Promise.allSettled(
      Array.from({ length: settings.workers }, (_, i) =>
        ModelWorker.spawn(config, (message) => built.pool?.crashed(i, message)),
      ),
    );
    const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failure = started.find((s) => s.status === 'rejected');
    const first = workers[0];
    if (failure !== undefined || first === undefined) {
      await Promise.all(workers.map((w) => w.close()));
      throw failure?.reason ?? new AppError('internal', 'no ONNX worker started');
    }
    built.pool = new ModelPool(
      settings.path,
      config,
      settings,
      workers,
      first.inputs,
      first.outputs,
    );
    return built.pool;
  }

  /** Runs the model on one batch. Feeds are checked here, before they leave the thread. */
  run(feeds: Feeds, options: RunOptions = {}): Promise<Outputs> {
    try {
      if (this.closing !== undefined) throw unavailable('the ONNX model pool is closed');
      checkFeeds(feeds, this.inputs);
    } catch (err) {
      return Promise.reject(toAppError(err));
    }
    const wire: Record<string, OutputTensor> = {};
    for (const { name, type } of this.inputs) {
      const feed = feeds[name] as Feeds[string];
      wire[name] = { type, data: feed.data, dims: [...feed.dims] };
    }
    const transfer = options.transfer === false ? [] : transferListOf(Object.values(wire));
    return new Promise<Outputs>((resolve, reject) => {
      const job: Job = {
        feeds: wire,
        transfer,
        resolve,
        reject,
        cleanup: () => {},
        settled: false,
      };
      const deadlineMs = options.deadlineMs ?? this.settings.deadlineMs;
      const timer =
        deadlineMs === undefined
          ? undefined
          : setTimeout(() => {
              const message = `ONNX model call passed its ${deadlineMs} ms deadline`;
              this.fail(job, new AppError('deadline_exceeded', message));
            }, deadlineMs);
      const signal = options.signal;
      const onAbort = () => this.fail(job, new AppError('unavailable', 'ONNX model call aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      job.cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      if (signal?.aborted === true) return onAbort();
      const worker = this.pick();
      if (worker !== undefined) this.dispatch(worker, job);
      else if (this.queue.length < this.settings.maxQueue) this.queue.push(job);
      else {
        const message = `ONNX model pool is full (${this.settings.maxQueue} calls waiting)`;
        this.fail(job, unavailable(message));
      }
    });
  }

  stats(): PoolStats {
    const started = this.slots.filter((w): w is ModelWorker => w !== undefined);
    return {
      workers: this.slots.length,
      ready: started.filter((w) => w.alive).length,
      inFlight: started.reduce((n, w) => n + w.inFlight, 0),
      queued: this.queue.length,
      restarts: this.restarts,
    };
  }

  /**
   * Stops taking calls, lets queued and running ones finish (up to `timeoutMs`,
   * after which the rest fail as retryable), then ends the workers.
   */
  close({ timeoutMs = 30_000 }: { timeoutMs?: number } = {}): Promise<void> {
    this.closing ??= this.shutdown(timeoutMs);
    return this.closing;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.drained = resolve;
      timer = setTimeout(resolve, timeoutMs);
      this.checkDrained();
    });
    clearTimeout(timer);
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    for (const job of [...this.queue]) this.fail(job, unavailable('the ONNX model pool closed'));
    await Promise.all(this.slots.flatMap((w) => (w === undefined ? [] : [w.close()])));
  }

  private pick(): ModelWorker | undefined {
    let best: ModelWorker | undefined;
    for (const w of this.slots) {
      if (w?.alive !== true || w.inFlight >= this.settings.perWorker) continue;
      if (best === undefined || w.inFlight < best.inFlight) best = w;
    }
    return best;
  }

  private dispatch(worker: ModelWorker, job: Job): void {
    // Either way the worker has a free slot again, whether or not the caller still waits.
    worker.run(job.feeds, job.transfer).then(
      (outputs) => {
        if (!job.settled) {
          job.settled = true;
          job.cleanup();
          job.resolve(outputs);
        }
        this.pump();
      },
      (err: Error) => {
        this.fail(job, err);
        this.pump();
      },
    );
  }

  private pump(): void {
    for (let w = this.pick(); w !== undefined && this.queue.length > 0; w = this.pick()) {
      this.dispatch(w, this.queue.shift() as Job);
    }
    this.checkDrained();
  }

  private fail(job: Job, err: Error): void {
    if (job.settled) return;
    job.settled = true;
    job.cleanup();
    const queued = this.queue.indexOf(job);
    if (queued >= 0) this.queue.splice(queued, 1);
    job.reject(err);
    this.checkDrained();
  }

  private checkDrained(): void {
    if (this.drained !== undefined && this.queue.length === 0 && this.stats().inFlight === 0) {
      this.drained();
    }
  }

  private crashed(index: number, message: string): void {
    this.slots[index] = undefined;
    this.settings.onEvent?.({ kind: 'worker_crashed', worker: index, message });
    if (this.stopped) return;
    this.restarts++;
    this.respawn(index, 0);
    this.checkDrained();
  }

  private respawn(index: number, attempt: number): void {
    ModelWorker.spawn(this.config, (message) => this.crashed(index, message))
      .then(async (worker) => {
        if (this.stopped) return worker.close();
        if (
          !sameSignature(worker.inputs, this.inputs) ||
          !sameSignature(worker.outputs, this.outputs)
        ) {
          await worker.close();
          throw new Error(`${this.path} changed its inputs or outputs since the pool opened`);
        }
        this.slots[index] = worker;
        this.settings.onEvent?.({ kind: 'worker_replaced', worker: index, message: 'ready' });
        this.pump();
      })
      .catch((err: Error) => {
        this.settings.onEvent?.({
          kind: 'worker_replace_failed',
          worker: index,
          message: err.message,
        });
        if (this.slots.every((w) => w === undefined)) {
          const down = unavailable(`no ONNX worker is running: ${err.message}`);
          for (const job of [...this.queue]) this.fail(job, down);
        }
        if (this.stopped) return;
        const delay = Math.min(RESPAWN_MS.max, RESPAWN_MS.first * 2 ** attempt);
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.respawn(index, attempt + 1);
        }, delay);
        this.timers.add(timer);
      });
  }
}
