import type { common } from '@recsys/contracts';
import type { RetrievalState } from './retrieval-state.js';
import type { UserView } from './user-view.js';

/** A candidate request in the domain's own names (the gRPC edge maps to it). */
export interface RetrievalRequest {
  userId: string;
  /** A surface named in the source config: home, more_like_this, search, email_digest. */
  surface: string;
  /** Candidates to return at most. */
  limit: number;
  seedItemId?: string | undefined;
  query?: string | undefined;
  context: common.RequestContext;
  /** Items to leave out besides the user's seen set. */
  excludeItemIds: readonly string[];
}

/** One item a source proposes, by item row (the index id), best first within its source. */
export interface SourceCandidate {
  row: number;
  /** The source's own score: comparable within a source, not across sources. */
  score: number;
  /** For item-to-item sources: the item row that led here. */
  viaRow?: number;
}

/** Everything a source may read for one request. */
export interface SourceContext {
  request: RetrievalRequest;
  state: RetrievalState;
  user: UserView;
  /** The seed item's row, for item-seeded surfaces. */
  seedRow: number | undefined;
  /** True for rows a source must skip (recent history, session, excluded, the seed). */
  excluded(row: number): boolean;
  /** excluded, plus everything else the user touched in training: what the merge drops. */
  dropped(row: number): boolean;
  /** The user tower's embedding for this request, computed once however many sources ask. */
  userEmbedding(): Promise<Float32Array>;
  /** Aborted when the source's deadline passes or the request is cancelled. */
  signal: AbortSignal;
  /** Names a fallback the source took while still answering; reported in `degraded`. */
  degrade?(reason: string): void;
}

/**
 * A named candidate source: given the request, returns up to `count` item rows, best first,
 * none of them excluded. A source throws (AppError) when it cannot answer; the retriever drops
 * it and names it in `degraded`, so one failing source never fails the request.
 */
export interface CandidateSource {
  readonly name: string;
  run(ctx: SourceContext, count: number): Promise<SourceCandidate[]>;
}

/** Walks a ranked list of rows, keeping the first `count` that are live and not excluded. */
export function takeRows(
  rows: ArrayLike<number>,
  scores: ArrayLike<number> | undefined,
  ctx: Pick<SourceContext, 'excluded' | 'state'>,
  count: number,
  picked: Set<number> = new Set(),
  out: SourceCandidate[] = [],
): SourceCandidate[] {
  for (let i = 0; i < rows.length && out.length < count; i++) {
    const row = rows[i] ?? 0;
    if (picked.has(row) || ctx.excluded(row) || !ctx.state.items.isLive(row)) continue;
    picked.add(row);
    out.push({ row, score: scores?.[i] ?? -i });
  }
  return out;
}
