import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@recsys/config';
import { events } from '@recsys/contracts';
import { RedisSessionStore } from '@recsys/feature-store';
import { KafkaBus } from '@recsys/kafka';
import { Config, build, createLog } from '@recsys/stream-processor';
import type { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KAFKA_BROKERS,
  REDIS_URL,
  connectRedis,
  consumerLag,
  createTopics,
  deleteKeys,
  kafka,
  uniqueName,
  until,
} from './infra.js';
import { BAD_ID_EVENT, GARBAGE, distinctIn, makePlan, type Plan } from './plan.js';

const EVENTS = Number(process.env.PLUMBING_EVENTS ?? 2_000);
const MAIN_JS = fileURLToPath(
  new URL('../../services/stream-processor/dist/main.js', import.meta.url),
);

interface Run {
  topic: string;
  dlq: string;
  group: string;
  prefix: string;
  env: Record<string, string>;
  store: RedisSessionStore;
}

let admin: Admin;
let redis: Redis;
let producer: KafkaBus;
const runs: Run[] = [];
const children = new Set<ChildProcess>();

beforeAll(async () => {
  admin = kafka('plumbing-admin').admin();
  await admin.connect();
  redis = await connectRedis();
  producer = new KafkaBus({ brokers: KAFKA_BROKERS, clientId: 'plumbing-producer' });
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await producer?.close();
  for (const run of runs) {
    await admin.deleteTopics({ topics: [run.topic, run.dlq] }).catch(() => undefined);
    await admin.deleteGroups([run.group, `${run.group}.dlq-reader`]).catch(() => undefined);
    await deleteKeys(redis, run.prefix);
  }
  await admin?.disconnect();
  await redis?.quit();
});

async function newRun(what: string): Promise<Run> {
  const name = uniqueName(what);
  const run: Run = {
    topic: `${name}.user-events`,
    dlq: `${name}.user-events.dlq`,
    group: `${name}.stream-processor`,
    prefix: `${name}:`,
    env: {},
    store: new RedisSessionStore({ redis, keyPrefix: `${name}:` }),
  };
  run.env = {
    KAFKA_BROKERS: KAFKA_BROKERS.join(','),
    REDIS_URL,
    USER_EVENTS_TOPIC: run.topic,
    USER_EVENTS_DLQ_TOPIC: run.dlq,
    USER_EVENTS_GROUP: run.group,
    REDIS_KEY_PREFIX: run.prefix,
    // A killed member's partitions move on after 6 s (the broker's minimum), not 30.
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    KAFKA_HEARTBEAT_INTERVAL_MS: '500',
    // Small fetches: many batches, so a stop or a kill lands mid-stream.
    KAFKA_MAX_BYTES_PER_PARTITION: '4096',
    PROGRESS_LOG_MS: '0',
  };
  runs.push(run);
  await createTopics(admin, { [run.topic]: 6, [run.dlq]: 1 });
  return run;
}

async function send(run: Run, sends: Plan['sends'], pauseMs = 0): Promise<void> {
  for (const batch of sends) {
    await producer.publish(run.topic, batch);
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
  }
}

async function appliedTotal(run: Run, plan: Plan): Promise<number> {
  const sessions = await Promise.all(plan.users.map((u) => run.store.getSession(u)));
  return sessions.reduce((sum, s) => sum + s.eventCount, 0);
}

/** Every user's state equals what the distinct events imply: nothing lost, nothing twice. */
async function expectExactState(run: Run, plan: Plan): Promise<void> {
  for (const [userId, want] of plan.expected) {
    const session = await run.store.getSession(userId);
    expect({ userId, count: session.eventCount, impressions: session.impressions }).toEqual({
      userId,
      count: want.count,
      impressions: want.impressions,
    });
  }
  // The malformed event's user never got any state.
  expect((await run.store.getSession('not a valid id')).eventCount).toBe(0);
}

/** Waits until every event is applied and the group committed everything it consumed. */
async function drained(run: Run, plan: Plan): Promise<void> {
  await until('all events applied', async () => (await appliedTotal(run, plan)) >= plan.distinct);
  await until(
    'group caught up',
    async () => (await consumerLag(admin, run.group, run.topic)) === 0,
  );
}

/** Reads the dead-letter topic until `count` distinct source records are there. */
async function deadLetters(run: Run, count: number): Promise<events.DeadLetter[]> {
  const letters = new Map<string, events.DeadLetter>();
  const consumer = kafka('plumbing-dlq').consumer({
    groupId: `${run.group}.dlq-reader`,
    maxWaitTimeInMs: 200,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: run.dlq, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      const letter = events.DeadLetter.decode(message.value!);
      letters.set(`${letter.partition}:${letter.offset}`, letter);
      return Promise.resolve();
    },
  });
  try {
    await until('dead letters', () => letters.size >= count, 30_000);
  } finally {
    await consumer.disconnect();
  }
  return [...letters.values()];
}

