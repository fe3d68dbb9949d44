import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FLEET,
  fleetPorts,
  SERVING_DEFAULTS,
  spawnLogged,
  stopped,
  waitReady,
  type Service,
} from '@recsys/fleet';
import { kafka, KAFKA_BROKERS, REDIS_URL, uniqueName } from '../integration/infra.js';

// Fleet mode as `make up` runs it, but on free ports, with topics, group and Redis keys of
// its own, so it runs beside anything else on the machine (and inside `make test`).
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

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

const STOP_GRACE_MS = 20_000;
const ready = (url: string, child: ChildProcess, name: string, log: string) =>
  waitReady(url, child, { name, log, timeoutMs: 180_000 });

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
  const ports = await fleetPorts();
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
    ...SERVING_DEFAULTS,
    ...options.env?.common,
  };
  const env = { ...ports.env, gateway: { ...ports.env.gateway, RECSYS_API_KEY: apiKey } };
  const health = ports.ready;
  const logDir = join(ROOT, '.run/e2e', id);
  mkdirSync(logDir, { recursive: true });
  const children = new Map<Service, ChildProcess>();
  const logOf = (service: Service) => join(logDir, `${service}.log`);
  const close = async () => {
    await Promise.all([...children.values()].map((child) => stopped(child, STOP_GRACE_MS)));
  };
  try {
    const wanted = options.services ?? FLEET;
    for (const service of FLEET.filter((s) => wanted.includes(s))) {
      const child = spawnLogged({
        entry: join(ROOT, 'services', service, 'dist/main.js'),
        cwd: ROOT,
        env: { ...process.env, ...common, ...env[service], ...options.env?.[service] },
        log: logOf(service),
      });
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
    url: ports.url,
    apiKey,
    prefix,
    log: (service) => readFileSync(logOf(service), 'utf8'),
    metrics: (service) => health[service].replace(/\/readyz$/, '/metrics'),
    async stop(service) {
      const child = children.get(service);
      if (!child) return;
      await stopped(child, STOP_GRACE_MS);
      children.delete(service);
    },
    close,
  };
}
