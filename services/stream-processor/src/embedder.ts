import type { Artifacts } from '@recsys/artifacts';
import { ContentEmbedder, type ItemContentInput, type ItemInputs } from '@recsys/content-embedder';
import type { events } from '@recsys/contracts';

/** One artifacts version's content encoder, as the catalog stages use it. */
export interface VersionEmbedder {
  readonly version: string;
  /** True when the version was trained with the item: its trained embedding wins there. */
  covers(itemId: string): boolean;
  embed(
    items: readonly ItemContentInput[],
  ): Promise<{ vectors: Float32Array; inputs: ItemInputs[] }>;
  close(): Promise<void>;
}

/** The content encoder of a loaded artifacts version, with its catalog for covers(). */
export async function openVersionEmbedder(
  artifacts: Artifacts,
  options: { workers: number },
): Promise<VersionEmbedder> {
  const embedder = await ContentEmbedder.open(artifacts, { workers: options.workers });
  const trainedRows = artifacts.embeddings.baseRows;
  return {
    version: artifacts.version,
    covers: (itemId) => (artifacts.items.rowOf(itemId) ?? trainedRows) < trainedRows,
    embed: (items) => embedder.embed(items),
    close: () => embedder.close(),
  };
}

/** A catalog event's content as the content encoder takes it. */
export function contentOf(content: events.ItemContent | undefined): ItemContentInput {
  return {
    title: content?.title ?? '',
    categories: content?.categories ?? [],
    tags: content?.tags ?? [],
    numeric: content?.numeric ?? {},
  };
}
