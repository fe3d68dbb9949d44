import type { candidates, ranking } from '@recsys/contracts';

/**
 * The two downstream stages as the gateway sees them. Fleet mode backs them
 * with gRPC (grpc-clients.ts); the all-in-one mode plugs in-process
 * implementations of the same interfaces. Failures reject with an AppError.
 */
export interface CallOptions {
  /** Time the callee has; past it the gateway stops waiting. */
  deadlineMs: number;
  /** Propagated for logs on the other side. */
  requestId?: string;
}

export interface CandidatesClient {
  generate(
    request: candidates.GenerateRequest,
    options: CallOptions,
  ): Promise<candidates.GenerateResponse>;
}

export interface RankingClient {
  rank(request: ranking.RankRequest, options: CallOptions): Promise<ranking.RankResponse>;
}
