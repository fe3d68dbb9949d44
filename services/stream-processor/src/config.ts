import { env } from '@recsys/config';
import { KAFKA_LOG_LEVELS } from '@recsys/kafka';
import { z } from 'zod';

const name = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a valid Kafka topic or group name');

/** The stream processor's environment: every knob, its default and its meaning, in one place. */
export const Config = z.object({
  /** Bootstrap brokers, comma-separated host:port. */
  KAFKA_BROKERS: env.brokers(),
  KAFKA_CLIENT_ID: name.default('stream-processor'),
  /** kafkajs log level: nothing, error, warn, info or debug. */
  KAFKA_LOG_LEVEL: z.enum(KAFKA_LOG_LEVELS).default('error'),
  /** How soon a dead processor's partitions move to a live one (broker minimum 6 s). */
  KAFKA_SESSION_TIMEOUT_MS: env.int(30_000, 6_000),
  KAFKA_HEARTBEAT_INTERVAL_MS: env.int(3_000, 100),
  /** Partition batches one processor handles at once (Redis round trips overlap). */
  KAFKA_PARTITIONS_CONCURRENTLY: env.int(3, 1),
  /** Most bytes fetched per partition per batch: bigger batches, fewer Redis round trips. */
  KAFKA_MAX_BYTES_PER_PARTITION: env.int(1_048_576, 1_024),
  USER_EVENTS_TOPIC: name.default('user-events'),
  USER_EVENTS_DLQ_TOPIC: name.default('user-events.dlq'),
  USER_EVENTS_GROUP: name.default('stream-processor.user-events'),
  CATALOG_EVENTS_TOPIC: name.default('catalog-events'),
  CATALOG_EVENTS_DLQ_TOPIC: name.default('catalog-events.dlq'),
  CATALOG_EVENTS_GROUP: name.default('stream-processor.catalog-events'),
  /** Embedded catalog changes for the candidates and ranking replicas (a compacted topic). */
  ITEM_UPDATES_TOPIC: name.default('item-updates'),
  /**
   * An artifacts root (see @recsys/artifacts): its content encoder embeds new items, its catalog
   * gives item categories. Empty: no catalog consumer and no category features.
   */
  ARTIFACTS_DIR: z.string().default(''),
  /** How often to look for a new artifacts version; 0 loads once. */
  ARTIFACTS_POLL_MS: env.int(10_000, 0),
  /** ONNX worker threads of the content encoder. */
  ENCODER_WORKERS: env.int(1, 1),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key this service writes. */
  REDIS_KEY_PREFIX: z.string().max(64).default('recsys:'),
  SESSION_RECENT_ITEMS: env.int(50, 1),
  SESSION_SEEN_ITEMS: env.int(500, 1),
  /** Idle seconds after which the next event opens a new session. */
  SESSION_GAP_S: env.int(1_800, 1),
  /** Category affinity halves in weight after this many seconds. */
  AFFINITY_HALF_LIFE_S: env.int(6 * 3_600, 1),
  /** Per-user state expires this long after the user's last event. */
  SESSION_TTL_S: env.int(7 * 86_400, 60),
  /** How long an event_id is remembered; must outlast any redelivery or replay. */
  EVENT_DEDUP_TTL_S: env.int(2 * 86_400, 60),
  /** A popularity event's weight halves after this many seconds. */
  POPULARITY_HALF_LIFE_S: env.int(86_400, 60),
  /** Items kept per popularity scope (global, each category, each region). */
  POPULARITY_MAX_ITEMS: env.int(10_000, 10),
  /** A popularity scope with no new events for this long expires. */
  POPULARITY_TTL_S: env.int(30 * 86_400, 60),
  /** /healthz, /readyz and /metrics; 0 picks a free port. */
  METRICS_PORT: env.port(9103),
  METRICS_HOST: z.string().min(1).default('0.0.0.0'),
  /** How long a stop may take to drain the batch in flight before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: env.int(30_000, 1_000),
  /** Period of the progress log line; 0 turns it off. */
  PROGRESS_LOG_MS: env.int(10_000, 0),
});
export type Config = z.infer<typeof Config>;
