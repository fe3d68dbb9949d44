/**
 * Stream-processor throughput and consumer lag through a burst of user events, on the real
 * Kafka and Redis (REDIS_URL, KAFKA_BROKERS): the events are produced as fast as one producer
 * can while the processor (its own process, `node dist/main.js`) applies them; the group's lag
 * is sampled every 250 ms; afterwards every user's state and the idempotency marks are checked
 * against what was produced (nothing lost, nothing twice). The `kill` variant SIGKILLs the
 * processor mid-burst and starts a new one.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RedisSessionStore } from '@recsys/feature-store';
import { KafkaBus } from '@recsys/kafka';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { z } from 'zod';
import { benchMachine, commandLine, loadAverage } from './bench-machine.js';
import { makeBurst, type Burst } from './stream-burst.js';
import { startProcessor, type ProcessorProc } from './stream-processor-proc.js';
import { writeStreamResults, type BurstResult, type Sample } from './stream-report.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    users: { type: 'string', default: '5000' },
    items: { type: 'string', default: '9742' },
    artifacts: { type: 'string', default: '' },
    partitions: { type: 'string', default: '6' },
    chunk: { type: 'string', default: '1000' },
    variants: { type: 'string', default: 'burst,kill,backlog' },
    label: { type: 'string', default: 'stream-throughput' },
  },
});
const int = (name: keyof typeof values, min: number) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`);
  return n;
};
const N = int('events', 1_000);
const CHUNK = int('chunk', 1);
const PARTITIONS = int('partitions', 1);
const variants = String(values.variants).split(',');
type Variant = 'burst' | 'kill' | 'backlog';
if (variants.some((v) => !['burst', 'kill', 'backlog'].includes(v))) {
  throw new Error('--variants: a list of burst, kill, backlog');
}
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const SAMPLE_MS = 250;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function countKeys(redis: Redis, pattern: string, unlink = false): Promise<number> {
  let count = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 5_000);
    count += keys.length;
    if (unlink && keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  return count;
}

async function committedAndEnd(admin: Admin, group: string, topic: string) {
  const [ends, [committed]] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId: group, topics: [topic] }),
  ]);
  const end = ends.reduce((sum, p) => sum + Number(p.high), 0);
  const done = committed?.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  return { end, committed: done ?? 0 };
}

async function runBurst(
  variant: Variant,
  burst: Burst,
  admin: Admin,
  redis: Redis,
): Promise<BurstResult> {
  const id = `bench-stream-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
  const topic = `${id}.user-events`;
  const group = `${id}.group`;
  const prefix = `${id}:`;
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic, numPartitions: PARTITIONS },
      { topic: `${topic}.dlq`, numPartitions: 1 },
    ],
  });
  for (
    let tries = 0;
    !(await committedAndEnd(admin, group, topic).catch(() => undefined));
    tries++
  ) {
    if (tries > 100) throw new Error(`${topic}: no partition leaders after 10 s`);
    await sleep(100);
  }
  const env = {
    KAFKA_BROKERS: BROKERS.join(','),
    REDIS_URL,
    USER_EVENTS_TOPIC: topic,
    USER_EVENTS_DLQ_TOPIC: `${topic}.dlq`,
    USER_EVENTS_GROUP: group,
    REDIS_KEY_PREFIX: prefix,
    ARTIFACTS_DIR: ARTIFACTS,
    ARTIFACTS_POLL_MS: '0',
    // kill: the dead member's partitions move on after 6 s (the broker's minimum), not the
    // default 30; the other variants run the service defaults.
    ...(variant === 'kill'
      ? { KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_HEARTBEAT_INTERVAL_MS: '500' }
      : {}),
  };
  const bus = new KafkaBus({ brokers: BROKERS, clientId: `${id}-producer` });
  // backlog: the whole burst waits in Kafka before the processor starts (its pure drain rate).
  let proc: ProcessorProc | undefined;
  if (variant !== 'backlog') {
    proc = startProcessor(env);
    await proc.started;
  }

  const samples: Sample[] = [];
  let produced = 0;
  let sampling = true;
  const t0 = performance.now();
  const sampler = (async () => {
    while (sampling) {
      const at = performance.now();
      // A fresh topic can answer "not the leader" for a moment: that sample is skipped.
      const o = await committedAndEnd(admin, group, topic).catch(() => undefined);
      if (o) samples.push({ t: Math.round(at - t0), produced, ...o, lag: o.end - o.committed });
      await sleep(Math.max(0, SAMPLE_MS - (performance.now() - at)));
    }
  })();
  const kill: BurstResult['kill'] = variant === 'kill' ? { atCommitted: 0 } : undefined;
  const killer = (async () => {
    if (!kill) return;
    while (!samples.some((s) => s.committed >= N * 0.4)) await sleep(20);
    proc!.child.kill('SIGKILL');
    kill.atMs = Math.round(performance.now() - t0);
    kill.atCommitted = samples.at(-1)!.committed;
    kill.exit = await proc!.exited;
    proc = startProcessor(env);
    await proc.started;
    kill.restartedMs = Math.round(performance.now() - t0);
  })();

  for (let i = 0; i < burst.messages.length; i += CHUNK) {
    const chunk = burst.messages.slice(i, i + CHUNK);
    await bus.publish(topic, chunk);
    produced += chunk.length;
  }
  const producedMs = performance.now() - t0;
  let processorStartMs: number | undefined;
  let processorReadyMs: number | undefined;
  if (!proc) {
    processorStartMs = Math.round(performance.now() - t0);
    proc = startProcessor(env);
    await proc.started;
    processorReadyMs = Math.round(performance.now() - t0);
  }
  await killer;
  const deadline = Date.now() + 15 * 60_000;
  while (!samples.some((s) => s.committed >= N)) {
    if (Date.now() > deadline) throw new Error('not drained within 15 minutes');
    await sleep(50);
  }
  sampling = false;
  await sampler;
  proc.child.kill('SIGTERM');
  const exit = await proc.exited;
  await bus.close();

  // Exactness: each user's event count, and one idempotency mark per event in each store.
  const store = new RedisSessionStore({ redis, keyPrefix: prefix });
  let applied = 0;
  let wrongUsers = 0;
  for (let i = 0; i < burst.users.length; i += 500) {
    const users = burst.users.slice(i, i + 500);
    const sessions = await Promise.all(users.map((u) => store.getSession(u)));
    sessions.forEach((s, j) => {
      applied += s.eventCount;
      if (s.eventCount !== (burst.perUser.get(users[j]!) ?? 0)) wrongUsers++;
    });
  }
  const sessionMarks = await countKeys(redis, `${prefix}u:*:evt:*`);
  const popularityMarks = await countKeys(redis, `${prefix}pop:{pop}:evt:*`);
  const dlq = (await admin.fetchTopicOffsets(`${topic}.dlq`)).reduce(
    (s, p) => s + Number(p.high),
    0,
  );

  await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
  await admin.deleteGroups([group]).catch(() => undefined);
  await countKeys(redis, `${prefix}*`, true);

  const drained = samples.find((s) => s.committed >= N)!;
  const first = samples.find((s) => s.committed > 0)!;
  return {
    variant,
    events: N,
    users: burst.users.length,
    producedMs: Math.round(producedMs),
    firstCommitMs: first.t,
    drainedMs: drained.t,
    maxLag: Math.max(...samples.map((s) => s.lag)),
    samples,
    kill,
    processorStartMs,
    processorReadyMs,
    finalExit: exit,
    lastProcessorStats: proc.stoppedStats(),
    check: {
      sessionEventsTotal: applied,
      usersWithWrongCount: wrongUsers,
      sessionMarks,
      popularityMarks,
      expectedPopularityMarks: burst.weighted,
      deadLetters: dlq,
    },
  };
}

const machine = benchMachine();
// With artifacts, the processor loads them (item categories feed affinity and per-category
// popularity, as deployed) and the events name their items; without, synthetic item ids.
const ARTIFACTS = values.artifacts ? resolve(String(values.artifacts)) : '';
const itemIds = ARTIFACTS
  ? z
      .array(z.string())
      .parse(JSON.parse(await readFile(join(ARTIFACTS, 'vocab_items.json'), 'utf8')))
      .filter((i) => i !== '')
  : Array.from({ length: int('items', 1) }, (_, i) => `m${i + 1}`);
const burst = makeBurst(N, int('users', 1), itemIds);
const admin = new Kafka({
  clientId: 'bench-stream',
  brokers: BROKERS,
  logLevel: logLevel.ERROR,
}).admin();
await admin.connect();
const redis = new Redis(REDIS_URL);
const results: BurstResult[] = [];
try {
  for (const variant of variants as Variant[]) {
    const result = await runBurst(variant, burst, admin, redis);
    console.info(JSON.stringify({ ...result, samples: result.samples.length }));
    results.push(result);
  }
} finally {
  await admin.disconnect();
  await redis.quit();
}
machine.loadAverageEnd = loadAverage();
await writeStreamResults(new URL('../results/', import.meta.url), {
  label: String(values.label),
  command: commandLine('bench:stream'),
  date: new Date().toISOString(),
  machine,
  settings: {
    artifacts: ARTIFACTS || 'none (synthetic item ids, no categories)',
    events: N,
    users: burst.users.length,
    items: itemIds.length,
    partitions: PARTITIONS,
    chunk: CHUNK,
  },
  results,
});
