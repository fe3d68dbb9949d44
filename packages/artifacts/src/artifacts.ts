import type { manifest } from '@recsys/contracts';
import type { ItemCatalog } from './item-catalog.js';
import type { ItemEmbeddings } from './item-embeddings.js';
import type { ItemFeatures } from './item-features.js';
import type { ItemNeighbours } from './item-neighbours.js';
import type { PopularityTable } from './popularity-table.js';
import type { UserHistories } from './user-histories.js';
import type { Vocabulary } from './vocabulary.js';

/**
 * One artifacts version in memory: everything the services read from a trained folder,
 * validated against its manifest. Tables are indexed by item row (item_idx + 1), as every
 * model input is; `items` maps rows to external ids and back.
 */
export interface Artifacts {
  /** Absolute folder the version was read from. */
  dir: string;
  version: string;
  manifest: manifest.ModelManifest;
  items: ItemCatalog;
  embeddings: ItemEmbeddings;
  neighbours: ItemNeighbours;
  popularity: PopularityTable;
  /** Per-item model inputs and training counts (categories, scalars, counts, decayed, ...). */
  features: ItemFeatures;
  /** Training users and their recent histories; undefined when the export has none. */
  histories: UserHistories | undefined;
  /**
   * Vocabularies by name: users, categories, devices, surfaces, regions (vocab_<name>.json;
   * row 0 is the unknown bucket).
   */
  vocabularies: ReadonlyMap<string, Vocabulary>;
  /** Absolute path of the ONNX model of a role, if the export has one. */
  modelPath(role: manifest.ModelRole): string | undefined;
  /** Absolute path of the exported FAISS index, if any. */
  indexPath: string | undefined;
}
