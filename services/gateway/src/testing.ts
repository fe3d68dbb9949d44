import { MemoryProfileStore } from '@recsys/feature-store';
import type { candidates, ranking } from '@recsys/contracts';
import type { AppDeps } from './app.js';
import type { CallOptions, CandidatesClient, RankingClient } from './clients.js';
import type { FeedSettings } from './config.js';
import { createGatewayMetrics } from './metrics.js';

// In-process fakes of the gateway's dependencies, for its unit tests.

type Handler<Req, Res> = (request: Req, options: CallOptions) => Res | Promise<Res>;

export class FakeCandidates implements CandidatesClient {
  readonly calls: candidates.GenerateRequest[] = [];
  constructor(public handler: Handler<candidates.GenerateRequest, candidates.GenerateResponse>) {}
  generate(request: candidates.GenerateRequest, options: CallOptions) {
    this.calls.push(request);
    // Through a promise, so a handler that throws rejects like a real client.
    return Promise.resolve().then(() => this.handler(request, options));
  }
}

export class FakeRanking implements RankingClient {
  readonly calls: ranking.RankRequest[] = [];
  constructor(public handler: Handler<ranking.RankRequest, ranking.RankResponse>) {}
  rank(request: ranking.RankRequest, options: CallOptions) {
    this.calls.push(request);
    return Promise.resolve().then(() => this.handler(request, options));
  }
}

/** `count` candidates i1..iN, retrieval scores falling, sources cycling. */
export function candidateList(count: number, sources = [['ann']]): candidates.Candidate[] {
  return Array.from({ length: count }, (_, i) => ({
    itemId: `i${i + 1}`,
    score: 1 - i / (count + 1),
    sources: sources[i % sources.length]!,
    viaItemId: '',
    interactions: 100,
  }));
}

export function generated(list: candidates.Candidate[], degraded: string[] = []) {
  const sourceCounts: Record<string, number> = {};
  for (const c of list) for (const s of c.sources) sourceCounts[s] = (sourceCounts[s] ?? 0) + 1;
  return { candidates: list, sourceCounts, modelVersion: 'retrieval-v1', degraded };
}

/** A ranker that reverses retrieval order, so tests can tell which order was served. */
export function reversingRanker(request: ranking.RankRequest): ranking.RankResponse {
  return { scores: request.itemIds.map((_, i) => i), modelVersion: 'ranker-v1', degraded: [] };
}

/** One-hot embeddings: every item orthogonal to every other, so MMR keeps rank order. */
export function orthogonalVectors(count: number, dim = 256): Map<string, Float32Array> {
  const vectors = new Map<string, Float32Array>();
  for (let i = 0; i < count; i++) {
    const v = new Float32Array(dim);
    v[i % dim] = 1;
    vectors.set(`i${i + 1}`, v);
  }
  return vectors;
}

export const TEST_SETTINGS: FeedSettings = {
  candidatesDeadlineMs: 200,
  rankingDeadlineMs: 200,
  profileDeadlineMs: 50,
  candidateLimit: 1000,
  rerankWindow: 100,
  lambda: { home: 0.8, more_like_this: 0.8, search: 0.9, email_digest: 0.5 },
  exploration: { home: 0.1, more_like_this: 0.1, search: 0, email_digest: 0.1 },
  explorationMaxInteractions: 10,
};

/** Deps with 50 candidates, a reversing ranker and orthogonal embeddings. */
export function fakeDeps(overrides: Partial<AppDeps> = {}) {
  const candidates = new FakeCandidates(() => generated(candidateList(50)));
  const ranking = new FakeRanking(reversingRanker);
  const profiles = new MemoryProfileStore();
  const deps: AppDeps = {
    candidates,
    ranking,
    profiles,
    itemVectors: orthogonalVectors(300),
    metrics: createGatewayMetrics(),
    settings: TEST_SETTINGS,
    ...overrides,
  };
  return { deps, candidates, ranking, profiles };
}
