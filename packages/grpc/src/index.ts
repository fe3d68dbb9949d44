export { startGrpcServer, type GrpcService, type RunningGrpcServer } from './server.js';
export { toServiceError, unary } from './unary.js';
