import { env } from '@recsys/config';
import { z } from 'zod';

const lambda = (fallback: number) => z.coerce.number().min(0).max(1).default(fallback);
const ms = (fallback: number) => env.int(fallback, 1);

/**
 * The gateway's environment, parsed once at boot by main.ts. Deadlines are per
 * stage: past one, the stage's fallback runs (see feed.ts), so together they
 * bound the feed's latency.
 */
export const GatewayConfig = z.object({
  PORT: env.port(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CANDIDATES_ADDR: z.string().min(1).default('127.0.0.1:50051'),
  RANKING_ADDR: z.string().min(1).default('127.0.0.1:50052'),
  CANDIDATES_DEADLINE_MS: ms(100),
  RANKING_DEADLINE_MS: ms(100),
  PROFILE_DEADLINE_MS: ms(25),
  /** Candidates asked of retrieval; ranking scores all of them. */
  CANDIDATE_LIMIT: z.coerce.number().int().min(1).max(2000).default(1000),
  /** MMR looks at this many of the ranker's best (or n, when n is larger). */
  RERANK_WINDOW: z.coerce.number().int().min(1).max(2000).default(100),
  /** MMR lambda per surface: 1 keeps the ranker's order, lower buys diversity. */
  MMR_LAMBDA_HOME: lambda(0.8),
  MMR_LAMBDA_MORE_LIKE_THIS: lambda(0.8),
  MMR_LAMBDA_SEARCH: lambda(0.9),
  MMR_LAMBDA_EMAIL_DIGEST: lambda(0.5),
  /** After SIGTERM, /readyz answers 503 this long before the server closes. */
  DRAIN_DELAY_MS: env.int(5000),
  BODY_LIMIT_BYTES: env.int(64 * 1024, 1024),
});
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
  };
}
