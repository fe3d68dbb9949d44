export { withDeadline } from './deadline.js';
export { mergeSources, type Merged, type MergedCandidate, type SourceList } from './merge.js';
export { requestScope, seedRowOf, userFeatures } from './request-scope.js';
export { freshRows, type RetrievalState, type VectorIndex } from './retrieval-state.js';
export {
  Retriever,
  checkMixes,
  type RetrievalResponse,
  type RetrievedCandidate,
  type RetrieverHooks,
  type RetrieverOptions,
} from './retriever.js';
export { SearchIndex, tokenize, type SearchHit } from './search-index.js';
export {
  takeRows,
  type CandidateSource,
  type RetrievalRequest,
  type SourceCandidate,
  type SourceContext,
} from './source.js';
export {
  COLD_START,
  DEFAULT_MIXES,
  SOURCE_NAMES,
  SourceMix,
  defaultMixes,
  parseMix,
  type SourceName,
  type SourceSpec,
  type SurfaceMixes,
} from './source-mix.js';
export { createSources, type SourceOptions } from './sources/index.js';
export {
  LivePopularity,
  type LiveFailure,
  type LivePopularityOptions,
  type LiveRead,
  type LiveScope,
} from './live-popularity.js';
export {
  OnnxUserEncoder,
  checkSignature,
  type UserEncoder,
  type UserFeatures,
} from './user-encoder.js';
export { buildUserView, type UserView } from './user-view.js';
export { applyCatalogUpdate, type ItemUpsert } from './catalog-update.js';
export { applyItemUpdates } from './item-updates.js';
export {
  GenerateRequestSchema,
  parseGenerateRequest,
  toGenerateResponse,
  toRetrievalRequest,
  type GenerateRequestInput,
} from './generate-request.js';
export { InProcessCandidatesClient } from './in-process-client.js';
export {
  closeRetrievalState,
  defaultFactory,
  openRetrievalState,
  type OpenStateOptions,
} from './open-state.js';
export {
  startRetrieval,
  type RunningRetrieval,
  type StartRetrievalOptions,
} from './start-retrieval.js';
