import type { ProfileStore } from '@recsys/feature-store';
import type { CandidatesClient, RankingClient } from './clients.js';
import type { FeedSettings, Surface } from './config.js';
import type { ItemTitles, ItemVectors } from './items.js';
import type { GatewayMetrics } from './metrics.js';

/** A validated feed request, in the pipeline's own names. */
export interface FeedRequest {
  userId: string;
  surface: Surface;
  n: number;
  itemId?: string;
  query?: string;
  device?: string;
  locale?: string;
}

/** An item on its way through the pipeline. */
export interface Scored {
  itemId: string;
  score: number;
  sources: string[];
  /** For item-to-item sources, the item that led here. */
  viaItemId: string;
  /** Training interactions; 0 for items added since training (see explore.ts). */
  interactions: number;
}

/** What the feed pipeline needs from the process; main.ts (or a test) builds it. */
export interface FeedDeps {
  candidates: CandidatesClient;
  ranking: RankingClient;
  profiles: ProfileStore;
  /** Embeddings for MMR; without them the feed keeps the ranker's order. */
  itemVectors?: ItemVectors;
  itemTitles?: ItemTitles;
  metrics: GatewayMetrics;
  settings: FeedSettings;
}

export interface Logger {
  warn(obj: object, msg: string): void;
}

export type StageName = 'profile' | 'retrieval' | 'ranking' | 'rerank';

/** Per-request state shared by the stages. */
export interface FeedContext {
  deps: FeedDeps;
  requestId: string;
  log: Logger;
  /** Fallbacks taken so far, in order, each once. */
  degraded: string[];
  /** Milliseconds per stage. */
  timings: Record<StageName, number>;
}

export function newContext(deps: FeedDeps, requestId: string, log: Logger): FeedContext {
  return {
    deps,
    requestId,
    log,
    degraded: [],
    timings: { profile: 0, retrieval: 0, ranking: 0, rerank: 0 },
  };
}

export function degrade(ctx: FeedContext, reason: string): void {
  if (!ctx.degraded.includes(reason)) ctx.degraded.push(reason);
}

/** Runs one stage, recording its duration in the response timings and the histogram. */
export async function timed<T>(
  ctx: FeedContext,
  stage: StageName,
  run: () => T | Promise<T>,
): Promise<T> {
  const start = performance.now();
  try {
    return await run();
  } finally {
    const ms = performance.now() - start;
    ctx.timings[stage] = ms;
    ctx.deps.metrics.stageSeconds.observe({ stage }, ms / 1000);
  }
}
