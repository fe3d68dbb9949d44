export type { Artifacts } from './artifacts.js';
export {
  readFloat32,
  readInt64AsFloat64,
  readJson,
  readJsonLines,
  readRows,
  sha256File,
  type BinaryFormat,
} from './files.js';
export { ItemCatalog, type ItemRecord } from './item-catalog.js';
export { ItemEmbeddings } from './item-embeddings.js';
export { ItemNeighbours, type Neighbours } from './item-neighbours.js';
export { Live, type Lease, type LiveOptions } from './live.js';
export {
  PopularityTable,
  ranked,
  readPopularity,
  scopeKey,
  type PopularityScope,
  type RankedRows,
} from './popularity-table.js';
export { UserHistories, type SeenSets } from './user-histories.js';
export {
  CURRENT_POINTER,
  MANIFEST_FILE,
  resolveVersion,
  type ResolvedVersion,
} from './versions.js';
export { Vocabulary } from './vocabulary.js';
export { VersionWatcher, type VersionWatcherOptions, type WatchEvent } from './watcher.js';
export { itemTitles, itemVectors, type ItemLookup, type ItemSource } from './item-views.js';
export { readManifest, type ReadManifestOptions } from './manifest.js';
export { PackedStrings } from './packed-strings.js';
export { LoopTurns } from './loop-turns.js';
export { TimeSlice } from './time-slice.js';
export { runSteps, sortInSteps } from './sort-in-steps.js';
export { readStringArray } from './string-array.js';
export { readItemFeatures, type ItemFeatures, type ItemTableShape } from './item-features.js';
export { historyLength, loadArtifacts, type LoadOptions } from './load.js';
