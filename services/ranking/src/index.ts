export { build, type Deps, type RankingApp } from './app.js';
export { Config } from './config.js';
export { createLog, silentLog, type Log } from '@recsys/telemetry';
export { createRankingMetrics, type RankingMetrics } from './metrics.js';
export { MAX_ITEMS, RankRequestSchema, rankService, type Scorer } from './rank-service.js';
