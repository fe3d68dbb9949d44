/**
 * The event bus the platform's processes talk through. Kafka in production; an
 * in-process implementation for the all-in-one mode and unit tests. Both give
 * the same contract: per-key ordering within a partition, consumer groups that
 * resume from their committed position, and at-least-once delivery.
 */

/** A message to publish. Messages with the same key land in the same partition, in order. */
export interface BusMessage {
  key: string | Uint8Array | null;
  value: Uint8Array;
}

/** A message as a consumer receives it. */
export interface BusRecord {
  key: Buffer | null;
  /** Null for tombstones; a consumer treats it like any other undecodable value. */
  value: Buffer | null;
  /** Kafka offsets are 64-bit, so they travel as decimal strings. */
  offset: string;
  /** Milliseconds since the epoch, as a decimal string (Kafka's record timestamp). */
  timestamp: string;
}

/** Consecutive records of one partition. */
export interface BusBatch {
  topic: string;
  partition: number;
  records: readonly BusRecord[];
}

/** What a batch handler may ask of the bus while it works. */
export interface BatchContext {
  /** False once stop() was called: a long handler may finish early and reject. */
  isRunning(): boolean;
  /** Keeps group membership alive during a long batch (a no-op in memory). */
  heartbeat(): Promise<void>;
}

export interface SubscribeOptions {
  groupId: string;
  topic: string;
  /**
   * Called with one partition's batch at a time per partition. Resolving commits
   * the batch; rejecting commits nothing and the batch is delivered again.
   */
  onBatch: (batch: BusBatch, ctx: BatchContext) => Promise<void>;
  /** Where a group with no committed position starts: the oldest record (default) or new ones only. */
  fromBeginning?: boolean;
  /** The subscription died and will not recover by itself (the process should exit and be restarted). */
  onFatal?: (err: unknown) => void;
}

export interface Subscription {
  /** Stops fetching, waits for the batch in flight to finish (and commit), leaves the group. */
  stop(): Promise<void>;
}

export interface EventBus {
  /** Resolves once every message is durably accepted; rejects with a retryable AppError when the bus cannot take them. */
  publish(topic: string, messages: readonly BusMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Stops every subscription and releases connections. */
  close(): Promise<void>;
}
