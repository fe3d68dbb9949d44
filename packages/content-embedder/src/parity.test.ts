import { loadArtifacts } from '@recsys/artifacts';
import { tinyArtifacts } from '@recsys/artifacts/testing';
import { describe, expect, it } from 'vitest';
import { ContentEmbedder } from './content-embedder.js';
import { hashTexts } from './hashing.js';
import { itemInputs } from './item-inputs.js';
import { itemText } from './item-text.js';
import {
  embedReference,
  hasPython,
  PARITY_ITEMS,
  PYTHON,
  TOKENIZER_CASES,
  tokensReference,
  type EmbedReference,
} from './testing/index.js';
import { WordPieceTokenizer } from './wordpiece.js';

// Training's own code is the reference (test-fixtures/reference.py runs item_text, the text
// encoders, content_scalars, category_rows and content_encoder.onnx in onnxruntime).
const TOL = 1e-5;
const skip = !hasPython();
const why = skip ? ` (skipped: ${PYTHON} is missing; run \`make venv\`)` : '';

function expectClose(got: ArrayLike<number>, want: number[], what: string, tol = TOL): void {
  expect(got.length, what).toBe(want.length);
  const bad: string[] = [];
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= tol) && bad.length < 5)
      bad.push(`[${i}] ${got[i]} vs ${want[i]}`);
  }
  expect(bad, what).toEqual([]);
}

/** Texts, category rows, scalars and final vectors of PARITY_ITEMS against training's. */
async function expectParity(dir: string, ref: EmbedReference): Promise<void> {
  const artifacts = await loadArtifacts(dir);
  expect(ref.kind).toBe(artifacts.manifest.textEncoder?.kind);
  const maxTags = artifacts.manifest.textEncoder!.maxTags;
  expect(PARITY_ITEMS.map((c) => itemText(c, maxTags))).toEqual(ref.texts);
  PARITY_ITEMS.forEach((c, i) => {
    const inputs = itemInputs(c, artifacts);
    expect(Array.from(inputs.categoryRows), `categories of item ${i}`).toEqual(
      ref.category_rows[i],
    );
    expect(
      Array.from(inputs.scalars, (v) => (Number.isNaN(v) ? null : v)),
      `scalars of item ${i}`,
    ).toEqual(ref.scalars[i]);
  });
  const embedder = await ContentEmbedder.open(artifacts);
  try {
    const { vectors } = await embedder.embed(PARITY_ITEMS);
    expectClose(vectors, ref.vectors.flat(), 'content vectors');
    // One at a time too: padding in a batch must not change a vector.
    const alone = await embedder.embed([PARITY_ITEMS[0]!]);
    expectClose(alone.vectors, ref.vectors[0]!, 'content vector of item 0 alone');
  } finally {
    await embedder.close();
  }
}

describe.skipIf(skip)(`parity with training${why}`, () => {
  it("hashing (.run/artifacts-tiny): text, inputs and vectors equal training's", async () => {
    const dir = await tinyArtifacts();
    const ref = await embedReference(dir, PARITY_ITEMS);
    expectClose(
      hashTexts(ref.texts, ref.text_embeddings[0]!.length),
      ref.text_embeddings.flat(),
      'text',
      1e-6,
    );
    await expectParity(dir, ref);
  }, 600_000);

  it('WordPiece ids equal the Hugging Face tokenizer MiniLM ships with', async () => {
    const ref = await tokensReference(TOKENIZER_CASES);
    expect(ref.fast).toBe(true);
    const tokenizer = await WordPieceTokenizer.fromFiles(ref.vocab, ref.tokenizer, ref.max_length);
    TOKENIZER_CASES.forEach((text, i) => {
      expect(tokenizer.encode(text), JSON.stringify(text)).toEqual(ref.token_ids[i]);
    });
  }, 120_000);

  it("minilm (.run/artifacts-tiny-minilm): token ids and vectors equal training's", async () => {
    const dir = await tinyArtifacts({ textEncoder: 'minilm' });
    const ref = await embedReference(dir, PARITY_ITEMS);
    const artifacts = await loadArtifacts(dir);
    const spec = artifacts.manifest.textEncoder!;
    const tokenizer = await WordPieceTokenizer.fromFiles(
      `${dir}/${spec.vocabPath}`,
      `${dir}/${spec.tokenizerPath}`,
      spec.maxLength,
    );
    ref.texts.forEach((text, i) => expect(tokenizer.encode(text), text).toEqual(ref.token_ids![i]));
    await expectParity(dir, ref);
  }, 600_000);
});
