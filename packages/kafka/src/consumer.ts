import { AppError } from '@recsys/errors';
import type { EventBus, Subscription } from './bus.js';
import { deadLetterMessage, routeBatch, type Decoder } from './dead-letter.js';

const DEFAULT_CHUNK_SIZE = 1_000;

/** Where a handled batch came from, for logs and metrics. */
export interface BatchInfo {
  topic: string;
  partition: number;
  firstOffset: string;
  lastOffset: string;
}

export interface ConsumerOptions<T> {
  bus: EventBus;
  groupId: string;
  topic: string;
  dlqTopic: string;
  decode: Decoder<T>;
  /**
   * Gets the valid records of one partition batch, in offset order, in slices of at most
   * `chunkSize`. Must be idempotent: a batch whose handler threw, or that was in flight when
   * the process died, is delivered again whole, slices already handled included.
   */
  handleBatch: (values: T[], info: BatchInfo) => Promise<void>;
  /**
   * Largest slice of a batch handed over at once (default 1,000). The consumer heartbeats
   * after each slice, so a batch that takes longer than the group's session timeout to
   * handle does not get the consumer evicted mid-batch (and the batch redelivered).
   */
  chunkSize?: number;
  fromBeginning?: boolean;
  /** Told about every handler failure before the batch is retried. */
  onError?: (err: unknown, info: BatchInfo) => void;
  /** The consumer stopped for good (see SubscribeOptions.onFatal). */
  onFatal?: (err: unknown) => void;
  now?: () => number;
}

export interface ConsumerStats {
  batches: number;
  records: number;
  handled: number;
  deadLettered: number;
  failedBatches: number;
}

export interface RunningConsumer {
  /** Finishes the batch in flight (it still commits), then leaves the group. */
  stop(): Promise<void>;
  stats(): ConsumerStats;
}

/**
 * Consumes a topic at least once: each batch is decoded, bad records go to the
 * dead-letter topic, the good ones to the handler, and the position moves on
 * only after both succeeded. A handler error commits nothing, so the bus
 * delivers the whole batch again; the handler's idempotency makes that safe.
 */
export async function runConsumer<T>(options: ConsumerOptions<T>): Promise<RunningConsumer> {
  const now = options.now ?? Date.now;
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1)
    throw new AppError(
      'invalid_argument',
      `consumer chunkSize must be a positive integer: ${chunkSize}`,
    );
  const stats: ConsumerStats = {
    batches: 0,
    records: 0,
    handled: 0,
    deadLettered: 0,
    failedBatches: 0,
  };
  const subscription: Subscription = await options.bus.subscribe({
    groupId: options.groupId,
    topic: options.topic,
    fromBeginning: options.fromBeginning,
    onFatal: options.onFatal,
    onBatch: async (batch, ctx) => {
      const info: BatchInfo = {
        topic: batch.topic,
        partition: batch.partition,
        firstOffset: batch.records[0]?.offset ?? '',
        lastOffset: batch.records.at(-1)?.offset ?? '',
      };
      const { accepted, rejected } = routeBatch(batch, options.decode, now());
      try {
        // Dead letters first: if publishing them fails, the batch is retried
        // whole and no record is skipped silently.
        if (rejected.length > 0)
          await options.bus.publish(options.dlqTopic, rejected.map(deadLetterMessage));
        const values = accepted.map((a) => a.value);
        for (let start = 0; start < values.length; start += chunkSize) {
          if (start > 0) await ctx.heartbeat();
          await options.handleBatch(values.slice(start, start + chunkSize), info);
        }
      } catch (err) {
        stats.failedBatches++;
        options.onError?.(err, info);
        throw err;
      }
      stats.batches++;
      stats.records += batch.records.length;
      stats.handled += accepted.length;
      stats.deadLettered += rejected.length;
    },
  });
  return { stop: () => subscription.stop(), stats: () => ({ ...stats }) };
}
