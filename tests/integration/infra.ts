import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Admin } from 'kafkajs';

/** Where `make test` (deploy/local/infra.sh start) puts the real Redis and Kafka. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092')
  .split(',')
  .map((b) => b.trim());

/** A name no other run shares, so tests never see each other's topics, groups or keys. */
export function uniqueName(what: string): string {
  return `it-${what}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export function kafka(clientId: string): Kafka {
  return new Kafka({ clientId, brokers: KAFKA_BROKERS, logLevel: logLevel.ERROR });
}

export async function connectRedis(): Promise<Redis> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  return redis;
}

export async function createTopics(admin: Admin, topics: Record<string, number>): Promise<void> {
  await admin.createTopics({
    waitForLeaders: true,
    topics: Object.entries(topics).map(([topic, numPartitions]) => ({
      topic,
      numPartitions,
      replicationFactor: 1,
    })),
  });
}

/** Deletes every key under a prefix (SCAN, never KEYS, so a shared Redis is not blocked). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000);
    if (keys.length > 0) deleted += await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  return deleted;
}

/** Sum over partitions of (log end offset - committed offset) for a group. */
export async function consumerLag(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [ends, [committed]] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const done = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]));
  return ends.reduce((lag, p) => lag + Number(p.high) - Math.max(0, done.get(p.partition) ?? 0), 0);
}

/** Polls until `check` resolves true; fails with `what` after `timeoutMs`. */
export async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
