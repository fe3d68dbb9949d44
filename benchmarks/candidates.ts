/**
 * Candidates benchmark: end-to-end Generate latency for up to 1,000 candidates (the home mix:
 * user tower in ONNX workers, FAISS IVF, session item-to-item, popular, fresh; merge and seen
 * removal), in process and over gRPC, at a few concurrencies, with event-loop delay.
 *
 *   pnpm --filter @recsys/benchmarks run bench:candidates [--artifacts DIR] [--label NAME]
 *       [--requests N] [--concurrency 1,8,32] [--redis redis://...]
 *
 * Without --artifacts: the tiny trained artifacts (.run/artifacts-tiny, trained if missing).
 * Without --redis: the in-memory session store (the all-in-one mode).
 */
import { parseArgs } from 'node:util';
import { Metadata, credentials } from '@grpc/grpc-js';
import { faissVersion } from '@recsys/ann';
import { loadArtifacts } from '@recsys/artifacts';
import { tinyArtifacts } from '@recsys/artifacts/testing';
import { CandidatesConfig, buildCandidates } from '@recsys/candidates';
import { loadConfig } from '@recsys/config';
import { candidates, common } from '@recsys/contracts';
import { MemorySessionStore, RedisSessionStore, type SessionStore } from '@recsys/feature-store';
import { startGrpcServer } from '@recsys/grpc';
import { defaultFactory, InProcessCandidatesClient } from '@recsys/retrieval';
import { Redis } from 'ioredis';
import { writeCandidatesResults, type ModeRow } from './candidates-report.js';
import { describeMachine } from './retrieval-report.js';
import { latencyStats, withLoopDelay } from './retrieval-measure.js';

const argv = process.argv.slice(2).filter((arg) => arg !== '--');
const { values: args } = parseArgs({
  args: argv,
  options: {
    artifacts: { type: 'string' },
    label: { type: 'string', default: 'tiny' },
    requests: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '1,8,32' },
    redis: { type: 'string' },
    limit: { type: 'string', default: '1000' },
  },
});
const REQUESTS = Number(args.requests);
const LIMIT = Number(args.limit);
const LEVELS = (args.concurrency ?? '1').split(',').map(Number);

type Generate = (request: candidates.GenerateRequest) => Promise<candidates.GenerateResponse>;

/** Closed-loop load: `concurrency` callers, each sending its next request when one returns. */
async function measure(
  generate: Generate,
  requests: candidates.GenerateRequest[],
  concurrency: number,
) {
  const samples: number[] = [];
  let returned = 0;
  let degraded = 0;
  let next = 0;
  const started = performance.now();
  const { loop } = await withLoopDelay(async () => {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests.length) {
          const request = requests[next++] as candidates.GenerateRequest;
          const t0 = performance.now();
          const res = await generate(request);
          samples.push(performance.now() - t0);
          returned += res.candidates.length;
          if (res.degraded.length > 0) degraded++;
        }
      }),
    );
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    latency: latencyStats(samples),
    loop,
    rps: samples.length / seconds,
    meanCandidates: returned / samples.length,
    degradedShare: degraded / samples.length,
  };
}

const machine = describeMachine(faissVersion());
const dir = args.artifacts ?? (await tinyArtifacts());
const artifacts = await loadArtifacts(dir, { histories: true });
const users = artifacts.histories?.users;
const userCount = (users?.size ?? 1) - 1;
let seed = 1;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const context = common.RequestContext.fromPartial({
  device: 'mobile',
  hourOfDay: 20,
  dayOfWeek: 5,
});
// 90% training users, 10% cold users with an onboarding category, as a home feed sees them.
const category = artifacts.vocabularies.get('categories')?.valueOf(1) ?? '';
const requests = Array.from({ length: REQUESTS }, (_, i) => {
  const cold = userCount === 0 || random() < 0.1;
  return candidates.GenerateRequest.fromPartial({
    userId: cold ? `cold-${i}` : (users?.valueOf(1 + Math.floor(random() * userCount)) ?? ''),
    surface: 'home',
    limit: LIMIT,
    context: cold ? { ...context, preferredCategories: [category] } : context,
  });
});

