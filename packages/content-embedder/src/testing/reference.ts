// Test support: reference values from test-fixtures/reference.py, which computes them with
// the training package itself (item_text, the text encoders, content_scalars, category_rows)
// and onnxruntime.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ItemContentInput } from '../item-content.js';

const SCRIPT = fileURLToPath(new URL('../../test-fixtures/reference.py', import.meta.url));
const TRAINING = fileURLToPath(new URL('../../../../training', import.meta.url));
/** training's venv; the parity tests need it and skip, saying so, where it is absent. */
export const PYTHON = `${TRAINING}/.venv/bin/python`;
export const hasPython = (): boolean => existsSync(PYTHON);

type Matrix = (number | null)[][];

/** What reference.py prints for `mode: embed` (null = NaN). */
export interface EmbedReference {
  kind: string;
  texts: string[];
  category_rows: number[][];
  scalars: Matrix;
  text_embeddings: number[][];
  vectors: number[][];
  /** minilm only: the Hugging Face tokenizer's ids of each text. */
  token_ids?: number[][];
}

/** What reference.py prints for `mode: tokens`: MiniLM's own tokenizer files and ids. */
export interface TokensReference {
  vocab: string;
  tokenizer: string;
  max_length: number;
  fast: boolean;
  token_ids: number[][];
}

async function runReference<T>(doc: object): Promise<T> {
  const child = spawn(PYTHON, [SCRIPT], { cwd: TRAINING, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const done = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdin.end(JSON.stringify(doc));
  const code = await done;
  if (code !== 0) {
    throw new Error(`reference.py exited ${code}: ${Buffer.concat(err).toString().slice(-2000)}`);
  }
  return JSON.parse(Buffer.concat(out).toString()) as T;
}

/** Training's embedding of `items` with the version in `artifacts` (a folder). */
export const embedReference = (artifacts: string, items: readonly ItemContentInput[]) =>
  runReference<EmbedReference>({ mode: 'embed', artifacts, items });

/** MiniLM's Hugging Face tokenizer ids of `texts` (max_length 128, truncated). */
export const tokensReference = (texts: readonly string[]) =>
  runReference<TokensReference>({ mode: 'tokens', texts });
