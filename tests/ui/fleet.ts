import { loadConfig } from '@recsys/config';
import type { candidates, ranking } from '@recsys/contracts';
import {
  MemoryPopularityStore,
  MemoryProfileStore,
  MemorySessionStore,
} from '@recsys/feature-store';
import {
  buildApp,
  createGatewayMetrics,
  type CandidatesClient,
  type FeedSettings,
  type RankingClient,
} from '@recsys/gateway';
import { MemoryBus } from '@recsys/kafka';
import { Config, build, createLog, type StreamProcessor } from '@recsys/stream-processor';

/**
 * The real-time loop in one process, without the candidates and ranking
 * services: the real gateway and stream processor over the in-memory bus and
 * session store, with a stand-in retrieval that reads the session the way the
 * candidates service does (the seen set is excluded, the last item clicked
 * seeds item-to-item candidates).
 */
export interface Fleet {
  app: ReturnType<typeof buildApp>;
  bus: MemoryBus;
  processor: StreamProcessor;
  url: string;
  close(): Promise<void>;
}

export const ITEMS = 40;
/** Item-to-item neighbour of item iN: i(N+100), titled "Like Movie N". */
const neighbour = (itemId: string) => `i${Number(itemId.slice(1)) + 100}`;

export const TITLES = new Map<string, string>(
  Array.from({ length: ITEMS }, (_, i) => [
    [`i${i + 1}`, `Movie ${i + 1}`],
    [`i${i + 101}`, `Like Movie ${i + 1}`],
  ]).flat() as [string, string][],
);

const SETTINGS: FeedSettings = {
  candidatesDeadlineMs: 1_000,
  rankingDeadlineMs: 1_000,
  profileDeadlineMs: 500,
  candidateLimit: 1_000,
  rerankWindow: 100,
  lambda: { home: 1, more_like_this: 1, search: 1, email_digest: 1 },
  exploration: { home: 0, more_like_this: 0, search: 0, email_digest: 0 },
  explorationMaxInteractions: 10,
};

export async function startFleet(keys: { events?: string; demo?: string }): Promise<Fleet> {
  const bus = new MemoryBus({ partitions: { 'user-events': 2 } });
  const sessions = new MemorySessionStore();
  const processor = build(loadConfig(Config, { PROGRESS_LOG_MS: '0' }), {
    bus,
    store: sessions,
    popularity: new MemoryPopularityStore(),
    log: createLog('stream-processor', () => undefined),
  });
  await processor.start();

  const retrieval: CandidatesClient = {
    async generate(request): Promise<candidates.GenerateResponse> {
      const session = await sessions.getSession(request.userId);
      const seen = new Set([...session.seen, ...request.excludeItemIds]);
      const list: candidates.Candidate[] = [];
      const last = session.recentItems[0];
      if (last) {
        list.push({
          itemId: neighbour(last),
          score: 1,
          sources: ['session_i2i'],
          viaItemId: last,
          interactions: 100,
        });
      }
      for (let i = 1; i <= ITEMS; i++) {
        const itemId = `i${i}`;
        if (seen.has(itemId)) continue;
        list.push({
          itemId,
          score: 1 - i / 100,
          sources: [i % 4 ? 'ann' : 'popular'],
          viaItemId: '',
          interactions: 100,
        });
      }
      const sourceCounts: Record<string, number> = {};
      for (const c of list) sourceCounts[c.sources[0]!] = (sourceCounts[c.sources[0]!] ?? 0) + 1;
      return { candidates: list, sourceCounts, modelVersion: 'fake-retrieval', degraded: [] };
    },
  };
  // Keeps retrieval order, with scores falling from 1.
  const ranker: RankingClient = {
    rank: (request): Promise<ranking.RankResponse> =>
      Promise.resolve({
        scores: request.itemIds.map((_, i) => 1 - i / (request.itemIds.length + 1)),
        modelVersion: 'fake-ranker',
        degraded: [],
      }),
  };

  const app = buildApp({
    candidates: retrieval,
    ranking: ranker,
    profiles: new MemoryProfileStore(),
    itemTitles: TITLES,
    metrics: createGatewayMetrics(),
    settings: SETTINGS,
    ingest: { bus, keys },
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    bus,
    processor,
    url,
    close: async () => {
      await app.close();
      await processor.stop();
      await bus.close();
    },
  };
}
