/**
 * Starts what the end-to-end benchmark drives: the fleet (one process per service, as
 * `make up` and tests/e2e run it, on free ports) or the all-in-one process, each with its
 * /metrics URL and PID so the benchmark can read event-loop delay and CPU per process.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  FLEET,
  fleetPorts,
  SERVING_DEFAULTS,
  spawnLogged,
  stopped,
  waitReady,
} from '@recsys/fleet';

export const ROOT = new URL('../../', import.meta.url).pathname;

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

// A 1 M-item version builds its IVF index at load.
const READY_TIMEOUT_MS = 600_000;

export async function deploy(options: DeployOptions): Promise<Deployment> {
  mkdirSync(options.logDir, { recursive: true });
  const ports = await fleetPorts();
  const common: Record<string, string> = {
    ARTIFACTS_DIR: options.artifacts,
    REDIS_URL: options.redisUrl,
    REDIS_KEY_PREFIX: options.prefix,
    KAFKA_BROKERS: options.kafkaBrokers,
    ...SERVING_DEFAULTS,
    ...options.env,
  };
  const specs =
    options.mode === 'all-in-one'
      ? [
          {
            name: 'all-in-one',
            entry: 'services/gateway/dist/all-in-one.js',
            env: { PORT: ports.env.gateway.PORT, HOST: '127.0.0.1' },
            ready: ports.ready.gateway,
          },
        ]
      : FLEET.map((name) => ({
          name,
          entry: `services/${name}/dist/main.js`,
          env: ports.env[name],
          ready: ports.ready[name],
        }));
  const children: ChildProcess[] = [];
  const close = async () => {
    await Promise.all(children.map((child) => stopped(child, 20_000)));
  };
  const procs: Proc[] = [];
  try {
    // Side by side, as `make up` starts them; the gateway's readiness follows the stages'.
    const started = specs.map((spec) => {
      const log = join(options.logDir, `${spec.name}.log`);
      const child = spawnLogged({
        entry: join(ROOT, spec.entry),
        cwd: ROOT,
        env: { ...process.env, ...common, ...spec.env },
        log,
        nodeArgs: options.nodeArgs,
      });
      children.push(child);
      return { spec, child, log, t0: performance.now() };
    });
    for (const { spec, child, log, t0 } of started) {
      await waitReady(spec.ready, child, { name: spec.name, log, timeoutMs: READY_TIMEOUT_MS });
      procs.push({
        name: spec.name,
        pid: child.pid ?? 0,
        metricsUrl: spec.ready.replace(/\/readyz$/, '/metrics'),
        readyMs: Math.round(performance.now() - t0),
      });
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { url: ports.url, procs, close };
}
