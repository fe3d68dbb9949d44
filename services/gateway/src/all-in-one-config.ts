import { env } from '@recsys/config';
import { z } from 'zod';

const ms = (fallback: number) => env.int(fallback, 1);

/**
 * What the all-in-one mode reads on top of the gateway's own config: where the artifacts are
 * and the knobs the candidates and ranking services would otherwise own. Defaults match theirs.
 */
export const AllInOneConfig = z.object({
  /** A trained folder (with manifest.json) or a root of version folders; `make demo` trains one. */
  ARTIFACTS_DIR: z.string().min(1).default('artifacts/demo'),
  /** How often to look for a new artifacts version; 0 loads once. */
  ARTIFACTS_POLL_MS: env.int(10_000),
  /** Worker threads of the user tower (retrieval) and of the ranker; one each suits 2 cores. */
  ENCODER_WORKERS: env.int(1, 1),
  RANKER_WORKERS: env.int(1, 1),
  SESSION_DEADLINE_MS: ms(20),
  SOURCE_DEADLINE_MS: ms(60),
  ENCODER_DEADLINE_MS: ms(50),
  /** The page's base URL as printed at boot (the server itself listens on HOST:PORT). */
  PUBLIC_HOST: z.string().min(1).default('127.0.0.1'),
});
export type AllInOneConfig = z.infer<typeof AllInOneConfig>;
