import { env } from '@recsys/config';
import { z } from 'zod';

/** The ranking service's environment: every knob, its default and its meaning, in one place. */
export const Config = z.object({
  /** gRPC RankingService. */
  PORT: env.port(50052),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** /healthz, /readyz (ready once a model version is loaded) and /metrics; 0 picks a free port. */
  METRICS_PORT: env.port(9102),
  METRICS_HOST: z.string().min(1).default('0.0.0.0'),
  /**
   * A trained folder (holding manifest.json), or a root of version folders with an optional
   * `current` pointer; a newer version there is loaded and swapped in while serving.
   */
  ARTIFACTS_DIR: z.string().min(1).default('artifacts/latest'),
  /** How often to look for a new artifacts version; 0 loads once at start. */
  ARTIFACTS_POLL_MS: env.int(10_000, 0),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  /**
   * Items added since training, embedded by the stream processor: their features join the
   * in-process tables. An empty topic name turns live catalog updates off.
   */
  KAFKA_BROKERS: env.brokers(),
  KAFKA_CLIENT_ID: z.string().min(1).default('ranking'),
  ITEM_UPDATES_TOPIC: z.string().max(249).default('item-updates'),
  /** Prefix of the session keys the stream processor writes. */
  REDIS_KEY_PREFIX: z.string().max(64).default('recsys:'),
  /** A session read slower than this is abandoned and the request scored without it. */
  SESSION_TIMEOUT_MS: env.int(25, 1),
  /**
   * ONNX worker threads for the ranker, each with its own session. One suits two cores: the
   * event loop joins features while the worker scores, and the user tower has a thread too.
   */
  WORKERS: env.int(1, 1),
  /** ONNX Runtime threads inside one operator, per worker. */
  INTRA_OP_THREADS: env.int(1, 1),
  /** Model calls that may wait for a worker; past this a request fails fast as retryable. */
  MODEL_QUEUE: env.int(64, 0),
  /** Model deadline when the caller sets none. */
  DEFAULT_DEADLINE_MS: env.int(1_000, 1),
  /** On SIGTERM: readiness goes 503, then this long passes before the server stops taking calls. */
  DRAIN_DELAY_MS: env.int(0, 0),
  /** How long in-flight calls may take to finish before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: env.int(15_000, 1_000),
});
export type Config = z.infer<typeof Config>;