function expectDeadLetters(run: Run, letters: events.DeadLetter[]): void {
  expect(letters).toHaveLength(2);
  const garbage = letters.find((l) => l.key.toString() === 'garbage');
  expect(garbage?.sourceTopic).toBe(run.topic);
  expect(garbage?.reason).toMatch(/^undecodable protobuf/);
  expect(garbage?.value.equals(GARBAGE)).toBe(true);
  const badId = letters.find((l) => l.key.toString() === 'not a valid id');
  expect(badId?.sourceTopic).toBe(run.topic);
  expect(badId?.reason).toMatch(/^invalid userId/);
  expect(events.UserEvent.decode(badId!.value).eventId).toBe(BAD_ID_EVENT);
  for (const l of letters) expect(l.failedAt).toBeGreaterThan(Date.now() - 600_000);
}

describe('user events: Kafka -> stream-processor -> Redis', () => {
  it('applies every event exactly once across a stop mid-stream and a lost offset commit', async () => {
    if (EVENTS < 1_000) throw new Error('PLUMBING_EVENTS must be at least 1000');
    const run = await newRun('stop');
    const plan = makePlan(EVENTS, 40, 100);
    const half = Math.floor(plan.sends.length / 2);
    const logs: string[] = [];
    const log = createLog('stream-processor', (line) => logs.push(line));

    await send(run, plan.sends.slice(0, half));
    let app = build(loadConfig(Config, run.env), { log });
    await app.start();
    await until('first events applied', () => app.stats().userEvents.applied >= 100);
    await app.stop();
    const appliedAtStop = await appliedTotal(run, plan);
    expect(appliedAtStop).toBeLessThan(distinctIn(plan, half)); // really mid-stream

    // As if the processor had died after writing to Redis but before every
    // commit: rewind the group to the start, so everything is redelivered.
    await admin.resetOffsets({ groupId: run.group, topic: run.topic, earliest: true });
    await send(run, plan.sends.slice(half));

    app = build(loadConfig(Config, { ...run.env, KAFKA_MAX_BYTES_PER_PARTITION: '1048576' }), {
      log,
    });
    await app.start();
    const startedAt = Date.now();
    await drained(run, plan);
    const seconds = (Date.now() - startedAt) / 1000;
    const stats = app.stats().userEvents;
    await app.stop();

    await expectExactState(run, plan);
    expect(stats.applied).toBe(plan.distinct - appliedAtStop);
    expect(stats.duplicates).toBe(plan.validRecords - stats.applied);
    expect(stats.deadLettered).toBe(2);
    expectDeadLetters(run, await deadLetters(run, 2));
    expect(logs.filter((l) => l.includes('"level":"error"'))).toEqual([]);
    console.info(
      `graceful stop: ${appliedAtStop} applied before the stop; after the rewind ${stats.records} records ` +
        `(${stats.duplicates} duplicates) in ${seconds.toFixed(2)} s incl. group join = ` +
        `${Math.round(stats.records / seconds)} records/s`,
    );
  });

  it('applies every event exactly once when the processor is SIGKILLed mid-stream', async () => {
    if (!existsSync(MAIN_JS))
      throw new Error(`${MAIN_JS} is missing: build first (pnpm exec tsc -b)`);
    const run = await newRun('kill');
    const plan = makePlan(EVENTS, 40, 50);

    const first = startProcessor(run);
    await first.started;
    // A backlog, so the kill lands while batches are in flight, then a steady
    // stream while the processor works, dies and comes back.
    const half = Math.floor(plan.sends.length / 2);
    await send(run, plan.sends.slice(0, half));
    const producing = send(run, plan.sends.slice(half), 50);
    await until(
      'a quarter applied',
      async () => (await appliedTotal(run, plan)) >= plan.distinct / 4,
    );
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const appliedAtKill = await appliedTotal(run, plan);
    expect(appliedAtKill).toBeLessThan(plan.distinct);

    const second = startProcessor(run);
    await second.started;
    await producing;
    await drained(run, plan);
    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });

    await expectExactState(run, plan);
    expectDeadLetters(run, await deadLetters(run, 2));
    const stopped = second.lines
      .map((l) => JSON.parse(l) as { msg: string; stats?: unknown })
      .find((l) => l.msg === 'stopped');
    expect(stopped?.stats).toMatchObject({ userEvents: { failedBatches: 0 } });
    console.info(
      `SIGKILL: ${appliedAtKill} applied at the kill; the restarted processor reported`,
      JSON.stringify(stopped?.stats),
    );
  });
});

interface Processor {
  child: ChildProcess;
  lines: string[];
  started: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs the built service as its own process, exactly as deployed: `node dist/main.js`. */
function startProcessor(run: Run): Processor {
  const child = spawn(process.execPath, [MAIN_JS], {
    // Port 0: the health server must not clash with a processor already running here.
    env: { ...process.env, METRICS_PORT: '0', ...run.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const lines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const started = new Promise<void>((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      lines.push(...parts);
      if (parts.some((l) => l.includes('"msg":"started"'))) resolve();
    });
    child.once('exit', () =>
      reject(new Error(`stream-processor exited before starting: ${stderr}${lines.join('\n')}`)),
    );
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, lines, started, exited };
}
