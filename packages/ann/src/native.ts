import { createRequire } from 'node:module';
import { AppError } from '@recsys/errors';

/** What `NativeIndex.info()` reports; read without locks, so it never waits on a long add. */
export interface NativeInfo {
  dim: number;
  ntotal: number;
  trained: boolean;
  kind: 'none' | 'flat' | 'ivf' | 'hnsw' | 'other';
  metric: 'ip' | 'l2';
  nlist: number;
  nprobe: number;
  efSearch: number;
  threads: number;
}

export interface NativeSearchResult {
  distances: Float32Array;
  labels: BigInt64Array;
}

/** The class exported by build/ann.node (native/native_index.cc). */
export interface NativeIndex {
  create(dim: number, factory: string, metric: 'ip' | 'l2'): void;
  load(path: string): Promise<void>;
  save(path: string): Promise<void>;
  train(vectors: Float32Array): Promise<void>;
  /** Resolves to the number of vectors removed first when `replace` is set. */
  add(vectors: Float32Array, ids: BigInt64Array, replace: boolean): Promise<number>;
  remove(ids: BigInt64Array): Promise<number>;
  /** nprobe / efSearch 0 means the index's current setting. */
  search(
    queries: Float32Array,
    k: number,
    nprobe: number,
    efSearch: number,
  ): Promise<NativeSearchResult>;
  close(): Promise<void>;
  info(): NativeInfo;
  setNprobe(nprobe: number): void;
  setEfSearch(efSearch: number): void;
  setThreads(threads: number): void;
}

export interface NativeAddon {
  NativeIndex: new () => NativeIndex;
  faissVersion: string;
}

let addon: NativeAddon | undefined;

/** Loads build/ann.node once, on first use, so importing the package never needs it. */
export function loadNative(): NativeAddon {
  if (addon) return addon;
  const require = createRequire(import.meta.url);
  // libgomp reads this when the addon loads it. Idle OpenMP workers otherwise spin for a while
  // after each parallel train/add/batch step, taking cores from the event loop and from every
  // other process on a small shared machine; single queries never start a team anyway.
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  try {
    // Same relative path from src/ (tests) and dist/ (built code).
    addon = require('../build/ann.node') as NativeAddon;
  } catch (err) {
    throw new AppError(
      'internal',
      'ann: native addon missing or unloadable; build it with `pnpm --filter @recsys/ann run build:native`',
      false,
      { cause: err },
    );
  }
  return addon;
}
