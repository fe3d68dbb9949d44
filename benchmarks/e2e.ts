/**
 * End-to-end benchmark: starts the fleet (or the all-in-one process) on an artifacts folder,
 * then offers `GET /v1/feed` at rising fixed rates until p99 passes --stop-ms or requests
 * fail, and records latency, errors, degraded answers and every process's event-loop delay.
 *
 *   pnpm --filter @recsys/benchmarks run bench:e2e --artifacts DIR --label NAME
 *       [--mode fleet|all-in-one] [--rates 1,2,5,10,25,50,100,200,400] [--seconds 20] [--target 100] [--stop-ms 500]
 *       [--redis redis://127.0.0.1:6379] [--kafka 127.0.0.1:9092] [--node-args '--cpu-prof ...']
 *       [--loop-probe]   (loop-probe.ts in every service: what held each loop gap over 10 ms)
 *
 * Fleet mode needs Redis and Kafka running (make infra-up, or deploy/local/infra.sh with
 * REDIS_PORT/KAFKA_PORT). Service knobs (ANN_INDEX, NPROBE, ...) pass through the environment.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { faissVersion } from '@recsys/ann';
import { z } from 'zod';
import { deploy, ROOT } from './e2e-fleet.js';
import { feedMix } from './e2e-mix.js';
import { probe } from './e2e-probe.js';
import { writeE2eResults, type E2eResults } from './e2e-report.js';
import { runStep, type StepRow } from './e2e-step.js';
import { describeMachine } from './retrieval-report.js';

const argv = process.argv.slice(2).filter((arg) => arg !== '--');
const { values: args } = parseArgs({
  args: argv,
  options: {
    artifacts: { type: 'string' },
    label: { type: 'string' },
    mode: { type: 'string', default: 'fleet' },
    rates: { type: 'string', default: '1,2,5,10,25,50,100,200,400' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '10' },
    redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
    kafka: { type: 'string', default: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092' },
    target: { type: 'string', default: '100' },
    'stop-ms': { type: 'string', default: '500' },
    'node-args': { type: 'string', default: '' },
    'loop-probe': { type: 'boolean', default: false },
  },
});
const Args = z.object({
  artifacts: z.string().min(1, 'give --artifacts DIR'),
  label: z.string().regex(/^[\w.-]+$/, 'give --label NAME (letters, digits, _.-)'),
  mode: z.enum(['fleet', 'all-in-one']),
  rates: z.string().transform((s) => s.split(',').map(Number)),
  seconds: z.coerce.number().positive(),
  warmup: z.coerce.number().min(0),
  redis: z.url(),
  kafka: z.string().min(1),
  target: z.coerce.number().positive(),
  'stop-ms': z.coerce.number().positive(),
  'node-args': z.string().transform((s) => s.split(' ').filter((a) => a !== '')),
  'loop-probe': z.boolean(),
});
const opts = Args.parse(args);
if (opts.rates.some((r) => !Number.isInteger(r) || r < 1)) throw new Error('--rates: integers');

const Manifest = z.object({ version: z.string(), dataset: z.string() });
const artifacts = resolve(opts.artifacts);
const manifest = Manifest.parse(
  JSON.parse(await readFile(join(artifacts, 'manifest.json'), 'utf8')),
);
const count = async (name: string) =>
  z.array(z.string()).parse(JSON.parse(await readFile(join(artifacts, name), 'utf8'))).length - 1;

const machine = describeMachine(faissVersion());
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    (e): e is [string, string] =>
      /^(ANN_|NPROBE|ONNX_|ENCODER_|RANKER_|WORKERS|SOURCES_|SESSION_|SOURCE_|UV_THREADPOOL|CANDIDATE_|RERANK_|.*_DEADLINE_MS)/.test(
        e[0],
      ) && e[1] !== undefined,
  ),
);
const mix = await feedMix(artifacts);
const prefix = `bench-e2e-${process.pid}:`;
const logDir = join(ROOT, '.run/bench/e2e', `${opts.label}-${process.pid}`);
const loopProbeDir = opts['loop-probe'] ? join(logDir, 'loop-probe') : undefined;
if (loopProbeDir !== undefined) await mkdir(loopProbeDir, { recursive: true });
process.stderr.write(`starting ${opts.mode} on ${artifacts}\n`);
const deployment = await deploy({
  mode: opts.mode,
  artifacts,
  redisUrl: opts.redis,
  kafkaBrokers: opts.kafka,
  prefix,
  logDir,
  env: loopProbeDir === undefined ? {} : { LOOP_PROBE_DIR: loopProbeDir },
  nodeArgs: [
    ...opts['node-args'],
    ...(loopProbeDir === undefined
      ? []
      : ['--import', new URL('loop-probe.js', import.meta.url).href]),
  ],
});
const results: E2eResults = {
  label: opts.label,
  command: '',
  date: new Date().toISOString(),
  machine,
  mode: opts.mode,
  artifacts: {
    dir: opts.artifacts,
    version: manifest.version,
    dataset: manifest.dataset,
    items: await count('vocab_items.json'),
    users: await count('vocab_users.json'),
  },
  mix: mix.describe,
  env,
  startup: [],
  targetP99Ms: opts.target,
  steps: [],
};
try {
  const readings = probe(deployment.procs, loopProbeDir);
  const first = await readings.start();
  results.startup = deployment.procs.map((p, i) => ({
    name: p.name,
    readyMs: p.readyMs,
    loop: first[i] as E2eResults['startup'][number]['loop'],
  }));
  process.stderr.write(`ready: ${deployment.url}; warm-up ${opts.warmup} s\n`);
  if (opts.warmup > 0) await runStep(deployment.url, mix, 20, opts.warmup, undefined);
  for (const rate of opts.rates) {
    const step: StepRow = await runStep(deployment.url, mix, rate, opts.seconds, readings);
    results.steps.push(step);
    const loops = step.procs.map((p) => `${p.name} ${p.loop.max.toFixed(0)}`).join(', ');
    process.stderr.write(
      `${rate} req/s: achieved ${step.achieved.toFixed(1)}, p50 ${step.latency.p50.toFixed(1)} ` +
        `p99 ${step.latency.p99.toFixed(1)} max ${step.latency.max.toFixed(1)} ms, non-2xx ` +
        `${step.non2xx}, errors ` +
        `${step.errors}, degraded ${(step.degradedShare * 100).toFixed(1)}%; loop max ${loops}\n`,
    );
    const failed = step.non2xx > 0 || step.errors > 0 || step.achieved < 0.95 * rate;
    if (!failed && step.latency.p99 <= opts.target) {
      results.sustained = { offered: rate, achieved: step.achieved, p99: step.latency.p99 };
    }
    // Past the target the ramp goes on (one slow moment of a shared machine fails a short
    // step), and stops once the service is clearly saturated.
    if (failed || step.latency.p99 > opts['stop-ms']) break;
  }
} finally {
  await deployment.close();
}
results.machine.loadAverageEnd = loadavg().map((v) => Math.round(v * 100) / 100);
const prefixEnv = Object.entries(env)
  .map(([k, v]) => `${k}=${v} `)
  .join('');
const base = process.env.npm_lifecycle_event
  ? 'pnpm --filter @recsys/benchmarks run bench:e2e'
  : 'node benchmarks/dist/e2e.js';
results.command = `${prefixEnv}${base} ${argv.join(' ')}`;
await writeE2eResults(new URL('../results/', import.meta.url), results);
process.stderr.write(`wrote results/e2e-${opts.label}.md\n`);
