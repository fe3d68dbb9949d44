export { checkFeeds } from './check-feeds.js';
export { ModelHandle, type SwapOptions } from './model-handle.js';
export { ModelPool } from './model-pool.js';
export type { ModelPoolOptions, PoolEvent, PoolStats, RunOptions } from './pool-options.js';
export {
  ARRAY_FOR_TYPE,
  type FeedTensor,
  type Feeds,
  type OutputTensor,
  type Outputs,
  type TensorInfo,
  type TensorType,
  type TypedArray,
} from './tensor.js';
