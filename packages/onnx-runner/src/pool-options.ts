import { z } from 'zod';

// The knobs of a ModelPool, checked once when it opens.
export const PoolOptions = z.object({
  /** The .onnx file. */
  path: z.string().min(1),
  /** Worker threads, each with its own session. */
  workers: z.number().int().min(1).max(64).default(1),
  /** ONNX Runtime threads inside one operator, per worker. */
  intraOpThreads: z.number().int().min(1).max(64).default(1),
  /** Threads running independent operators at once, per worker. */
  interOpThreads: z.number().int().min(1).max(64).default(1),
  /** Calls posted to one worker at a time; 2 keeps it busy while a result travels back. */
  perWorker: z.number().int().min(1).max(64).default(2),
  /** Calls that may wait when every worker is full; past this they fail as retryable. */
  maxQueue: z.number().int().min(0).default(256),
  /** Deadline for calls that set none, in ms. */
  deadlineMs: z.number().positive().optional(),
  onEvent: z.custom<(event: PoolEvent) => void>((v) => typeof v === 'function').optional(),
});

/** How to load a model and how much work to hold for it. */
export type ModelPoolOptions = z.input<typeof PoolOptions>;
export type PoolSettings = z.output<typeof PoolOptions>;

export interface RunOptions {
  /** Fails the call with a retryable `deadline_exceeded` after this many ms. */
  deadlineMs?: number;
  signal?: AbortSignal;
  /** Moves feed buffers to the worker instead of copying them; they are detached afterwards. Default true. */
  transfer?: boolean;
}

/** A worker died, was replaced, or could not be replaced: for logs and metrics. */
export interface PoolEvent {
  kind: 'worker_crashed' | 'worker_replaced' | 'worker_replace_failed';
  worker: number;
  message: string;
}

export interface PoolStats {
  workers: number;
  ready: number;
  inFlight: number;
  queued: number;
  restarts: number;
}
