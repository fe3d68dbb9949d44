export { LATENCY_BUCKETS, createMetrics, timeStage, type ServiceMetrics } from './metrics.js';
export { startHealthServer, type HealthServer, type HealthServerOptions } from './health-server.js';
export { createLog, silentLog, type Log } from './log.js';
export { handleShutdown, type ShutdownOptions } from './shutdown.js';
export { createVersionMetrics, type VersionMetrics } from './version-metrics.js';
