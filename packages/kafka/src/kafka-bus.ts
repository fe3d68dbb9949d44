import { AppError } from '@recsys/errors';
import {
  Kafka,
  Partitioners,
  logLevel as LEVEL,
  type Consumer,
  type LogEntry,
  type Producer,
} from 'kafkajs';
import type { BusMessage, EventBus, SubscribeOptions, Subscription } from './bus.js';

export const KAFKA_LOG_LEVELS = ['nothing', 'error', 'warn', 'info', 'debug'] as const;
export type KafkaLogLevel = (typeof KAFKA_LOG_LEVELS)[number];

const LEVELS: Record<KafkaLogLevel, LEVEL> = {
  nothing: LEVEL.NOTHING,
  error: LEVEL.ERROR,
  warn: LEVEL.WARN,
  info: LEVEL.INFO,
  debug: LEVEL.DEBUG,
};

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  /** kafkajs is chatty at info (every join and rebalance); errors only by default. */
  logLevel?: KafkaLogLevel;
  /**
   * Retries of one publish before it fails with `unavailable`. The idempotent
   * producer would otherwise retry forever, and a caller that must answer (an
   * HTTP 503, a batch to redeliver) needs a bounded wait instead.
   */
  publishRetries?: number;
  /** Largest chunk of one publish call, below the broker's message.max.bytes (1 MiB). */
  maxPublishBytes?: number;
  /** How soon the group notices a dead member and hands its partitions on. */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Partitions whose batches are handled at the same time by one member. */
  partitionsConsumedConcurrently?: number;
  maxBytesPerPartition?: number;
  /**
   * Longest a fetch waits on the broker for new data. It also bounds how long
   * stop() waits for an idle consumer, so it stays short.
   */
  maxWaitTimeMs?: number;
}

/** The bus over an Apache Kafka cluster, through kafkajs. */
/** Failed consumer starts in a row (with backoff up to 30 s, ~3 min in all) before giving up. */
const RESUBSCRIBE_ATTEMPTS = 10;

export class KafkaBus implements EventBus {
  private readonly kafka: Kafka;
  private readonly consumers = new Set<Consumer>();
  private producer: Promise<Producer> | undefined;

  constructor(private readonly options: KafkaBusOptions) {
    this.kafka = this.client();
  }

  /** A kafkajs client; its `retries` also bound how long connecting may take. */
  private client(retries?: number): Kafka {
    const wanted = LEVELS[this.options.logLevel ?? 'error'];
    return new Kafka({
      clientId: this.options.clientId,
      brokers: this.options.brokers,
      ...(retries === undefined ? {} : { retry: { retries } }),
      // kafkajs filters by this level first; warnings must reach logCreator
      // too, as some errors are demoted to warnings there.
      logLevel: wanted === LEVEL.NOTHING ? LEVEL.NOTHING : Math.max(wanted, LEVEL.WARN),
      logCreator: () => jsonLines(wanted),
    });
  }

  async publish(topic: string, messages: readonly BusMessage[]): Promise<void> {
    if (messages.length === 0) return;
    try {
      const producer = await this.connectProducer();
      for (const chunk of chunks(messages, this.options.maxPublishBytes ?? 512 * 1024)) {
        await producer.send({
          topic,
          acks: -1,
          messages: chunk.map((m) => ({
            key: typeof m.key === 'string' || m.key === null ? m.key : toBuffer(m.key),
            value: toBuffer(m.value),
          })),
        });
      }
    } catch (err) {
      throw new AppError('unavailable', `kafka: publish to ${topic} failed`, true, { cause: err });
    }
  }

