import { access, constants, mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError } from '@recsys/errors';
import { checkIds, checkInt, checkPath, checkVectors } from './checks.js';
import { native, toAnnError } from './errors.js';
import { loadNative, type NativeIndex, type NativeInfo } from './native.js';

export type Metric = 'ip' | 'l2';
export type IndexKind = NativeInfo['kind'];

export interface CreateOptions {
  dim: number;
  /** A FAISS index_factory string: "Flat", "IVF4096,Flat", "IVF4096,PQ32", "HNSW32", ... */
  factory: string;
  /** Inner product (default; cosine on L2-normalised vectors) or squared L2. */
  metric?: Metric;
  /** OpenMP threads for train, add and batch searches (single queries always use one). */
  threads?: number;
}

export interface SearchOptions {
  /** IVF lists to visit for this call only; defaults to the index's nprobe. */
  nprobe?: number;
  /**
   * HNSW candidate list size for this call only (at least k); defaults to the index's
   * efSearch. FAISS 1.7.3 reads it from the index, so a value that differs from the last
   * search's is written under the exclusive lock: calls alternating values serialise.
   */
  efSearch?: number;
}

/**
 * Row-major results, `k` slots per query, best first. Labels are the int64 ids given to
 * add(), as BigInt (lossless, and FAISS's own type); a slot with no result holds label -1n.
 */
export interface SearchResult {
  queries: number;
  k: number;
  distances: Float32Array;
  labels: BigInt64Array;
}

export const MAX_K = 100_000;
const MAX_KNOB = 1 << 24;
let tmpCounter = 0;

/**
 * A FAISS index searched off the event loop. Searches share a readers-writer lock; add, upsert,
 * remove and train take it exclusively, so a search sees the index before or after an update,
 * never during one. Bulk builds belong on a fresh index that replaces the served one.
 */
export class AnnIndex {
  private constructor(private readonly index: NativeIndex) {}

  static create(options: CreateOptions): AnnIndex {
    const dim = checkInt('dim', options.dim, 1, 65_536);
    if (typeof options.factory !== 'string' || options.factory.trim() === '') {
      throw new AppError('invalid_argument', 'ann: factory must be a non-empty string');
    }
    const metric = options.metric ?? 'ip';
    if (metric !== 'ip' && metric !== 'l2') {
      throw new AppError('invalid_argument', "ann: metric must be 'ip' or 'l2'");
    }
    const index = new (loadNative().NativeIndex)();
    try {
      index.create(dim, options.factory, metric);
    } catch (err) {
      throw toAnnError(err, 'invalid_argument');
    }
    const ann = new AnnIndex(index);
    if (options.threads !== undefined) ann.setThreads(options.threads);
    return ann;
  }

  /** Reads an index file written by save() or by Python faiss (IndexIVF files included). */
  static async load(path: string, options: { threads?: number } = {}): Promise<AnnIndex> {
    checkPath(path);
    try {
      await access(path, constants.R_OK);
    } catch (err) {
      throw new AppError('not_found', `ann: cannot read index file ${path}`, false, { cause: err });
    }
    const index = new (loadNative().NativeIndex)();
    await native(() => index.load(path));
    const ann = new AnnIndex(index);
    if (options.threads !== undefined) ann.setThreads(options.threads);
    return ann;
  }

  get dim(): number {
    return this.index.info().dim;
  }
  get ntotal(): number {
    return this.index.info().ntotal;
  }
  get isTrained(): boolean {
    return this.index.info().trained;
  }
  get kind(): IndexKind {
    return this.index.info().kind;
  }
  get metric(): Metric {
    return this.index.info().metric;
  }
  /** Number of IVF lists; 0 for other kinds. */
  get nlist(): number {
    return this.index.info().nlist;
  }
  get nprobe(): number {
    return this.index.info().nprobe;
  }
  get efSearch(): number {
    return this.index.info().efSearch;
  }

  /** Default IVF lists visited per search; saved with the index. Never blocks. */
  setNprobe(nprobe: number): void {
    this.index.setNprobe(checkInt('nprobe', nprobe, 1, MAX_KNOB));
  }
  /** Default HNSW candidate list size; saved with the index. Never blocks. */
  setEfSearch(efSearch: number): void {
    this.index.setEfSearch(checkInt('efSearch', efSearch, 1, MAX_KNOB));
  }
  setThreads(threads: number): void {
    this.index.setThreads(checkInt('threads', threads, 1, 1024));
  }

  /** Trains the coarse quantizer and codebooks (IVF, PQ); a no-op need for Flat and HNSW. */
  async train(vectors: Float32Array): Promise<void> {
    checkVectors('vectors', vectors, this.dim);
    await native(() => this.index.train(vectors));
  }

  /** Adds vectors under the given ids. Vectors over 4 MiB are read in place: leave them be. */
  async add(vectors: Float32Array, ids: BigInt64Array): Promise<void> {
    checkIds(ids, checkVectors('vectors', vectors, this.dim));
    await native(() => this.index.add(vectors, ids, false));
  }

  /** Replaces the vectors of existing ids and adds new ones; resolves to how many it replaced. */
  async upsert(vectors: Float32Array, ids: BigInt64Array): Promise<number> {
    checkIds(ids, checkVectors('vectors', vectors, this.dim));
    return native(() => this.index.add(vectors, ids, true));
  }

  /** Drops ids (retired items); resolves to how many vectors were removed. Not for HNSW. */
  async remove(ids: BigInt64Array): Promise<number> {
    checkIds(ids);
    if (ids.length === 0) return 0;
    return native(() => this.index.remove(ids));
  }

  /** Searches one or more queries (row-major) for their `k` best ids. */
  async search(
    queries: Float32Array,
    k: number,
    options: SearchOptions = {},
  ): Promise<SearchResult> {
    const rows = checkVectors('queries', queries, this.dim);
    checkInt('k', k, 1, MAX_K);
    const nprobe =
      options.nprobe === undefined ? 0 : checkInt('nprobe', options.nprobe, 1, MAX_KNOB);
    const ef =
      options.efSearch === undefined ? 0 : checkInt('efSearch', options.efSearch, 1, MAX_KNOB);
    const { distances, labels } = await native(() => this.index.search(queries, k, nprobe, ef));
    return { queries: rows, k, distances, labels };
  }

  /** Writes the index atomically (temp file, then rename), with its nprobe and efSearch. */
  async save(path: string): Promise<void> {
    checkPath(path);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}-${tmpCounter++}`;
    try {
      await native(() => this.index.save(tmp));
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw toAnnError(err);
    }
  }

  /** Frees the index once in-flight searches finish; later calls fail as `unavailable`. */
  async close(): Promise<void> {
    await native(() => this.index.close());
  }
}
