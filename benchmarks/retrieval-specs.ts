/** The index types and search settings the retrieval benchmark sweeps. */
export interface Spec {
  name: string;
  /** FAISS index_factory string (inner-product metric). */
  factory: string;
  /** Rows k-means and PQ train on: a seeded sample, since training on all 1 M is slow. */
  trainRows: number;
  knob: 'nprobe' | 'efSearch';
  values: number[];
  /** Skipped by --quick: builds that take minutes on 2 cores. */
  slow?: boolean;
}

export const SPECS: Spec[] = [
  {
    name: 'IVF1024-Flat',
    factory: 'IVF1024,Flat',
    trainRows: 100_000,
    knob: 'nprobe',
    values: [8, 16, 32, 48, 64, 128],
  },
  {
    name: 'IVF4096-Flat',
    factory: 'IVF4096,Flat',
    trainRows: 200_000,
    knob: 'nprobe',
    values: [32, 64, 96, 128, 192, 256],
  },
  {
    name: 'IVF16384-Flat',
    factory: 'IVF16384,Flat',
    trainRows: 200_000,
    knob: 'nprobe',
    values: [64, 128, 256, 384, 512],
    slow: true,
  },
  {
    // 32 sub-quantizers of 2 dims, 8 bits: 32 bytes per item instead of 256.
    name: 'IVF4096-PQ32',
    factory: 'IVF4096,PQ32',
    trainRows: 200_000,
    knob: 'nprobe',
    values: [64, 128, 256, 512],
  },
  {
    // The binding raises efSearch below k to k, so the sweep starts at k.
    name: 'HNSW32',
    factory: 'HNSW32',
    trainRows: 0,
    knob: 'efSearch',
    values: [1000, 1500, 2500],
    slow: true,
  },
];
