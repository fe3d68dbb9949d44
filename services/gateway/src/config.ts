import { env } from '@recsys/config';
import { z } from 'zod';

const lambda = (fallback: number) => z.coerce.number().min(0).max(1).default(fallback);
const share = (fallback: number) => z.coerce.number().min(0).max(0.5).default(fallback);
const ms = (fallback: number) => env.int(fallback, 1);
const topic = z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a valid Kafka topic name');
// Unset means the route it guards answers 401 to everyone (see ingest-auth.ts).
const apiKey = z
  .string()
  .regex(/^[\x21-\x7e]{12,256}$/, 'must be 12 to 256 printable characters without spaces')
  .optional();

/**
 * The gateway's environment, parsed once at boot by main.ts. Deadlines are per
 * stage: past one, the stage's fallback runs (see feed.ts), so together they
 * bound the feed's latency.
 */
export const GatewayConfig = z
  .object({
    PORT: env.port(8080),
    HOST: z.string().min(1).default('0.0.0.0'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    /**
     * Fleet mode: the artifacts root the other services serve, read here for item embeddings
     * (MMR) and titles (reasons). Unset, MMR reports diversity_unavailable.
     */
    ARTIFACTS_DIR: z.string().min(1).optional(),
    CANDIDATES_ADDR: z.string().min(1).default('127.0.0.1:50051'),
    RANKING_ADDR: z.string().min(1).default('127.0.0.1:50052'),
    CANDIDATES_DEADLINE_MS: ms(100),
    RANKING_DEADLINE_MS: ms(100),
    PROFILE_DEADLINE_MS: ms(25),
    /**
     * Fleet mode: onboarding profiles live in this Redis (one JSON string per user). Unset, they
     * live in the process and are lost on restart; the all-in-one mode always keeps them there.
     */
    REDIS_URL: z.url().optional(),
    REDIS_KEY_PREFIX: z.string().max(64).default('recsys:'),
    /** A profile not written again for this many days expires. */
    PROFILE_TTL_DAYS: env.int(180, 1),
    /** Candidates asked of retrieval; ranking scores all of them. */
    CANDIDATE_LIMIT: z.coerce.number().int().min(1).max(2000).default(1000),
    /** MMR looks at this many of the ranker's best (or n, when n is larger). */
    RERANK_WINDOW: z.coerce.number().int().min(1).max(2000).default(100),
    /** MMR lambda per surface: 1 keeps the ranker's order, lower buys diversity. */
    MMR_LAMBDA_HOME: lambda(0.8),
    MMR_LAMBDA_MORE_LIKE_THIS: lambda(0.8),
    MMR_LAMBDA_SEARCH: lambda(0.9),
    MMR_LAMBDA_EMAIL_DIGEST: lambda(0.5),
    /**
     * Share of a feed's slots kept for items with fewer than EXPLORATION_MAX_INTERACTIONS
     * training interactions (new items first among them), per surface; 0 turns it off.
     */
    EXPLORATION_SHARE_HOME: share(0.1),
    EXPLORATION_SHARE_MORE_LIKE_THIS: share(0.1),
    EXPLORATION_SHARE_SEARCH: share(0),
    EXPLORATION_SHARE_EMAIL_DIGEST: share(0.1),
    EXPLORATION_MAX_INTERACTIONS: env.int(10, 1),
    /** After SIGTERM, /readyz answers 503 this long before the server closes. */
    DRAIN_DELAY_MS: env.int(5000),
    BODY_LIMIT_BYTES: env.int(64 * 1024, 1024),
    /** Ingestion: POST /v1/events needs RECSYS_API_KEY, POST /v1/items RECSYS_ADMIN_KEY. */
    RECSYS_API_KEY: apiKey,
    RECSYS_ADMIN_KEY: apiKey,
    /**
     * Demo only: a third key, accepted by POST /v1/events alone and handed to
     * anyone who loads the page at /, so its clicks can be sent. Never set it
     * where the page is reachable by people who must not send events.
     */
    RECSYS_DEMO_UI_KEY: apiKey,
    KAFKA_BROKERS: env.brokers(),
    KAFKA_CLIENT_ID: z.string().min(1).default('gateway'),
    USER_EVENTS_TOPIC: topic.default('user-events'),
    CATALOG_EVENTS_TOPIC: topic.default('catalog-events'),
    /** Past this a publish is given up and the client gets 503 with Retry-After. */
    INGEST_PUBLISH_TIMEOUT_MS: ms(5_000),
    /** Events stamped further ahead of the gateway's clock than this are rejected. */
    INGEST_MAX_FUTURE_MS: env.int(5 * 60_000),
    /** Body limit of the ingestion routes (1,000 events or items per request). */
    INGEST_BODY_LIMIT_BYTES: env.int(2 * 1024 * 1024, 1024),
  })
  .refine(
    (c) =>
      c.RECSYS_DEMO_UI_KEY === undefined ||
      (c.RECSYS_DEMO_UI_KEY !== c.RECSYS_API_KEY && c.RECSYS_DEMO_UI_KEY !== c.RECSYS_ADMIN_KEY),
    {
      path: ['RECSYS_DEMO_UI_KEY'],
      message: 'must differ from RECSYS_API_KEY and RECSYS_ADMIN_KEY (the page hands it out)',
    },
  );
export type GatewayConfig = z.infer<typeof GatewayConfig>;

export const SURFACES = ['home', 'more_like_this', 'search', 'email_digest'] as const;
export type Surface = (typeof SURFACES)[number];

/** The part of the config the feed pipeline reads. */
export interface FeedSettings {
  candidatesDeadlineMs: number;
  rankingDeadlineMs: number;
  profileDeadlineMs: number;
  candidateLimit: number;
  rerankWindow: number;
  lambda: Record<Surface, number>;
  exploration: Record<Surface, number>;
  explorationMaxInteractions: number;
}

export function feedSettings(config: GatewayConfig): FeedSettings {
  return {
    candidatesDeadlineMs: config.CANDIDATES_DEADLINE_MS,
    rankingDeadlineMs: config.RANKING_DEADLINE_MS,
    profileDeadlineMs: config.PROFILE_DEADLINE_MS,
    candidateLimit: config.CANDIDATE_LIMIT,
    rerankWindow: config.RERANK_WINDOW,
    lambda: {
      home: config.MMR_LAMBDA_HOME,
      more_like_this: config.MMR_LAMBDA_MORE_LIKE_THIS,
      search: config.MMR_LAMBDA_SEARCH,
      email_digest: config.MMR_LAMBDA_EMAIL_DIGEST,
    },
    exploration: {
      home: config.EXPLORATION_SHARE_HOME,
      more_like_this: config.EXPLORATION_SHARE_MORE_LIKE_THIS,
      search: config.EXPLORATION_SHARE_SEARCH,
      email_digest: config.EXPLORATION_SHARE_EMAIL_DIGEST,
    },
    explorationMaxInteractions: config.EXPLORATION_MAX_INTERACTIONS,
  };
}
