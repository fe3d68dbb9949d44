// Test support: builds the tiny fixture models with the training venv's onnx.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../test-fixtures/make_models.py', import.meta.url));
const PYTHON = fileURLToPath(new URL('../../../training/.venv/bin/python', import.meta.url));

export interface TestModels {
  /** x float32 [batch, 3] -> y float32 [batch, 2] = x @ W + b, s float32 [batch] = sum(y). */
  linear: string;
  /** linear with W doubled: same signature, different answers. */
  linearV2: string;
  /** ids int64 [batch], weight int32 [batch, 1] -> out float32 [batch, 2] = table[ids] * weight. */
  embed: string;
  /** x float32 [batch, 256] -> score float32 [batch]; a deep MLP, slow enough to notice. */
  heavy: string;
  remove(): Promise<void>;
}

export async function makeTestModels(): Promise<TestModels> {
  if (!existsSync(PYTHON)) {
    throw new Error(`onnx-runner tests build their models with ${PYTHON}; run \`make venv\` first`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'onnx-runner-'));
  await run(PYTHON, [SCRIPT, dir], { timeout: 60_000 });
  return {
    linear: join(dir, 'linear.onnx'),
    linearV2: join(dir, 'linear_v2.onnx'),
    embed: join(dir, 'embed.onnx'),
    heavy: join(dir, 'heavy.onnx'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

// The weights make_models.py writes; keep the two in step.
const W = [
  [1, -1],
  [2, 0.5],
  [-3, 4],
];
const B = [0.5, -0.25];

/** The linear model's y for row-major x [rows, 3], computed in plain JS. */
export function linearY(x: ArrayLike<number>, scale = 1): number[] {
  const y: number[] = [];
  for (let r = 0; r < x.length / 3; r++) {
    for (let c = 0; c < 2; c++) {
      let sum = B[c] ?? 0;
      for (let k = 0; k < 3; k++) sum += (x[r * 3 + k] ?? 0) * (W[k]?.[c] ?? 0) * scale;
      y.push(sum);
    }
  }
  return y;
}

/** The embed model's table: row i is [2i, 2i + 1]. */
export function embedRow(id: number): [number, number] {
  return [2 * id, 2 * id + 1];
}
