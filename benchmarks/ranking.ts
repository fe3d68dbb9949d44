/**
 * Ranking of 1,000 candidates: latency through @recsys/ranker in process and through gRPC,
 * and its ratio to the raw onnxruntime-node session.run rate of the same model and batch,
 * measured in the same run. Tables and models come from @recsys/ranker's reference fixture:
 * training's own feature code and model classes at serving sizes, with random weights.
 *
 * Usage: node dist/ranking.js [--quick] [--seconds S] [--rounds R] [--items N] [--workers W]
 *        [--concurrency C]; with REDIS_URL set, sessions are read from that Redis.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { credentials, Metadata } from '@grpc/grpc-js';
import { ranking } from '@recsys/contracts';
import { MemorySessionStore, RedisSessionStore, type SessionStore } from '@recsys/feature-store';
import { startGrpcServer } from '@recsys/grpc';
import {
  contextRows,
  densePlan,
  fillRetrievalScore,
  rankerFeeds,
  Ranker,
  stateFromHistory,
  userFeatures,
  writeDense,
} from '@recsys/ranker';
import { makeReference } from '@recsys/ranker/testing';
import { createRankingMetrics, rankService } from '@recsys/ranking';
import { Redis } from 'ioredis';
import ort from 'onnxruntime-node';
import { measurePaths, type BenchPath } from './ranking-measure.js';
import { describeMachine, writeResults, type RankingResults } from './ranking-report.js';
import { parityMaxAbsDiff, prepareRequests, seedSessions, sourceOf } from './ranking-setup.js';

const { values: opt } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    rounds: { type: 'string', default: '4' },
    items: { type: 'string', default: '10000' },
    workers: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '4' },
    out: { type: 'string', default: 'results' },
  },
});
const seconds = Number(opt.seconds ?? (opt.quick ? 8 : 40));
const rounds = Number(opt.rounds);
const workers = Number(opt.workers);
const concurrency = Number(opt.concurrency);
const CANDIDATES = 1000;
// Training's default sizes (presets.py "default", SessionSpec()): history 100, last 5, top 3.
const sizes = {
  items: Number(opt.items),
  dim: 64,
  historyLength: 100,
  neighbours: 20,
  users: 8,
  lastN: 5,
  userCategories: 3,
};
const TARGET_P99_MS = 40;

function commandLine(): string {
  const env = process.env.REDIS_URL ? `REDIS_URL=${process.env.REDIS_URL} ` : '';
  const args = process.argv.slice(2).join(' ');
  return `${env}pnpm --filter @recsys/benchmarks run bench:ranking${args ? ` -- ${args}` : ''}`;
}

console.log('building reference tables and models with training/.venv ...');
const ref = await makeReference({ seed: 11, ...sizes, candidates: CANDIDATES });
const machine = describeMachine(ort.env.versions.common ?? 'unknown');
const parity = await parityMaxAbsDiff(ref);

let redis: Redis | undefined;
let sessions: SessionStore = new MemorySessionStore();
if (process.env.REDIS_URL) {
  redis = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 1 });
  const keyPrefix = `bench-ranking-${Date.now().toString(36)}:`;
  sessions = new RedisSessionStore({ redis, keyPrefix, limits: { stateTtlSeconds: 600 } });
}
await seedSessions(sessions, ref);

const stageTimes = new Map<string, number[]>();
const ranker = await Ranker.open(sourceOf(ref), {
  sessions,
  pool: { workers, intraOpThreads: 1 },
  onStage: (stage, ms) => stageTimes.set(stage, [...(stageTimes.get(stage) ?? []), ms]),
});
const requests = prepareRequests(ref, 64, CANDIDATES);

// The raw path's feeds: exactly what the ranker builds for the first request.
const { tables } = ref;
const first = requests[0]!;
const plan = densePlan(ref.doc.columns, tables.items);
const state = stateFromHistory(
  tables.users.history(first.userId),
  sizes.historyLength,
  tables.session.gapMs,
);
const user = userFeatures(state, tables);
const rows = Int32Array.from(first.itemIds, (id) => tables.items.rowOf(id));
const dense = new Float32Array(rows.length * plan.columns.length);
writeDense(dense, plan, user, rows, tables);
fillRetrievalScore(dense, plan, new Float32Array(sizes.dim).fill(0.1), rows, tables.items);
const ctx = contextRows(first.surface, first.context, tables);
const feeds = rankerFeeds(dense, plan.columns.length, rows, user, ctx, tables);
const session = await ort.InferenceSession.create(ref.rankerPath, {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
});
const tensors = Object.fromEntries(
  Object.entries(feeds).map(([name, f]) => [
    name,
    new ort.Tensor(name === 'dense' ? 'float32' : 'int64', f.data as Float32Array, f.dims),
  ]),
);

const metrics = createRankingMetrics(() => undefined);
const server = await startGrpcServer({
  port: 0,
  host: '127.0.0.1',
  services: [rankService(ranker, metrics, { defaultDeadlineMs: 5_000 })],
});
const client = new ranking.RankingServiceClient(
  `127.0.0.1:${server.port}`,
  credentials.createInsecure(),
);
const wire: ranking.RankRequest[] = requests.map((r) => ({ ...r, itemIds: [...r.itemIds] }));
const viaGrpc = (i: number) =>
  new Promise<ranking.RankResponse>((resolve, reject) => {
    client.rank(wire[i % wire.length]!, new Metadata(), {}, (err, res) =>
      err ? reject(err) : resolve(res),
    );
  });
const inProcess = (i: number) => ranker.rank(requests[i % requests.length]!);

const paths: BenchPath[] = [
  { name: 'raw session.run@1', concurrency: 1, call: () => session.run(tensors) },
  { name: 'ranker in-process@1', concurrency: 1, call: inProcess },
  { name: 'ranker gRPC@1', concurrency: 1, call: viaGrpc },
  { name: `ranker in-process@${concurrency}`, concurrency, call: inProcess },
  { name: `ranker gRPC@${concurrency}`, concurrency, call: viaGrpc },
];
console.log(`measuring ${paths.length} paths for ${seconds} s each over ${rounds} rounds ...`);
const stats = await measurePaths(paths, seconds, rounds, (r) => console.log(`round ${r} done`));

const get = (name: string) => stats.get(name)!;
const raw = get('raw session.run@1');
const results: RankingResults = {
  command: commandLine(),
  date: new Date().toISOString(),
  machine: { ...machine, loadAverageEnd: loadavg().map((v) => Math.round(v * 100) / 100) },
  setup: {
    candidates: CANDIDATES,
    ...sizes,
    denseColumns: plan.columns.length,
    rankerWorkers: workers,
    intraOpThreads: 1,
    sessions: redis ? 'Redis (one pipelined round trip)' : 'in-memory store',
    secondsPerPath: seconds,
    rounds,
  },
  parityMaxAbsDiff: parity,
  paths: Object.fromEntries(stats),
  stages: Object.fromEntries(
    [...stageTimes].map(([stage, times]) => {
      const sorted = [...times].sort((a, b) => a - b);
      const p99 = sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))] ?? NaN;
      return [stage, { meanMs: times.reduce((a, v) => a + v, 0) / times.length, p99Ms: p99 }];
    }),
  ),
  ratios: {
    'in-process p50 / raw p50 (serial)': get('ranker in-process@1').p50Ms / raw.p50Ms,
    'gRPC p50 / raw p50 (serial)': get('ranker gRPC@1').p50Ms / raw.p50Ms,
    [`in-process calls/s at concurrency ${concurrency} / raw calls/s`]:
      get(`ranker in-process@${concurrency}`).callsPerSec / raw.callsPerSec,
    [`gRPC calls/s at concurrency ${concurrency} / raw calls/s`]:
      get(`ranker gRPC@${concurrency}`).callsPerSec / raw.callsPerSec,
  },
  targetP99Ms: TARGET_P99_MS,
};
await writeResults(opt.out, results);
console.log(JSON.stringify({ paths: results.paths, ratios: results.ratios }, null, 2));

client.close();
await server.shutdown(1_000);
await ranker.close();
await session.release();
await redis?.quit();
await ref.remove();
