import type { Artifacts } from '@recsys/artifacts';
import { manifest } from '@recsys/contracts';
import { AppError } from '@recsys/errors';
import { ModelPool, type TensorInfo } from '@recsys/onnx-runner';
import { z } from 'zod';
import { ItemContent, type ItemContentInput } from './item-content.js';
import { itemInputs, type ItemInputs } from './item-inputs.js';
import { itemText } from './item-text.js';
import { openTextEncoder, type ItemTextEncoder } from './text-encoder.js';

export interface ContentEmbedderOptions {
  /** Worker threads per ONNX model (content encoder, and text encoder for minilm). Default 1. */
  workers?: number;
  /** Deadline of each ONNX call in ms; past it the call fails as retryable `deadline_exceeded`. */
  deadlineMs?: number;
}

export interface Embedded {
  /** [n, dim] content embeddings, L2-normalised as the model outputs them. */
  vectors: Float32Array;
  /** Each item's category rows and raw scalars, for the item tables. */
  inputs: ItemInputs[];
}

/** Items per content_encoder.onnx call. */
const BATCH = 256;

const width = (info: TensorInfo | undefined) =>
  typeof info?.dims[1] === 'number' ? info.dims[1] : undefined;

/**
 * Embeds new catalog items from content only, exactly as training embeds cold items: item
 * text -> the version's text encoder -> content_encoder.onnx with category rows and raw
 * scalars (training/README.md, "Item text" and content_encoder.onnx). The vectors live in the
 * same space as that version's item_embeddings, so they can join its ANN index at once.
 */
export class ContentEmbedder {
  private constructor(
    private readonly artifacts: Artifacts,
    private readonly text: ItemTextEncoder,
    private readonly content: ModelPool,
    readonly dim: number,
    private readonly maxTags: number,
  ) {}

  get version(): string {
    return this.artifacts.version;
  }

  /** Loads the version's text and content encoders and checks their shapes against its tables. */
  static async open(
    artifacts: Artifacts,
    options: ContentEmbedderOptions = {},
  ): Promise<ContentEmbedder> {
    const where = `artifacts ${artifacts.version}`;
    const path = artifacts.modelPath(manifest.ModelRole.MODEL_ROLE_CONTENT_ENCODER);
    if (path === undefined) {
      throw new AppError(
        'unavailable',
        `${where}: no content encoder (MODEL_ROLE_CONTENT_ENCODER, content_encoder.onnx) in the manifest; new items cannot be embedded`,
        false,
      );
    }
    if (!artifacts.vocabularies.has('categories')) {
      throw new AppError('invalid_argument', `${where}: no categories vocabulary`);
    }
    const pool = { workers: options.workers ?? 1, deadlineMs: options.deadlineMs };
    const text = await openTextEncoder(artifacts, pool);
    let content: ModelPool | undefined;
    try {
      content = await ModelPool.open({ ...pool, path });
      const input = (name: string) => content?.inputs.find((i) => i.name === name);
      const output = content.outputs.find((o) => o.name === 'item_embedding');
      const { categoryWidth, scalarNames } = artifacts.features;
      const want = `text_embedding [B, ${text.dim}], categories [B, ${categoryWidth}], scalars [B, ${scalarNames.length}] -> item_embedding [B, ${artifacts.manifest.embeddingDim}]`;
      if (
        content.inputs.length !== 3 ||
        width(input('text_embedding')) !== text.dim ||
        width(input('categories')) !== categoryWidth ||
        width(input('scalars')) !== scalarNames.length ||
        width(output) !== artifacts.manifest.embeddingDim
      ) {
        throw new AppError(
          'invalid_argument',
          `${path}: does not match ${where}: expected ${want}`,
        );
      }
      // proto3 reads an absent max_tags as 0; manifests before the field used training's 20.
      const maxTags = artifacts.manifest.textEncoder?.maxTags || 20;
      return new ContentEmbedder(
        artifacts,
        text,
        content,
        artifacts.manifest.embeddingDim,
        maxTags,
      );
    } catch (err) {
      await Promise.all([text.close(), content?.close()]);
      throw err;
    }
  }

  /** Embeds a batch of items; rejects with `invalid_argument` naming the first bad item. */
  async embed(items: readonly ItemContentInput[]): Promise<Embedded> {
    const contents = items.map((item, i) => {
      const parsed = ItemContent.safeParse(item);
      if (!parsed.success) {
        throw new AppError('invalid_argument', `item ${i}: ${z.prettifyError(parsed.error)}`);
      }
      return parsed.data;
    });
    const n = contents.length;
    const inputs = contents.map((c) => itemInputs(c, this.artifacts));
    const vectors = new Float32Array(n * this.dim);
    if (n === 0) return { vectors, inputs };
    const textVectors = await this.text.encode(contents.map((c) => itemText(c, this.maxTags)));
    const c = this.artifacts.features.categoryWidth;
    const s = this.artifacts.features.scalarNames.length;
    const calls: Promise<void>[] = [];
    for (let start = 0; start < n; start += BATCH) {
      const end = Math.min(n, start + BATCH);
      const b = end - start;
      const categories = new BigInt64Array(b * c);
      const scalars = new Float32Array(b * s);
      for (let i = 0; i < b; i++) {
        const row = inputs[start + i]!;
        row.categoryRows.forEach((r, j) => (categories[i * c + j] = BigInt(r)));
        scalars.set(row.scalars, i * s);
      }
      const run = this.content.run({
        text_embedding: {
          data: textVectors.slice(start * this.text.dim, end * this.text.dim),
          dims: [b, this.text.dim],
        },
        categories: { data: categories, dims: [b, c] },
        scalars: { data: scalars, dims: [b, s] },
      });
      calls.push(
        run.then((o) => vectors.set(o.item_embedding!.data as Float32Array, start * this.dim)),
      );
    }
    await Promise.all(calls);
    return { vectors, inputs };
  }

  async close(): Promise<void> {
    await Promise.all([this.text.close(), this.content.close()]);
  }
}
