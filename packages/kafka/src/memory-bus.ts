import { AppError } from '@recsys/errors';
import type {
  BatchContext,
  BusMessage,
  BusRecord,
  EventBus,
  SubscribeOptions,
  Subscription,
} from './bus.js';

export interface MemoryBusOptions {
  /** Partitions per topic; topics not listed get `defaultPartitions`. */
  partitions?: Record<string, number>;
  defaultPartitions?: number;
  /** Most records handed to one onBatch call. */
  maxBatch?: number;
  /** Wait before a rejected batch is delivered again. */
  retryDelayMs?: number;
}

interface Group {
  /** Next offset to deliver, per partition. */
  committed: number[];
  active: boolean;
}

/**
 * An in-process bus with Kafka's delivery semantics: keyed partitioning, one
 * committed position per consumer group and partition, redelivery of a batch
 * whose handler rejected. Topics are created on first use. Records are never
 * deleted, which is fine for a single-process demo or a test.
 */
export class MemoryBus implements EventBus {
  private readonly topics = new Map<string, BusRecord[][]>();
  private readonly groups = new Map<string, Group>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly waiters = new Set<() => void>();
  private readonly maxBatch: number;
  private readonly retryDelayMs: number;
  private roundRobin = 0;

  constructor(private readonly options: MemoryBusOptions = {}) {
    this.maxBatch = options.maxBatch ?? 500;
    this.retryDelayMs = options.retryDelayMs ?? 50;
  }

  publish(topic: string, messages: readonly BusMessage[]): Promise<void> {
    const partitions = this.partitionsOf(topic);
    for (const message of messages) {
      const key = message.key === null ? null : Buffer.from(message.key);
      const partition = partitions[partitionFor(key, partitions.length, this.roundRobin++)]!;
      partition.push({
        key,
        value: Buffer.from(message.value),
        offset: String(partition.length),
        timestamp: String(Date.now()),
      });
    }
    for (const wake of this.waiters) wake();
    this.waiters.clear();
    return Promise.resolve();
  }

  subscribe(options: SubscribeOptions): Promise<Subscription> {
    const partitions = this.partitionsOf(options.topic);
    const groupKey = `${options.groupId}\u0000${options.topic}`;
    let group = this.groups.get(groupKey);
    if (group?.active) {
      return Promise.reject(
        new AppError(
          'invalid_argument',
          `group ${options.groupId} already consumes ${options.topic}`,
        ),
      );
    }
    if (!group) {
      const start = (p: BusRecord[]) => (options.fromBeginning === false ? p.length : 0);
      group = { committed: partitions.map(start), active: true };
      this.groups.set(groupKey, group);
    }
    group.active = true;
    const state = { running: true };
    const loop = this.consume(options, partitions, group, state);
    const subscription: Subscription = {
      stop: async () => {
        state.running = false;
        for (const wake of this.waiters) wake();
        await loop;
        group.active = false;
        this.subscriptions.delete(subscription);
      },
    };
    this.subscriptions.add(subscription);
    return Promise.resolve(subscription);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
  }

  /** Every record of a topic, in partition then offset order (for tests and inspection). */
  records(topic: string): BusRecord[] {
    return (this.topics.get(topic) ?? []).flat();
  }

  private partitionsOf(topic: string): BusRecord[][] {
    let partitions = this.topics.get(topic);
    if (!partitions) {
      const count = this.options.partitions?.[topic] ?? this.options.defaultPartitions ?? 1;
      partitions = Array.from({ length: count }, () => []);
      this.topics.set(topic, partitions);
    }
    return partitions;
  }

  private async consume(
    options: SubscribeOptions,
    partitions: BusRecord[][],
    group: Group,
    state: { running: boolean },
  ): Promise<void> {
    const ctx: BatchContext = {
      isRunning: () => state.running,
      heartbeat: () => Promise.resolve(),
    };
    while (state.running) {
      let delivered = false;
      for (let p = 0; p < partitions.length && state.running; p++) {
        const from = group.committed[p]!;
        const records = partitions[p]!.slice(from, from + this.maxBatch);
        if (records.length === 0) continue;
        delivered = true;
        try {
          await options.onBatch({ topic: options.topic, partition: p, records }, ctx);
          group.committed[p] = from + records.length;
        } catch {
          // At-least-once: nothing is committed and the same batch comes back.
          await sleep(this.retryDelayMs);
        }
      }
      if (!delivered && state.running) await new Promise<void>((r) => this.waiters.add(r));
    }
  }
}

/** Same key, same partition; unkeyed messages are spread round-robin. */
function partitionFor(key: Buffer | null, count: number, next: number): number {
  if (key === null) return next % count;
  let hash = 0x811c9dc5; // FNV-1a
  for (const byte of key) hash = Math.imul(hash ^ byte, 0x01000193);
  return (hash >>> 0) % count;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