  /**
   * Joins the group and consumes. A consumer that kafkajs will not restart (the group
   * coordinator gone while the broker is down, a lost connection) is replaced by a new one
   * after a backoff, so a broker outage never ends the subscription; only
   * RESUBSCRIBE_ATTEMPTS failed starts in a row reach onFatal.
   */
  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    let current: Consumer | undefined;
    let stopped = false;
    let failures = 0;
    let timer: NodeJS.Timeout | undefined;
    const replace = (err: unknown) => {
      if (stopped) return;
      const crashed = current;
      current = undefined;
      if (crashed) this.consumers.delete(crashed);
      void crashed?.disconnect().catch(() => undefined);
      if (++failures > RESUBSCRIBE_ATTEMPTS) {
        options.onFatal?.(err);
        return;
      }
      timer = setTimeout(
        () => void start().catch(replace),
        Math.min(30_000, 500 * 2 ** (failures - 1)),
      );
    };
    const start = async () => {
      const consumer = this.consumer(options, replace, () => (failures = 0));
      current = consumer;
      this.consumers.add(consumer);
      await consumer.connect();
      await consumer.subscribe({
        topics: [options.topic],
        fromBeginning: options.fromBeginning ?? true,
      });
      await this.run(consumer, options);
      if (stopped) await consumer.disconnect();
    };
    try {
      await start();
    } catch (err) {
      // The first start reports to the caller, who decides whether to retry.
      if (current) this.consumers.delete(current);
      await current?.disconnect().catch(() => undefined);
      throw err;
    }
    return {
      stop: async () => {
        stopped = true;
        clearTimeout(timer);
        const consumer = current;
        current = undefined;
        if (!consumer) return;
        // kafkajs waits for the batch in flight before it leaves the group.
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  private consumer(
    options: SubscribeOptions,
    onCrash: (err: unknown) => void,
    onJoined: () => void,
  ): Consumer {
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: this.options.heartbeatIntervalMs ?? 3_000,
      maxBytesPerPartition: this.options.maxBytesPerPartition ?? 1024 * 1024,
      maxWaitTimeInMs: this.options.maxWaitTimeMs ?? 500,
    });
    // kafkajs restarts itself after retriable errors; anything else ends this consumer.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) onCrash(payload.error);
    });
    consumer.on(consumer.events.GROUP_JOIN, onJoined);
    return consumer;
  }

  private run(consumer: Consumer, options: SubscribeOptions): Promise<void> {
    return consumer.run({
      // Offsets are resolved by hand, only after onBatch succeeded, and
      // committed at once so a restart redelivers as little as possible.
      eachBatchAutoResolve: false,
      autoCommitThreshold: 1,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async (payload) => {
        const { batch } = payload;
        if (!payload.isRunning() || payload.isStale()) return;
        if (batch.messages.length > 0) {
          const records = batch.messages.map((m) => ({
            key: m.key,
            value: m.value,
            offset: m.offset,
            timestamp: m.timestamp,
          }));
          await options.onBatch(
            { topic: batch.topic, partition: batch.partition, records },
            { isRunning: () => payload.isRunning(), heartbeat: () => payload.heartbeat() },
          );
        }
        payload.resolveOffset(batch.lastOffset());
        await payload.commitOffsetsIfNecessary();
      },
    });
  }

  async close(): Promise<void> {
    const consumers = [...this.consumers];
    this.consumers.clear();
    await Promise.all(consumers.map((c) => c.disconnect()));
    const producer = this.producer;
    this.producer = undefined;
    if (producer) await producer.then((p) => p.disconnect()).catch(() => undefined);
  }

  private connectProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      // Its own client, so connecting is bounded by publishRetries too.
      const retries = this.options.publishRetries ?? 5;
      const producer = this.client(retries).producer({
        idempotent: true,
        // One request in flight keeps the idempotent producer's order per partition.
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        retry: { retries },
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      return producer;
    })().catch((err: unknown) => {
      this.producer = undefined;
      throw err;
    });
    return this.producer;
  }
}

/** Splits messages into runs whose payload stays under `maxBytes` (one message may exceed it alone). */
function* chunks(messages: readonly BusMessage[], maxBytes: number): Generator<BusMessage[]> {
  let chunk: BusMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = m.value.byteLength + (m.key?.length ?? 0) + 64;
    if (chunk.length > 0 && bytes + size > maxBytes) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(m);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const LEVEL_NAMES: Partial<Record<LEVEL, string>> = {
  [LEVEL.ERROR]: 'error',
  [LEVEL.WARN]: 'warn',
  [LEVEL.INFO]: 'info',
  [LEVEL.DEBUG]: 'debug',
};

/**
 * kafkajs logs as one JSON line on stderr, like the rest of the platform.
 * Errors that the caller sees anyway count as warnings: Connection logs every
 * error response although the request is retried or its failure reaches the
 * caller (a broker still loading its groups after a restart, say).
 */
function jsonLines(wanted: LEVEL): (entry: LogEntry) => void {
  return ({ namespace, level, log }) => {
    const effective =
      level === LEVEL.ERROR && isDemoted(namespace, log.message) ? LEVEL.WARN : level;
    if (wanted === LEVEL.NOTHING || effective > wanted) return;
    const fields: Record<string, unknown> = { ...log };
    for (const key of ['message', 'timestamp', 'logger']) delete fields[key];
    const entry = {
      level: LEVEL_NAMES[effective] ?? 'info',
      msg: log.message,
      component: `kafkajs.${namespace}`,
      ...fields,
    };
    process.stderr.write(`${JSON.stringify(entry, errorsAsText)}\n`);
  };
}

function isDemoted(namespace: string, message: string): boolean {
  // Runner: a handler error, already reported by runConsumer's onError.
  return (
    namespace === 'Connection' ||
    (namespace === 'Runner' && message === 'Error when calling eachBatch')
  );
}

function errorsAsText(_key: string, value: unknown): unknown {
  return value instanceof Error ? `${value.name}: ${value.message}` : value;
}
