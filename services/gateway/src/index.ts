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
export type { Profile, ProfileStore } from '@recsys/feature-store';
