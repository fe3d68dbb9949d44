import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '@recsys/errors';
import type { FromWorker, ToWorker, WorkerConfig } from './protocol.js';
import type { OutputTensor, Outputs, TensorInfo } from './tensor.js';

const CLOSE_GRACE_MS = 30_000;

/**
 * The compiled worker entry. Under vitest this module is the .ts source, and a
 * worker thread cannot load TypeScript, so it runs the built copy in dist/.
 */
function workerFile(): string {
  const here = import.meta.url;
  const url = here.endsWith('.ts')
    ? new URL('../dist/worker.js', here)
    : new URL('./worker.js', here);
  const file = fileURLToPath(url);
  if (!existsSync(file)) {
    throw new Error(`onnx-runner worker not built at ${file}; run \`pnpm exec tsc -b\` first`);
  }
  return file;
}

interface Pending {
  resolve: (outputs: Outputs) => void;
  reject: (err: Error) => void;
}

/**
 * One worker thread holding one ONNX Runtime session. It reports its own death:
 * calls in flight when the thread exits uninvited are rejected as retryable and
 * `onCrash` tells the pool to replace it.
 */
export class ModelWorker {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closing = false;
  private dead = false;
  private lastError: Error | undefined;
  private readonly exited: Promise<number>;
  /** Kept because Worker.threadId reads -1 once the thread has exited. */
  readonly threadId: number;

  private constructor(
    private readonly worker: Worker,
    readonly inputs: TensorInfo[],
    readonly outputs: TensorInfo[],
    onCrash: (message: string) => void,
  ) {
    this.threadId = worker.threadId;
    this.exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('error', (err) => (this.lastError = err));
    void this.exited.then((code) => {
      this.dead = true;
      if (this.closing) return this.rejectAll('the model pool closed before the call finished');
      const reason = this.lastError ? `: ${this.lastError.message}` : '';
      const message = `onnx worker ${this.threadId} exited with code ${code}${reason}`;
      this.rejectAll(`${message}; the call was lost and may be retried`);
      onCrash(message);
    });
  }

  /** Starts a worker and resolves once its session has loaded the model. */
  static spawn(config: WorkerConfig, onCrash: (message: string) => void): Promise<ModelWorker> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(workerFile(), { workerData: config });
      const detach = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const fail = (message: string) => {
        detach();
        worker.postMessage({ kind: 'exit' } satisfies ToWorker); // never terminate(), see kill()
        reject(new AppError('internal', `cannot load ONNX model ${config.path}: ${message}`));
      };
      const onMessage = (message: FromWorker) => {
        if (message.kind !== 'ready') {
          return fail(
            message.kind === 'load_failed' ? message.message : 'unexpected first message',
          );
        }
        detach();
        resolve(new ModelWorker(worker, message.inputs, message.outputs, onCrash));
      };
      const onError = (err: Error) => fail(err.message);
      const onExit = (code: number) => fail(`worker exited with code ${code} while loading`);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }

  /** Takes new calls: loaded, not closing, not exited. */
  get alive(): boolean {
    return !this.dead && !this.closing;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  run(feeds: Record<string, OutputTensor>, transfer: ArrayBuffer[]): Promise<Outputs> {
    if (!this.alive)
      return Promise.reject(new AppError('unavailable', 'onnx worker is not running'));
    const id = this.nextId++;
    const message: ToWorker = { kind: 'run', id, feeds };
    return new Promise<Outputs>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        this.worker.postMessage(message, transfer);
      } catch {
        // A buffer marked untransferable (Node's own pools) cannot move; copy instead.
        this.worker.postMessage(message);
      }
    });
  }

  /**
   * Ends the thread once the runs already posted to it finish; calls still
   * pending are rejected. A thread stuck past `graceMs` is unref'd, not killed.
   */
  async close(graceMs = CLOSE_GRACE_MS): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      this.rejectAll('the model pool closed before the call finished');
      this.worker.postMessage({ kind: 'close' } satisfies ToWorker);
    }
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.worker.unref();
        resolve();
      }, graceMs);
    });
    await Promise.race([this.exited, grace]);
    clearTimeout(timer);
  }

  /**
   * Ends the thread as a crash would, at its next turn of JavaScript. Never
   * Worker.terminate(): with onnxruntime-node 1.30, terminating a thread inside
   * session.run() throws a C++ exception that aborts the whole process.
   */
  kill(): Promise<number> {
    this.worker.postMessage({ kind: 'exit' } satisfies ToWorker);
    return this.exited;
  }

  private receive(message: FromWorker): void {
    if (message.kind !== 'result' && message.kind !== 'run_failed') return;
    const call = this.pending.get(message.id);
    if (call === undefined) return;
    this.pending.delete(message.id);
    if (message.kind === 'result') call.resolve(message.outputs);
    else call.reject(new AppError('internal', `ONNX Runtime run failed: ${message.message}`));
  }

  private rejectAll(message: string): void {
    for (const call of this.pending.values()) call.reject(new AppError('unavailable', message));
    this.pending.clear();
  }
}
