import { AppError } from '@recsys/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelHandle } from './model-handle.js';
import { linearY, makeTestModels, type TestModels } from './test-models.js';

let models: TestModels;
beforeAll(async () => {
  models = await makeTestModels();
}, 60_000);
afterAll(() => models?.remove());

const ROW = [1, 2, 3];
const V1 = Math.fround(linearY(ROW, 1)[0] ?? NaN);
const V2 = Math.fround(linearY(ROW, 2)[0] ?? NaN);

describe('ModelHandle', () => {
  it('swaps models under concurrent calls without dropping or mixing any', async () => {
    const handle = await ModelHandle.open({ path: models.linear, perWorker: 1 });
    const oldPool = handle.pool;
    const seen: { value: number | undefined; finishedAfterSwitch: boolean }[] = [];
    const failures: unknown[] = [];
    let stop = false;
    // Eight clients, each with one call outstanding at all times, so the old pool
    // holds running and queued calls at the moment of the switch.
    const client = async () => {
      while (!stop) {
        try {
          const out = await handle.run({ x: { data: Float32Array.from(ROW), dims: [1, 3] } });
          seen.push({
            value: out.y?.data[0] as number,
            finishedAfterSwitch: handle.pool !== oldPool,
          });
        } catch (err) {
          failures.push(err);
        }
      }
    };
    const clients = Array.from({ length: 8 }, client);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await handle.swap({ path: models.linearV2, perWorker: 1 });
    const afterSwap = seen.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    stop = true;
    await Promise.all(clients);

    expect(failures).toEqual([]);
    expect(new Set(seen.map((s) => s.value))).toEqual(new Set([V1, V2]));
    // Calls the old pool held at the switch finished on it, with the old answer.
    expect(seen.filter((s) => s.value === V1 && s.finishedAfterSwitch).length).toBeGreaterThan(0);
    // Once swap() resolves every answer comes from the new model.
    expect(seen.slice(afterSwap).every((s) => s.value === V2)).toBe(true);
    expect(handle.path).toBe(models.linearV2);
    const closed = await oldPool
      .run({ x: { data: new Float32Array(3), dims: [1, 3] } })
      .catch((e: unknown) => e);
    expect((closed as AppError).code).toBe('unavailable');
    await handle.close();
  });

  it('keeps the current model when the new one fails to load or changes signature', async () => {
    const handle = await ModelHandle.open({ path: models.linear });
    try {
      await expect(handle.swap({ path: `${models.linear}.missing` })).rejects.toThrow(
        /cannot load/,
      );
      const changed = await handle.swap({ path: models.embed }).catch((e: unknown) => e);
      expect(changed).toBeInstanceOf(AppError);
      expect((changed as AppError).message).toMatch(
        /different signature \(inputs ids:int64\[batch\]/,
      );
      const out = await handle.run({ x: { data: Float32Array.from(ROW), dims: [1, 3] } });
      expect(out.y?.data[0]).toBe(V1);

      await handle.swap({ path: models.embed }, { allowSignatureChange: true });
      expect(handle.inputs.map((i) => i.name)).toEqual(['ids', 'weight']);
    } finally {
      await handle.close();
    }
  });
});