let redis: Redis | undefined;
let sessions: SessionStore = new MemorySessionStore();
if (args.redis !== undefined) {
  redis = new Redis(args.redis, { maxRetriesPerRequest: 0, enableOfflineQueue: false });
  sessions = new RedisSessionStore({ redis, keyPrefix: 'bench-candidates:' });
}
// The service's own env (SOURCES_HOME, ONNX_WORKERS, deadlines, ...) applies here too.
const config = loadConfig(CandidatesConfig, {
  ...process.env,
  ARTIFACTS_DIR: dir,
  ARTIFACTS_POLL_MS: '0',
});
const quiet = {
  info: () => {},
  warn: () => {},
  error: (m: string) => process.stderr.write(`${m}\n`),
};
const app = await buildCandidates(config, { sessions, log: quiet });
const server = await startGrpcServer({ port: 0, host: '127.0.0.1', services: [app.service] });
const client = new candidates.CandidateServiceClient(
  `127.0.0.1:${server.port}`,
  credentials.createInsecure(),
);
const inProcess = new InProcessCandidatesClient(app.retriever);
const modes: Record<string, Generate> = {
  'in-process': (r) => inProcess.generate(r, { deadlineMs: 10_000 }),
  grpc: (r) =>
    new Promise((resolve, reject) =>
      client.generate(r, new Metadata(), { deadline: Date.now() + 10_000 }, (err, res) =>
        err ? reject(err) : resolve(res),
      ),
    ),
};

const rows: ModeRow[] = [];
for (const [mode, generate] of Object.entries(modes)) {
  await measure(generate, requests.slice(0, 200), 8); // warm-up: JIT, connections, pools
  for (const concurrency of LEVELS) {
    const result = await measure(generate, requests, concurrency);
    rows.push({ mode, concurrency, ...result });
    process.stderr.write(
      `${mode} c=${concurrency}: p50 ${result.latency.p50.toFixed(2)} ms, p99 ` +
        `${result.latency.p99.toFixed(2)} ms, ${result.rps.toFixed(0)} req/s\n`,
    );
  }
}

const nprobe = app.watcher.live.peek()?.nprobe ?? 0;
client.close();
await server.shutdown(1000);
await app.close();
redis?.disconnect();
// Service settings given in the environment belong to the command that reproduces the run.
const envPrefix = Object.entries(process.env)
  .filter(([key]) =>
    /^(ANN_|NPROBE|ONNX_|ENCODER_|SOURCES_|SESSION_|SOURCE_|UV_THREADPOOL)/.test(key),
  )
  .map(([key, value]) => `${key}=${value} `)
  .join('');
const base = process.env.npm_lifecycle_event
  ? 'pnpm --filter @recsys/benchmarks run bench:candidates'
  : 'node benchmarks/dist/candidates.js';
await writeCandidatesResults(new URL('../results/', import.meta.url), {
  label: args.label ?? 'tiny',
  command: `${envPrefix}${argv.length > 0 ? `${base} ${argv.join(' ')}` : base}`,
  date: new Date().toISOString(),
  machine,
  artifacts: {
    dir,
    version: artifacts.version,
    dataset: artifacts.manifest.dataset,
    items: artifacts.items.size,
    users: userCount,
    dim: artifacts.manifest.embeddingDim,
    index:
      config.ANN_INDEX === 'file' && artifacts.manifest.index?.path
        ? `${artifacts.manifest.index.factory} (trained by the exporter)`
        : `${config.ANN_FACTORY ?? (artifacts.manifest.index?.factory || defaultFactory(artifacts.items.size))} (built at load)`,
    nprobe,
  },
  settings: {
    requests: REQUESTS,
    limit: LIMIT,
    sessions: args.redis === undefined ? 'in-memory' : 'redis',
    mix: config.SOURCES_HOME.map((s) => `${s.name}:${s.count}`).join(','),
    onnxWorkers: config.ONNX_WORKERS,
    deadlinesMs: {
      session: config.SESSION_DEADLINE_MS,
      source: config.SOURCE_DEADLINE_MS,
      encoder: config.ENCODER_DEADLINE_MS,
    },
  },
  rows,
});
