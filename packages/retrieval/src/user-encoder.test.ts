import { historyLength, loadArtifacts } from '@recsys/artifacts';
import { tinyArtifacts } from '@recsys/artifacts/testing';
import { manifest } from '@recsys/contracts';
import { ModelPool } from '@recsys/onnx-runner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxUserEncoder } from './user-encoder.js';

let pool: ModelPool;
let encoder: OnnxUserEncoder;
beforeAll(async () => {
  const artifacts = await loadArtifacts(await tinyArtifacts());
  const path = artifacts.modelPath(manifest.ModelRole.MODEL_ROLE_USER_TOWER) as string;
  // A request deadline far below ONNX Runtime's first-run setup, as on a busy machine.
  pool = await ModelPool.open({ path, workers: 1, deadlineMs: 1 });
  encoder = new OnnxUserEncoder(pool, {
    historyLength: historyLength(artifacts.manifest),
    dim: artifacts.manifest.embeddingDim,
  });
}, 120_000);
afterAll(async () => {
  await pool.close();
});

describe('OnnxUserEncoder.warmUp', () => {
  it('is not held to the per-request deadline, so a slow first run cannot stop a start', async () => {
    await expect(encoder.warmUp()).resolves.toBeUndefined();
  });
});
