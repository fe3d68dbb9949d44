/**
 * Retrieval benchmark: 1,000 candidates from 1 M synthetic items through @recsys/ann, over
 * index types and nprobe/efSearch, against exact inner-product search. Built indexes and the
 * ground truth are cached under .run/bench/retrieval/, so only the first run pays for builds.
 *
 *   pnpm --filter @recsys/benchmarks run bench:retrieval [--quick] [--only=IVF4096]
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, getPriority, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import {
  AnnIndex,
  clusteredEmbeddings,
  faissVersion,
  recallAtK,
  sampleRows,
  type SearchOptions,
  type SearchResult,
} from '@recsys/ann';
import { timeQueries, withLoopDelay } from './retrieval-measure.js';
import {
  describeMachine,
  writeResults,
  type BuildRecord,
  type ConcurrencyRow,
  recommend,
  type Results,
  type Row,
} from './retrieval-report.js';
import { SPECS, type Spec } from './retrieval-specs.js';

// pnpm passes a literal `--` through to the script; it separates nothing here.
const argv = process.argv.slice(2).filter((arg) => arg !== '--');
const { values: args } = parseArgs({
  args: argv,
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
});
const quick = args.quick ?? false;
const K = 1000;
const DATASET = {
  items: 1_000_000,
  dim: 64,
  clusters: 1000,
  noise: 1,
  skew: 0.5,
  centreSeed: 1,
  itemSeed: 2,
  querySeed: 3,
  queries: quick ? 300 : 1000,
};
const CACHE = new URL('../../.run/bench/retrieval/', import.meta.url);
const RESULTS = new URL('../results/', import.meta.url);
const KEY = `v1-n${DATASET.items}-d${DATASET.dim}-c${DATASET.clusters}-s${DATASET.itemSeed}`;
const threads = Math.max(1, availableParallelism());
const begun = performance.now();

function log(message: string): void {
  const seconds = ((performance.now() - begun) / 1000).toFixed(0).padStart(5);
  process.stderr.write(`[retrieval ${seconds}s] ${message}\n`);
}

function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const t0 = performance.now();
  return work().then((result) => ({ result, seconds: (performance.now() - t0) / 1000 }));
}

function commandLine(): string {
  const extra = argv.join(' ');
  const base = process.env.npm_lifecycle_event
    ? 'pnpm --filter @recsys/benchmarks run bench:retrieval'
    : 'node benchmarks/dist/retrieval.js';
  const nice = getPriority() === 0 ? '' : `nice -n ${getPriority()} `;
  return `${nice}${base}${extra ? ` ${extra}` : ''}`;
}

/** Exact top-K for every query (cached) and one row of exact single-query latency. */
async function exact(items: Float32Array, ids: BigInt64Array, queries: Float32Array) {
  const flat = AnnIndex.create({ dim: DATASET.dim, factory: 'Flat', threads });
  await flat.add(items, ids);
  const file = new URL(`truth-${KEY}-q${DATASET.querySeed}-${DATASET.queries}-k${K}.bin`, CACHE);
  let truth: SearchResult;
  if (existsSync(file)) {
    const bytes = await readFile(file);
    const labels = new BigInt64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
    truth = { queries: DATASET.queries, k: K, labels, distances: new Float32Array(0) };
  } else {
    log('ground truth: exact search of every query');
    truth = await flat.search(queries, K);
    await writeFile(file, truth.labels);
  }
  log('exact single-query latency');
  const timing = await timeQueries(flat, queries, K, {}, { count: 30, warmup: 2, concurrency: 1 });
  await flat.close();
  const row: Row = { name: 'Flat', factory: 'Flat', knob: 'exact', value: 0, recall: 1, ...timing };
  return { truth, row };
}

/** Loads the spec's index from the cache, or trains, fills and caches it. */
/** Build facts kept beside a cached index, so a report from the cache still shows them. */
async function readBuildFacts(file: string): Promise<Partial<BuildRecord>> {
  try {
    const facts = JSON.parse(await readFile(`${file}.json`, 'utf8')) as Record<string, unknown>;
    const num = (key: string) => (typeof facts[key] === 'number' ? { [key]: facts[key] } : {});
    return {
      ...num('trainSeconds'),
      ...num('addSeconds'),
      ...num('loopMaxMs'),
      ...(typeof facts.builtAt === 'string' ? { builtAt: facts.builtAt } : {}),
    };
  } catch {
    return {}; // no or unreadable facts: the report leaves those cells empty
  }
}

