/**
 * Item data the gateway reads from the serving artifacts: embeddings for MMR
 * and titles for the reasons it shows. Both are lookups on data held in
 * memory; the artifacts loader implements them (a Map satisfies both).
 */
export interface ItemVectors {
  get(itemId: string): Float32Array | undefined;
}

export interface ItemTitles {
  get(itemId: string): string | undefined;
}
