/**
 * Click-to-visible latency on the fleet (gateway, candidates, ranking and stream processor as
 * separate processes on the real Kafka and Redis): a user's home feed is fetched, its top item
 * is clicked through POST /v1/events, and from the 202 on the feed is polled every ~20 ms until
 * an answer no longer contains the clicked item (the seen set reached Redis and both stages
 * honoured it). All the while other users load the feed at a fixed rate.
 *
 *   pnpm --filter @recsys/benchmarks run bench:click [--artifacts DIR] [--clicks 200] [--load 30]
 *       [--poll-ms 20] [--cold-share 0.25] [--label click-to-visible]
 *
 * Needs REDIS_URL and KAFKA_BROKERS (deploy/local/infra.sh with REDIS_PORT/KAFKA_PORT). Service
 * knobs (*_DEADLINE_MS, ONNX_*, SESSION_*, ...) pass through the environment and are recorded.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { z } from 'zod';
import { benchMachine, loadAverage } from './bench-machine.js';
import { startFeedLoad } from './click-load.js';
import { writeClickResults, type Click } from './click-report.js';
import { deploy, ROOT } from './e2e-fleet.js';

const argv = process.argv.slice(2).filter((arg) => arg !== '--');
const { values } = parseArgs({
  args: argv,
  options: {
    artifacts: { type: 'string', default: join(ROOT, '.run/bench/artifacts-ml-small') },
    clicks: { type: 'string', default: '200' },
    load: { type: 'string', default: '30' },
    'poll-ms': { type: 'string', default: '20' },
    'cold-share': { type: 'string', default: '0.25' },
    'give-up-ms': { type: 'string', default: '15000' },
    label: { type: 'string', default: 'click-to-visible' },
  },
});
const opts = z
  .object({
    artifacts: z.string().min(1),
    clicks: z.coerce.number().int().min(1),
    load: z.coerce.number().min(0),
    'poll-ms': z.coerce.number().int().min(1),
    'cold-share': z.coerce.number().min(0).max(1),
    'give-up-ms': z.coerce.number().int().min(100),
    label: z.string().regex(/^[\w.-]+$/),
  })
  .parse(values);
const REDIS_URL = z.url().parse(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const artifacts = resolve(opts.artifacts);
const manifest = z
  .object({ version: z.string(), dataset: z.string() })
  .parse(JSON.parse(await readFile(join(artifacts, 'manifest.json'), 'utf8')));
const training = z
  .array(z.string())
  .parse(JSON.parse(await readFile(join(artifacts, 'vocab_users.json'), 'utf8')))
  .filter((u) => u !== '');
const coldClicks = Math.round(opts.clicks * opts['cold-share']);
const warmClicks = opts.clicks - coldClicks;
// Each clicker clicks once, on a feed nobody else changes; the load comes from everyone else.
// Spare training clickers stand in for those whose feed is never stable enough to click.
const warmPool = training.slice(0, Math.min(Math.ceil(warmClicks * 1.5), training.length >> 1));
if (warmClicks > warmPool.length) throw new Error(`at most ${warmPool.length} training clicks`);
const loadUsers = training.slice(warmPool.length);
const id = `bench-click-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;

interface Feed {
  status: number;
  items: { item_id: string; sources: string[] }[];
  degraded: string[];
}
async function feed(base: string, user: string): Promise<Feed> {
  const params = new URLSearchParams({ user_id: user, surface: 'home', n: '20' });
  const res = await fetch(`${base}/v1/feed?${params.toString()}`, {
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as Partial<Feed>;
  return { status: res.status, items: body.items ?? [], degraded: body.degraded ?? [] };
}

/**
 * The item to click: the top item two back-to-back full (not degraded) feeds share, so its
 * leaving afterwards is the click's doing; undefined if a few tries find none.
 */
async function stableItem(base: string, user: string): Promise<string | undefined> {
  for (let tries = 0; tries < 5; tries++) {
    const [a, b] = [await feed(base, user), await feed(base, user)];
    const full = (f: Feed) => f.status === 200 && f.degraded.length === 0;
    if (!full(a) || !full(b)) continue;
    const item = a.items.find((i) => b.items.some((j) => j.item_id === i.item_id))?.item_id;
    if (item) return item;
  }
  return undefined;
}