/** Loads the spec's index from the cache, or trains, fills and caches it. */
async function indexFor(spec: Spec, items: Float32Array, ids: BigInt64Array) {
  const file = new URL(`${spec.name}-${KEY}-t${spec.trainRows}.faiss`, CACHE).pathname;
  const base = { name: spec.name, factory: spec.factory, trainRows: spec.trainRows };
  if (existsSync(file)) {
    const { result, seconds } = await timed(() => AnnIndex.load(file, { threads }));
    const facts = await readBuildFacts(file);
    return { index: result, record: { ...base, ...facts, cached: true, loadSeconds: seconds } };
  }
  log(`building ${spec.factory}`);
  const facts: Partial<BuildRecord> = { builtAt: new Date().toISOString() };
  const index = AnnIndex.create({ dim: DATASET.dim, factory: spec.factory, threads });
  const { loop } = await withLoopDelay(async () => {
    if (!index.isTrained) {
      const sample = await sampleRows(items, DATASET.dim, spec.trainRows, 17);
      facts.trainSeconds = (await timed(() => index.train(sample))).seconds;
    }
    facts.addSeconds = (await timed(() => index.add(items, ids))).seconds;
  });
  facts.loopMaxMs = loop.max;
  await index.save(file);
  await writeFile(`${file}.json`, JSON.stringify(facts) + '\n');
  return { index, record: { ...base, ...facts, cached: false } };
}

async function sweep(spec: Spec, index: AnnIndex, queries: Float32Array, truth: SearchResult) {
  const rows: Row[] = [];
  for (const value of spec.values) {
    const options: SearchOptions = { [spec.knob]: value };
    const recall = recallAtK(await index.search(queries, K, options), truth);
    const run = { count: DATASET.queries, warmup: 20, concurrency: 1 };
    const timing = await timeQueries(index, queries, K, options, run);
    const row: Row = {
      name: spec.name,
      factory: spec.factory,
      knob: spec.knob,
      value,
      recall,
      ...timing,
    };
    log(
      `${spec.name} ${spec.knob}=${value}: recall ${recall.toFixed(4)} p99 ${timing.latency.p99.toFixed(2)} ms`,
    );
    rows.push(row);
  }
  return rows;
}

/** Throughput and latency of the recommended setting with 1, 2 and 4 searches in flight. */
async function underConcurrency(
  best: Row,
  items: Float32Array,
  ids: BigInt64Array,
  queries: Float32Array,
): Promise<ConcurrencyRow[]> {
  const spec = SPECS.find((s) => s.name === best.name);
  if (!spec) return [];
  const { index } = await indexFor(spec, items, ids);
  const rows: ConcurrencyRow[] = [];
  for (const concurrency of [1, 2, 4]) {
    const options = { [best.knob]: best.value };
    const run = { count: DATASET.queries, warmup: 10, concurrency };
    const timing = await timeQueries(index, queries, K, options, run);
    rows.push({ name: best.name, knob: best.knob, value: best.value, concurrency, ...timing });
  }
  await index.close();
  return rows;
}

async function main(): Promise<void> {
  await mkdir(CACHE, { recursive: true });
  const machine = describeMachine(faissVersion());
  log(`generating ${DATASET.items} x ${DATASET.dim} items and ${DATASET.queries} queries`);
  const shape = {
    dim: DATASET.dim,
    clusters: DATASET.clusters,
    centreSeed: DATASET.centreSeed,
    noise: DATASET.noise,
    skew: DATASET.skew,
  };
  const items = clusteredEmbeddings({ ...shape, rows: DATASET.items, seed: DATASET.itemSeed });
  const queries = clusteredEmbeddings({ ...shape, rows: DATASET.queries, seed: DATASET.querySeed });
  const ids = BigInt64Array.from({ length: DATASET.items }, (_, i) => BigInt(i));

  // The loop delay of this process doing nothing: the floor the machine's load sets.
  const idleBefore = (await withLoopDelay(() => sleep(3000))).loop;
  const { truth, row: flatRow } = await exact(items, ids, queries);
  const rows: Row[] = [flatRow];
  const builds: BuildRecord[] = [];
  const specs = SPECS.filter(
    (s) => (!quick || !s.slow) && (!args.only || s.name.includes(args.only)),
  );
  for (const spec of specs) {
    const { index, record } = await indexFor(spec, items, ids);
    builds.push(record);
    rows.push(...(await sweep(spec, index, queries, truth)));
    await index.close();
  }

  const targets = { k: K, p99Ms: 10, recall: 0.95 };
  const recommended = recommend(rows, targets);
  const concurrency = recommended ? await underConcurrency(recommended, items, ids, queries) : [];
  const idleAfter = (await withLoopDelay(() => sleep(3000))).loop;

  machine.loadAverageEnd = loadavg().map((v) => Math.round(v * 100) / 100);
  const results: Results = {
    command: commandLine(),
    date: new Date().toISOString(),
    machine,
    dataset: DATASET,
    targets,
    builds,
    rows,
    concurrency,
    idleLoop: { before: idleBefore, after: idleAfter },
    ...(recommended ? { recommended } : {}),
  };
  await writeResults(RESULTS, results);
  log(`wrote ${new URL('retrieval.md', RESULTS).pathname}`);
}

await main();
