import type { OutputTensor, TensorInfo } from './tensor.js';

/** What the pool hands a worker at start, as workerData. */
export interface WorkerConfig {
  path: string;
  intraOpThreads: number;
  interOpThreads: number;
}

/**
 * Messages from the pool to a worker. `close` finishes the runs already posted,
 * then releases the session; `exit` ends the thread at once, as a crash would.
 */
export type ToWorker =
  | { kind: 'run'; id: number; feeds: Record<string, OutputTensor> }
  | { kind: 'close' }
  | { kind: 'exit' };

/** Messages from a worker to the pool. */
export type FromWorker =
  | { kind: 'ready'; inputs: TensorInfo[]; outputs: TensorInfo[] }
  | { kind: 'load_failed'; message: string }
  | { kind: 'result'; id: number; outputs: Record<string, OutputTensor> }
  | { kind: 'run_failed'; id: number; message: string };

/**
 * The buffer behind a typed array when it can be moved to another thread without
 * a copy: a plain ArrayBuffer the view covers whole. A view into a larger buffer
 * (Node's Buffer pool, a slice) is left to be copied, since moving it would
 * detach bytes the caller does not own.
 */
export function movableBuffer(data: ArrayBufferView): ArrayBuffer | undefined {
  const buffer = data.buffer;
  if (!(buffer instanceof ArrayBuffer)) return undefined;
  return data.byteOffset === 0 && data.byteLength === buffer.byteLength ? buffer : undefined;
}

/** The distinct movable buffers of a set of tensors, ready for a transferList. */
export function transferListOf(tensors: Iterable<{ data: ArrayBufferView }>): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const { data } of tensors) {
    const buffer = movableBuffer(data);
    if (buffer !== undefined) buffers.add(buffer);
  }
  return [...buffers];
}
