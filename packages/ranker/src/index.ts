export {
  BASE_COLUMNS,
  densePlan,
  fillRetrievalScore,
  writeDense,
  type DensePlan,
} from './dense-features.js';
export { loadRankerSource, rankerSourceOf } from './artifacts-source.js';
export { applyRankerUpdates } from './item-updates.js';
export { LiveItemTables, type LiveItem } from './live-items.js';
export { LoadedVersion, type PoolSettings, type RankerSource } from './loaded-version.js';
export { DenseNeighbours, ListVocabulary, MemoryUserTables } from './memory-tables.js';
export { contextRows, rankerFeeds, userTowerFeeds, type ContextRows } from './model-feeds.js';
export {
  Ranker,
  type RankOptions,
  type RankRequest,
  type RankResult,
  type RankStage,
  type RankerOptions,
} from './ranker.js';
export {
  checkTables,
  type ItemTables,
  type NeighbourTable,
  type RankerTables,
  type SessionSpec,
  type StoredHistory,
  type UserTables,
  type Vocabulary,
} from './tables.js';
export { topCategories, userFeatures, type UserFeatures } from './user-features.js';
export { sessionLength, stateFromHistory, stateWithSession, type UserState } from './user-state.js';
