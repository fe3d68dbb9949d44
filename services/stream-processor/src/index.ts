export { build, type Deps, type Stats, type StreamProcessor } from './app.js';
export { Config } from './config.js';
export { createLog, type Log } from '@recsys/telemetry';
