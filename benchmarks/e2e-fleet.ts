/**
 * Starts what the end-to-end benchmark drives: the fleet (one process per service, as
 * `make up` and tests/e2e run it, on free ports) or the all-in-one process, each with its
 * /metrics URL and PID so the benchmark can read event-loop delay and CPU per process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const FLEET = ['stream-processor', 'candidates', 'ranking', 'gateway'] as const;

export interface Proc {
  name: string;
  pid: number;
  metricsUrl: string;
  /** Milliseconds from spawn to a 200 on /readyz. */
  readyMs: number;
}

export interface Deployment {
  url: string;
  procs: Proc[];
  close(): Promise<void>;
}

export interface DeployOptions {
  mode: 'fleet' | 'all-in-one';
  artifacts: string;
  redisUrl: string;
  kafkaBrokers: string;
  /** Redis key prefix of this run, so it never reads or writes anyone else's keys. */
  prefix: string;
  logDir: string;
  /** Extra environment for every process (service knobs such as ANN_INDEX, NPROBE). */
  env: Record<string, string>;
  /** Extra node flags for every process, e.g. --cpu-prof --cpu-prof-dir=DIR. */
  nodeArgs?: readonly string[];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function ready(url: string, child: ChildProcess, name: string, log: string) {
  const deadline = Date.now() + 600_000; // a 1 M-item version builds its IVF index at load
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${child.exitCode}):\n${readFileSync(log, 'utf8')}`);
    }
    const status = await fetch(url).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${name} not ready at ${url}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function stopped(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function deploy(options: DeployOptions): Promise<Deployment> {
  mkdirSync(options.logDir, { recursive: true });
  const [candidates, candidatesHealth, ranking, rankingHealth, processorHealth, gateway] =
    await Promise.all(Array.from({ length: 6 }, freePort));
  const common: Record<string, string> = {
    ARTIFACTS_DIR: options.artifacts,
    REDIS_URL: options.redisUrl,
    REDIS_KEY_PREFIX: options.prefix,
    KAFKA_BROKERS: options.kafkaBrokers,
    ARTIFACTS_POLL_MS: '0',
    DRAIN_DELAY_MS: '0',
    PROGRESS_LOG_MS: '0',
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  const gatewayUrl = `http://127.0.0.1:${gateway}`;
  const specs =
    options.mode === 'all-in-one'
      ? [
          {
            name: 'all-in-one',
            entry: 'services/gateway/dist/all-in-one.js',
            env: { PORT: `${gateway}`, HOST: '127.0.0.1' },
            metrics: `${gatewayUrl}/metrics`,
            ready: `${gatewayUrl}/readyz`,
          },
        ]
      : FLEET.map((name) => {
          const health = {
            candidates: candidatesHealth,
            ranking: rankingHealth,
            'stream-processor': processorHealth,
            gateway,
          }[name];
          const env: Record<string, string> = {
            candidates: { PORT: `${candidates}`, METRICS_PORT: `${candidatesHealth}` },
            ranking: { PORT: `${ranking}`, METRICS_PORT: `${rankingHealth}` },
            'stream-processor': { METRICS_PORT: `${processorHealth}` },
            gateway: {
              PORT: `${gateway}`,
              HOST: '127.0.0.1',
              CANDIDATES_ADDR: `127.0.0.1:${candidates}`,
              RANKING_ADDR: `127.0.0.1:${ranking}`,
            },
          }[name];
          return {
            name,
            entry: `services/${name}/dist/main.js`,
            env,
            metrics: `http://127.0.0.1:${health}/metrics`,
            ready: `http://127.0.0.1:${health}/readyz`,
          };
        });
  const children: ChildProcess[] = [];
  const close = async () => {
    await Promise.all(children.map((child) => stopped(child, 20_000)));
  };
  const procs: Proc[] = [];
  try {
    // Side by side, as `make up` starts them; the gateway's readiness follows the stages'.
    const started = specs.map((spec) => {
      const log = join(options.logDir, `${spec.name}.log`);
      const fd = openSync(log, 'a');
      const child = spawn('node', [...(options.nodeArgs ?? []), join(ROOT, spec.entry)], {
        cwd: ROOT,
        env: { ...process.env, ...common, ...spec.env },
        stdio: ['ignore', fd, fd],
      });
      closeSync(fd);
      children.push(child);
      return { spec, child, log, t0: performance.now() };
    });
    for (const { spec, child, log, t0 } of started) {
      await ready(spec.ready, child, spec.name, log);
      procs.push({
        name: spec.name,
        pid: child.pid ?? 0,
        metricsUrl: spec.metrics,
        readyMs: Math.round(performance.now() - t0),
      });
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { url: gatewayUrl, procs, close };
}
