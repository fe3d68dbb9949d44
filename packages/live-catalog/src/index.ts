export { followItemUpdates, type FollowOptions } from './follow.js';
export { LiveCatalog, type ApplyUpdates, type LiveCatalogStats } from './live-catalog.js';
export { followLive, type LiveFollow, type LiveFollowOptions } from './follow-live.js';
export { registerLiveCatalogMetrics } from './metrics.js';
