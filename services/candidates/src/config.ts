import { env } from '@recsys/config';
import { COLD_START, DEFAULT_MIXES, SourceMix, type SourceSpec } from '@recsys/retrieval';
import { z } from 'zod';

const ms = (fallback: number) => env.int(fallback, 1);
const mix = (fallback: string) => z.string().default(fallback).pipe(SourceMix);

/**
 * The candidates service's environment, parsed once at boot: every knob, its default and its
 * meaning. A source mix naming an unknown source fails here, before anything is served.
 */
export const CandidatesConfig = z.object({
  /** gRPC CandidateService. */
  PORT: env.port(50051),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** /healthz, /readyz, /metrics. */
  METRICS_PORT: env.port(9101),
  /**
   * An artifacts root: a trained folder (with manifest.json), or a folder of version folders
   * with an optional `current` pointer (see @recsys/artifacts resolveVersion); `make train`
   * writes artifacts/latest.
   */
  ARTIFACTS_DIR: z.string().min(1).default('artifacts/latest'),
  /** How often to look for a new artifacts version; 0 never looks. */
  ARTIFACTS_POLL_MS: env.int(10_000),
  /** A retired version is closed once its requests finish, or after this long at most. */
  ARTIFACTS_DRAIN_MS: env.int(30_000, 1),
  /** Check every file's sha256 against the manifest at load (slower on large exports). */
  ARTIFACTS_VERIFY: env.bool(false),
  /**
   * Catalog changes since training, embedded by the stream processor; each replica reads the
   * topic whole at start and follows it. An empty topic name turns live catalog updates off.
   */
  KAFKA_BROKERS: env.brokers(),
  KAFKA_CLIENT_ID: z.string().min(1).default('candidates'),
  ITEM_UPDATES_TOPIC: z.string().max(249).default('item-updates'),
  /** Session features written by the stream processor. */
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().max(64).default('recsys:'),
  /**
   * `popular` ranks by the stream processor's live popularity counters in Redis first, the
   * trained table after them (and alone while the counters are empty, down or slow).
   */
  POPULAR_LIVE: env.bool(true),
  /** Each live list is read again at most this often, whatever the request rate. */
  POPULAR_LIVE_REFRESH_MS: env.int(1_000, 50),
  /** How long a request waits for a live list nothing is cached for yet. */
  POPULAR_LIVE_WAIT_MS: ms(20),
  /** Must match the stream processor's: it turns the stored counters into decayed scores. */
  POPULARITY_HALF_LIFE_S: env.int(86_400, 60),
  /** Source mixes per surface, `name:count,...`; see @recsys/retrieval SOURCE_NAMES. */
  SOURCES_HOME: mix(DEFAULT_MIXES.home),
  SOURCES_MORE_LIKE_THIS: mix(DEFAULT_MIXES.more_like_this),
  SOURCES_SEARCH: mix(DEFAULT_MIXES.search),
  SOURCES_EMAIL_DIGEST: mix(DEFAULT_MIXES.email_digest),
  /** Replaces SOURCES_HOME for users with no training row, history or session. */
  SOURCES_COLD_START: mix(DEFAULT_MIXES[COLD_START]),
  /** IVF lists probed per search; unset takes the manifest's. */
  NPROBE: z.coerce.number().int().min(1).max(65_536).optional(),
  /** `file` reads the exported FAISS index when there is one; `build` always builds it. */
  ANN_INDEX: z.enum(['file', 'build']).default('file'),
  /** FAISS factory for a built index; unset takes the manifest's or one sized to the catalog. */
  ANN_FACTORY: z.string().min(1).optional(),
  /** Past these, the session store or a source is dropped and named in `degraded`. */
  SESSION_DEADLINE_MS: ms(20),
  SOURCE_DEADLINE_MS: ms(60),
  ENCODER_DEADLINE_MS: ms(50),
  /** Worker threads running the user tower. */
  ONNX_WORKERS: env.int(2, 1),
  /** User-tower requests batched into one model call at most. */
  ENCODER_MAX_BATCH: env.int(32, 1),
  /** email_digest: items that arrived within this many days. */
  DIGEST_WINDOW_DAYS: env.int(7, 1),
  /** After SIGTERM, /readyz answers 503 this long before the server stops taking calls. */
  DRAIN_DELAY_MS: env.int(5_000),
  /** In-flight calls get this long to finish after that. */
  SHUTDOWN_GRACE_MS: env.int(10_000, 1),
});
export type CandidatesConfig = z.infer<typeof CandidatesConfig>;

/** The configured mixes by surface name, as the Retriever takes them. */
export function mixesOf(config: CandidatesConfig): Record<string, SourceSpec[]> {
  return {
    home: config.SOURCES_HOME,
    more_like_this: config.SOURCES_MORE_LIKE_THIS,
    search: config.SOURCES_SEARCH,
    email_digest: config.SOURCES_EMAIL_DIGEST,
    [COLD_START]: config.SOURCES_COLD_START,
  };
}
