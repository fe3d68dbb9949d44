/**
 * Raw ONNX Runtime rate against the same model through @recsys/onnx-runner, measured in one
 * process so a service's cost can be stated as a ratio to the raw rate of the same run.
 * The ranking benchmark imports `compareOnnx`; `onnx-bench.ts` is its command line.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ModelPool, type Feeds, type TensorInfo, type TypedArray } from '@recsys/onnx-runner';
import ort from 'onnxruntime-node';

export interface Rate {
  calls: number;
  callsPerSec: number;
  rowsPerSec: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  /** Worst event-loop stall while measuring (perf_hooks, 1 ms resolution). */
  loopMaxMs: number;
}

export interface Comparison {
  model: string;
  batch: number;
  /** `session.run` awaited back to back on the main thread. */
  raw: Rate;
  /** One worker, one call at a time: raw cost plus the pool's per-call overhead. */
  poolSerial: Rate;
  /** `workers` workers with `concurrency` calls outstanding. */
  poolParallel: Rate;
  /** poolSerial p50 minus raw p50: what the thread hop costs a typical call. */
  overheadP50Ms: number;
  /** The same on means, which a loaded machine's stalls move more. */
  overheadMeanMs: number;
}

export interface CompareOptions {
  model: string;
  batch: number;
  workers?: number;
  concurrency?: number;
  intraOpThreads?: number;
  /** Time per path, after a warm-up of a tenth of it. */
  seconds?: number;
  /** Turns the paths take, each `seconds / rounds` long. */
  rounds?: number;
  /** Integer inputs get values in [0, intMax): keep ids inside embedding tables. */
  intMax?: number;
}

const ARRAYS = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
} as const;

/** Seeded inputs for every model input, symbolic and unknown dims set to `batch`. */
export function feedsFor(inputs: readonly TensorInfo[], batch: number, intMax = 1): Feeds {
  let state = 0x9e3779b9;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const feeds: Feeds = {};
  for (const info of inputs) {
    const dims = info.dims.map((d) => (typeof d === 'number' && d >= 0 ? d : batch));
    const size = dims.reduce((n, d) => n * d, 1);
    let data: TypedArray;
    if (info.type === 'int64' || info.type === 'uint64') {
      const values = Array.from({ length: size }, () => BigInt(Math.floor(next() * intMax)));
      data = info.type === 'int64' ? BigInt64Array.from(values) : BigUint64Array.from(values);
    } else {
      const float = info.type === 'float32' || info.type === 'float64';
      const array = new ARRAYS[info.type](size);
      for (let i = 0; i < size; i++)
        array[i] = float ? next() * 2 - 1 : Math.floor(next() * intMax);
      data = array;
    }
    feeds[info.name] = { data, dims };
  }
  return feeds;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** Latencies and busy time of one path, gathered over several rounds. */
class Tally {
  readonly latencies: number[] = [];
  seconds = 0;
  loopMaxMs = 0;

  rate(batch: number): Rate {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return {
      calls: sorted.length,
      callsPerSec: sorted.length / this.seconds,
      rowsPerSec: (sorted.length * batch) / this.seconds,
      meanMs: sorted.reduce((s, v) => s + v, 0) / sorted.length,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      loopMaxMs: this.loopMaxMs,
    };
  }
}

/** Runs `call` from `concurrency` loops for `seconds`, adding to `tally`. */
async function measure(
  call: () => Promise<unknown>,
  seconds: number,
  concurrency: number,
  tally: Tally,
): Promise<void> {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const started = performance.now();
  const until = started + seconds * 1000;
  const client = async () => {
    while (performance.now() < until) {
      const t = performance.now();
      await call();
      tally.latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  tally.seconds += (performance.now() - started) / 1000;
  loop.disable();
  tally.loopMaxMs = Math.max(tally.loopMaxMs, loop.max / 1e6);
}

/**
 * Raw session.run on the main thread and the pool, on the same model, batch and inputs.
 * The three paths take turns over `rounds` rounds, so a shared machine's changing load
 * falls on all of them alike and the ratios stay meaningful.
 */
export async function compareOnnx(options: CompareOptions): Promise<Comparison> {
  const { model, batch, workers = 2, concurrency = 4, intraOpThreads = 1 } = options;
  const { seconds = 2, rounds = 4 } = options;
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const serial = await ModelPool.open({ path: model, workers: 1, intraOpThreads });
  const parallel = await ModelPool.open({ path: model, workers, intraOpThreads });
  try {
    const feeds = feedsFor(serial.inputs, batch, options.intMax);
    const tensors = Object.fromEntries(
      serial.inputs.map(({ name, type }) => {
        const feed = feeds[name] as Feeds[string];
        return [name, new ort.Tensor(type, feed.data, feed.dims)];
      }),
    );
    // transfer: false, so every call copies its inputs once, as a service reusing buffers would.
    const paths = [
      { call: () => session.run(tensors), concurrency: 1, tally: new Tally() },
      { call: () => serial.run(feeds, { transfer: false }), concurrency: 1, tally: new Tally() },
      {
        call: () => parallel.run(feeds, { transfer: false }),
        concurrency,
        tally: new Tally(),
      },
    ] as const;
    for (const path of paths) await measure(path.call, seconds / 10, path.concurrency, new Tally());
    for (let round = 0; round < rounds; round++) {
      for (const path of paths) {
        await measure(path.call, seconds / rounds, path.concurrency, path.tally);
      }
    }
    const [raw, poolSerial, poolParallel] = paths.map((p) => p.tally.rate(batch)) as [
      Rate,
      Rate,
      Rate,
    ];
    return {
      model,
      batch,
      raw,
      poolSerial,
      poolParallel,
      overheadP50Ms: poolSerial.p50Ms - raw.p50Ms,
      overheadMeanMs: poolSerial.meanMs - raw.meanMs,
    };
  } finally {
    await Promise.all([serial.close(), parallel.close()]);
    await session.release();
  }
}
