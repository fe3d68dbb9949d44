import type { EventBus } from './bus.js';

export interface PublisherOptions<T> {
  bus: EventBus;
  topic: string;
  encode: (value: T) => Uint8Array;
  /** The partitioning key: all values with one key stay in order (user_id for user events). */
  keyOf: (value: T) => string;
}

export interface Publisher<T> {
  /** Resolves when the broker acknowledged every value (acks=all); rejects with a retryable AppError otherwise. */
  publish(values: readonly T[]): Promise<void>;
}

/** A typed, keyed publisher for one topic. */
export function createPublisher<T>(options: PublisherOptions<T>): Publisher<T> {
  return {
    publish: (values) =>
      options.bus.publish(
        options.topic,
        values.map((v) => ({ key: options.keyOf(v), value: options.encode(v) })),
      ),
  };
}
