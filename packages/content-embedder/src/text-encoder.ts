import { join } from 'node:path';
import type { Artifacts } from '@recsys/artifacts';
import { manifest } from '@recsys/contracts';
import { AppError } from '@recsys/errors';
import { ModelPool, type ModelPoolOptions } from '@recsys/onnx-runner';
import { hashTexts } from './hashing.js';
import { WordPieceTokenizer } from './wordpiece.js';

/** Item text -> the content encoder's text_embedding input, as the version's manifest names it. */
export interface ItemTextEncoder {
  readonly kind: string;
  readonly dim: number;
  /** [texts.length, dim] */
  encode(texts: readonly string[]): Promise<Float32Array>;
  close(): Promise<void>;
}

export type PoolSettings = Omit<ModelPoolOptions, 'path'>;

/** Texts per text_encoder.onnx call: large enough to batch well, small enough to spread over workers. */
const MINILM_BATCH = 32;

/** The hashing encoder: plain arithmetic, microseconds per item, so it stays in this thread. */
class HashingEncoder implements ItemTextEncoder {
  readonly kind = 'hashing';
  constructor(readonly dim: number) {}
  encode(texts: readonly string[]): Promise<Float32Array> {
    return Promise.resolve(hashTexts(texts, this.dim));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** all-MiniLM-L6-v2: WordPiece here, the transformer in text_encoder.onnx worker threads. */
class MiniLmEncoder implements ItemTextEncoder {
  readonly kind = 'minilm';
  constructor(
    readonly dim: number,
    private readonly tokenizer: WordPieceTokenizer,
    private readonly pool: ModelPool,
  ) {}

  async encode(texts: readonly string[]): Promise<Float32Array> {
    const out = new Float32Array(texts.length * this.dim);
    const calls: Promise<void>[] = [];
    for (let start = 0; start < texts.length; start += MINILM_BATCH) {
      const batch = this.tokenizer.batch(texts.slice(start, start + MINILM_BATCH));
      const run = this.pool.run({
        input_ids: { data: batch.inputIds, dims: batch.dims },
        attention_mask: { data: batch.attentionMask, dims: batch.dims },
      });
      calls.push(
        run.then((o) => out.set(o.text_embedding!.data as Float32Array, start * this.dim)),
      );
    }
    await Promise.all(calls);
    return out;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** A file the manifest lists, by its path in textEncoder (so it was checked when loaded). */
function listedFile(artifacts: Artifacts, path: string, what: string): string {
  const listed = artifacts.manifest.artifacts.some((a) => a.path === path);
  if (path === '' || !listed) {
    throw new AppError(
      'invalid_argument',
      `artifacts ${artifacts.version}: text encoder ${what} "${path}" is not among the manifest's artifacts`,
    );
  }
  return join(artifacts.dir, path);
}

/** Opens the text encoder `manifest.textEncoder` names, checked against it. */
export async function openTextEncoder(
  artifacts: Artifacts,
  pool: PoolSettings,
): Promise<ItemTextEncoder> {
  const spec = artifacts.manifest.textEncoder;
  const where = `artifacts ${artifacts.version}`;
  if (spec === undefined || spec.dim < 1) {
    throw new AppError('invalid_argument', `${where}: the manifest has no textEncoder spec`);
  }
  if (spec.kind === 'hashing') return new HashingEncoder(spec.dim);
  if (spec.kind !== 'minilm') {
    throw new AppError('invalid_argument', `${where}: unknown text encoder kind "${spec.kind}"`);
  }
  const path = artifacts.modelPath(manifest.ModelRole.MODEL_ROLE_TEXT_ENCODER);
  if (path === undefined) {
    throw new AppError(
      'unavailable',
      `${where}: textEncoder.kind is minilm but the manifest has no MODEL_ROLE_TEXT_ENCODER model (text_encoder.onnx)`,
      false,
    );
  }
  const tokenizer = await WordPieceTokenizer.fromFiles(
    listedFile(artifacts, spec.vocabPath, 'vocabulary'),
    spec.tokenizerPath === '' ? undefined : listedFile(artifacts, spec.tokenizerPath, 'tokenizer'),
    spec.maxLength,
  );
  const models = await ModelPool.open({ ...pool, path });
  const output = models.outputs.find((o) => o.name === 'text_embedding');
  const names = models.inputs.map((i) => i.name).sort();
  if (output?.dims[1] !== spec.dim || names.join() !== 'attention_mask,input_ids') {
    await models.close();
    throw new AppError(
      'invalid_argument',
      `${path}: expected input_ids, attention_mask -> text_embedding [B, ${spec.dim}]`,
    );
  }
  return new MiniLmEncoder(spec.dim, tokenizer, models);
}
