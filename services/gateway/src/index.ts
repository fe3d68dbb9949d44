export { buildApp, type AppDeps } from './app.js';
export type { CallOptions, CandidatesClient, RankingClient } from './clients.js';
export {
  feedSettings,
  GatewayConfig,
  SURFACES,
  type FeedSettings,
  type Surface,
} from './config.js';
export type { FeedDeps } from './context.js';
export { GrpcCandidatesClient, GrpcRankingClient } from './grpc-clients.js';
export type { ItemTitles, ItemVectors } from './items.js';
export { createGatewayMetrics, type GatewayMetrics } from './metrics.js';
// The profile stores moved to @recsys/feature-store; the old name stays for existing callers.
export {
  MemoryProfileStore as InMemoryProfileStore,
  type Profile,
  type ProfileStore,
} from '@recsys/feature-store';