async function click(
  base: string,
  apiKey: string,
  user: string,
  n: number,
): Promise<Click | undefined> {
  const item = await stableItem(base, user);
  if (!item) return undefined;
  const postAt = performance.now();
  const event = {
    event_id: `${id}-click-${n}`,
    user_id: user,
    item_id: item,
    type: 'click',
    timestamp: Date.now(),
    surface: 'home',
    position: 0,
    device: 'bench',
  };
  const res = await fetch(`${base}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify({ events: [event] }),
  });
  await res.arrayBuffer();
  if (res.status !== 202) throw new Error(`POST /v1/events: ${res.status}`);
  const acceptedAt = performance.now();
  const stateMs = inSeenSet(user, item, acceptedAt);
  let polls = 0;
  const result = (visible: boolean, pollAt: number, after: Feed) => ({
    user,
    cold: !training.includes(user),
    postMs: acceptedAt - postAt,
    visibleMs: visible ? performance.now() - acceptedAt : undefined,
    pollSentMs: visible ? pollAt - acceptedAt : undefined,
    polls,
    i2i: visible && after.items.some((i) => i.sources.includes('session_i2i')),
    degraded: after.degraded,
  });
  for (;;) {
    const pollAt = performance.now();
    const after = await feed(base, user);
    polls++;
    // Only a full answer counts: a degraded one may lack the item for another reason.
    const full = after.status === 200 && after.degraded.length === 0;
    if (full && !after.items.some((i) => i.item_id === item)) {
      return { ...result(true, pollAt, after), stateMs: await stateMs };
    }
    if (performance.now() - acceptedAt > opts['give-up-ms']) {
      return { ...result(false, pollAt, after), stateMs: await stateMs };
    }
    await sleep(Math.max(0, opts['poll-ms'] - (performance.now() - pollAt)));
  }
}

/** From the 202 until the item is in the user's seen set in Redis (polled every 5 ms). */
async function inSeenSet(user: string, item: string, from: number): Promise<number | undefined> {
  const key = `${id}:u:{${user}}:seen`;
  while (performance.now() - from < opts['give-up-ms']) {
    if ((await redis.zscore(key, item)) !== null) return performance.now() - from;
    await sleep(5);
  }
  return undefined;
}

const knobs = Object.fromEntries(
  Object.entries(process.env).filter(
    (e): e is [string, string] =>
      /^(ANN_|NPROBE|ONNX_|ENCODER_|RANKER_|WORKERS|SOURCES_|SESSION_|SOURCE_|UV_THREADPOOL|CANDIDATE_|RERANK_|KAFKA_|.*_DEADLINE_MS)/.test(
        e[0],
      ) &&
      e[0] !== 'KAFKA_BROKERS' &&
      e[1] !== undefined,
  ),
);
const machine = benchMachine();
const redis = new Redis(REDIS_URL);
const topic = `${id}-user-events`;
const admin = new Kafka({
  clientId: id,
  brokers: BROKERS.split(','),
  logLevel: logLevel.ERROR,
}).admin();
await admin.connect();
await admin.createTopics({
  waitForLeaders: true,
  topics: [
    { topic, numPartitions: 6 },
    { topic: `${topic}.dlq`, numPartitions: 1 },
  ],
});
const apiKey = `key-${id}`;
process.stderr.write(`starting the fleet on ${artifacts}\n`);
const fleet = await deploy({
  mode: 'fleet',
  artifacts,
  redisUrl: REDIS_URL,
  kafkaBrokers: BROKERS,
  prefix: `${id}:`,
  logDir: join(ROOT, '.run/bench/click', id),
  env: {
    ...knobs,
    RECSYS_API_KEY: apiKey,
    USER_EVENTS_TOPIC: topic,
    USER_EVENTS_DLQ_TOPIC: `${topic}.dlq`,
    USER_EVENTS_GROUP: `${id}-group`,
  },
});
const clicks: Click[] = [];
let skipped = 0;
let load;
try {
  process.stderr.write(`ready; warm-up 5 s at ${opts.load} req/s\n`);
  const warmUp = opts.load > 0 ? startFeedLoad(fleet.url, loadUsers, opts.load) : undefined;
  await sleep(5_000);
  await warmUp?.stop();
  const running = opts.load > 0 ? startFeedLoad(fleet.url, loadUsers, opts.load) : undefined;
  let [warm, cold, n, skippedWarm] = [0, 0, 0, 0];
  while (warm < warmClicks || cold < coldClicks) {
    // Training and cold users take turns in their proportions.
    const asCold =
      warm >= warmClicks || (cold < coldClicks && cold * warmClicks < warm * coldClicks);
    const user = asCold ? `${id}-cold-${n}` : warmPool[warm + skippedWarm];
    if (user === undefined) throw new Error('ran out of training users with a stable feed');
    const done = await click(fleet.url, apiKey, user, n++);
    if (!done) {
      // A cold user gets a fresh id next time anyway; a training user is replaced by a spare.
      skipped++;
      if (!asCold) skippedWarm++;
      continue;
    }
    clicks.push(done);
    if (asCold) cold++;
    else warm++;
    if (clicks.length % 20 === 0) process.stderr.write(`${clicks.length} clicks\n`);
  }
  load = await running?.stop();
} finally {
  await fleet.close();
  await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
  await admin.deleteGroups([`${id}-group`]).catch(() => undefined);
  await admin.disconnect();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${id}:*`, 'COUNT', 1_000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}
machine.loadAverageEnd = loadAverage();
await writeClickResults(new URL('../results/', import.meta.url), {
  label: opts.label,
  command:
    `REDIS_URL=${REDIS_URL} KAFKA_BROKERS=${BROKERS} pnpm --filter @recsys/benchmarks run bench:click ${argv.join(' ')}`.trim(),
  date: new Date().toISOString(),
  machine,
  artifacts: { dir: opts.artifacts, version: manifest.version, dataset: manifest.dataset },
  settings: {
    clicks: opts.clicks,
    coldClicks,
    skipped,
    loadPerSecond: opts.load,
    pollMs: opts['poll-ms'],
    giveUpMs: opts['give-up-ms'],
    knobs,
  },
  load,
  clicks,
});
