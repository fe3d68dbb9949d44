export { buildCandidates, type CandidatesApp } from './app.js';
export { createLog, type Log } from '@recsys/telemetry';
export { CandidatesConfig, mixesOf } from './config.js';
export { createCandidatesMetrics, retrieverHooks, type CandidatesMetrics } from './metrics.js';
export { candidateService } from './server.js';
