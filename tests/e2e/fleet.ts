import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafka, KAFKA_BROKERS, REDIS_URL, uniqueName } from '../integration/infra.js';

// Fleet mode as `make up` runs it, but on free ports, with topics, group and Redis keys of
// its own, so it runs beside anything else on the machine (and inside `make test`).
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SERVICES = ['stream-processor', 'candidates', 'ranking', 'gateway'] as const;
export type Service = (typeof SERVICES)[number];

export interface FleetOptions {
  artifacts: string;
  /** Which services to run; the gateway is always last. */
  services?: readonly Service[];
  redisUrl?: string;
  /** Extra environment per service (all of them get `common`). */
  env?: Partial<Record<Service | 'common', Record<string, string>>>;
}

export interface Fleet {
  url: string;
  apiKey: string;
  prefix: string;
  /** SIGTERM one service and wait for it to exit. */
  stop(service: Service): Promise<void>;
  close(): Promise<void>;
  log(service: Service): string;
  /** The service's /metrics URL. */
  metrics(service: Service): string;
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

async function ready(url: string, child: ChildProcess, name: string, logFile: string) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`${name} exited (${child.exitCode}):\n${readFileSync(logFile, 'utf8')}`);
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

function exited(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const id = uniqueName('e2e');
  const prefix = `${id}:`;
  const topic = `${id}-user-events`;
  // Catalog topics of this fleet alone: items one test adds never reach another's replicas.
  const catalogTopic = `${id}-catalog-events`;
  const itemUpdatesTopic = `${id}-item-updates`;
  const admin = kafka(id).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        ...[topic, `${topic}.dlq`, catalogTopic, `${catalogTopic}.dlq`].map((t) => ({
          topic: t,
          numPartitions: 2,
        })),
        {
          topic: itemUpdatesTopic,
          numPartitions: 2,
          configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
  const [candidates, candidatesHealth, ranking, rankingHealth, processorHealth, gateway] =
    await Promise.all(Array.from({ length: 6 }, freePort));
  const apiKey = `key-${id}`;
  const common = {
    ARTIFACTS_DIR: options.artifacts,
    REDIS_URL: options.redisUrl ?? REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    KAFKA_BROKERS: KAFKA_BROKERS.join(','),
    USER_EVENTS_TOPIC: topic,
    USER_EVENTS_DLQ_TOPIC: `${topic}.dlq`,
    USER_EVENTS_GROUP: `${id}-group`,
    CATALOG_EVENTS_TOPIC: catalogTopic,
    CATALOG_EVENTS_DLQ_TOPIC: `${catalogTopic}.dlq`,
    CATALOG_EVENTS_GROUP: `${id}-catalog-group`,
    ITEM_UPDATES_TOPIC: itemUpdatesTopic,
    ARTIFACTS_POLL_MS: '0',
    DRAIN_DELAY_MS: '0',
    PROGRESS_LOG_MS: '0',
    LOG_LEVEL: 'warn',
    ...options.env?.common,
  };
  const env: Record<Service, Record<string, string>> = {
    candidates: { PORT: `${candidates}`, METRICS_PORT: `${candidatesHealth}` },
    ranking: { PORT: `${ranking}`, METRICS_PORT: `${rankingHealth}` },
    'stream-processor': { METRICS_PORT: `${processorHealth}` },
    gateway: {
      PORT: `${gateway}`,
      HOST: '127.0.0.1',
      CANDIDATES_ADDR: `127.0.0.1:${candidates}`,
      RANKING_ADDR: `127.0.0.1:${ranking}`,
      RECSYS_API_KEY: apiKey,
    },
  };
  const health: Record<Service, string> = {
    candidates: `http://127.0.0.1:${candidatesHealth}/readyz`,
    ranking: `http://127.0.0.1:${rankingHealth}/readyz`,
    'stream-processor': `http://127.0.0.1:${processorHealth}/readyz`,
    gateway: `http://127.0.0.1:${gateway}/readyz`,
  };
  const logDir = join(ROOT, '.run/e2e', id);
  mkdirSync(logDir, { recursive: true });
  const children = new Map<Service, ChildProcess>();
  const logOf = (service: Service) => join(logDir, `${service}.log`);
  const close = async () => {
    await Promise.all(
      [...children.values()].map((child) => {
        child.kill('SIGTERM');
        return exited(child, 20_000);
      }),
    );
  };
  try {
    const wanted = options.services ?? SERVICES;
    for (const service of SERVICES.filter((s) => wanted.includes(s))) {
      const fd = openSync(logOf(service), 'a');
      const child = spawn('node', [join(ROOT, 'services', service, 'dist/main.js')], {
        cwd: ROOT,
        env: { ...process.env, ...common, ...env[service], ...options.env?.[service] },
        stdio: ['ignore', fd, fd],
      });
      closeSync(fd);
      children.set(service, child);
      // The gateway waits for the stages, as in `make up`; the others load side by side.
      if (service === 'gateway') {
        for (const [name, started] of children)
          await ready(health[name], started, name, logOf(name));
      }
    }
    for (const [name, started] of children) await ready(health[name], started, name, logOf(name));
  } catch (err) {
    await close();
    throw err;
  }
  return {
    url: `http://127.0.0.1:${gateway}`,
    apiKey,
    prefix,
    log: (service) => readFileSync(logOf(service), 'utf8'),
    metrics: (service) => health[service].replace(/\/readyz$/, '/metrics'),
    async stop(service) {
      const child = children.get(service);
      if (!child) return;
      child.kill('SIGTERM');
      await exited(child, 20_000);
      children.delete(service);
    },
    close,
  };
}
