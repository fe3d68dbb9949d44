import { Kafka, logLevel, type Admin } from 'kafkajs';

/** How far a consumer group is behind, per partition, in records. */
export interface LagProbe {
  lag(): Promise<Map<number, number>>;
  close(): Promise<void>;
}

export interface KafkaLagOptions {
  brokers: string[];
  clientId: string;
  groupId: string;
  topic: string;
  /** A scrape gives up on the broker after this long. */
  timeoutMs?: number;
}

/**
 * Lag as the broker sees it: log end offset minus the group's committed
 * offset. Unlike the consumer's own view (the high watermark of its last
 * fetch) it keeps growing while the consumer is stuck, which is when it matters.
 */
export function kafkaLag(options: KafkaLagOptions): LagProbe {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const kafka = new Kafka({
    clientId: `${options.clientId}.lag`,
    brokers: options.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    // One retry: the first request after connecting may find metadata not yet loaded.
    retry: { retries: 1 },
  });
  let admin: Promise<Admin> | undefined;
  const connect = () =>
    (admin ??= (async () => {
      const a = kafka.admin();
      await a.connect();
      return a;
    })().catch((err: unknown) => {
      admin = undefined;
      throw err;
    }));

  return {
    async lag() {
      const a = await connect();
      // Committed first: read the other way round, a commit landing in between could show negative lag.
      const [committed] = await a.fetchOffsets({
        groupId: options.groupId,
        topics: [options.topic],
      });
      const ends = await a.fetchTopicOffsets(options.topic);
      const done = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]));
      const lag = new Map<number, number>();
      for (const p of ends) {
        // -1: nothing committed yet, so everything still in the log is pending.
        const at = done.get(p.partition) ?? -1;
        lag.set(p.partition, Math.max(0, Number(p.high) - (at < 0 ? Number(p.low) : at)));
      }
      return lag;
    },
    async close() {
      const a = admin;
      admin = undefined;
      if (a) await a.then((x) => x.disconnect()).catch(() => undefined);
    },
  };
}
