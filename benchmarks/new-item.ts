/**
 * New-item-to-retrievable latency on the fleet (gateway, candidates, ranking and stream
 * processor as processes on the real Kafka and Redis): an item copying a catalog item's content
 * under a unique title is posted to POST /v1/items, and from the 202 two probes poll every
 * ~20 ms: (a) search for its unique title word returns it (the candidates replica applied it:
 * catalog row and search postings); (b) more_like_this seeded by the new item answers 200 (its
 * vector is in the ANN index and the ranker scores its neighbours). Each is the time from the
 * 202 to the first answer that shows it: the stream processor's content encoder (MiniLM on
 * ml-latest-small) and both Kafka hops are inside it.
 *
 *   pnpm --filter @recsys/benchmarks run bench:new-item [--artifacts DIR] [--items 50]
 *
 * Needs REDIS_URL and KAFKA_BROKERS (deploy/local/infra.sh), whose topics.conf creates the
 * catalog-events and item-updates topics this uses.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  benchMachine,
  commandLine,
  loadAverage,
  machineLines,
  percentile,
} from './bench-machine.js';
import { deploy, ROOT } from './e2e-fleet.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    artifacts: { type: 'string', default: join(ROOT, '.run/bench/artifacts-ml-small') },
    items: { type: 'string', default: '50' },
    'give-up-ms': { type: 'string', default: '20000' },
    label: { type: 'string', default: 'new-item-to-retrievable' },
  },
});
const opts = z
  .object({
    artifacts: z.string().min(1),
    items: z.coerce.number().int().min(1).max(1000),
    'give-up-ms': z.coerce.number().int().min(100),
    label: z.string().regex(/^[\w.-]+$/),
  })
  .parse(values);
const machine = benchMachine();
const artifacts = resolve(opts.artifacts);
const Line = z.object({ id: z.string(), title: z.string(), categories: z.array(z.string()) });
const catalog = (await readFile(join(artifacts, 'item_features.jsonl'), 'utf8'))
  .split('\n')
  .filter(Boolean)
  .slice(0, 2000)
  .map((line) => Line.parse(JSON.parse(line)));
const version = z
  .object({ version: z.string() })
  .parse(JSON.parse(await readFile(join(artifacts, 'manifest.json'), 'utf8'))).version;
const id = `bench-item-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
const adminKey = `admin-${id}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const fleet = await deploy({
  mode: 'fleet',
  artifacts,
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  prefix: `${id}:`,
  logDir: join(ROOT, '.run/bench/new-item', id),
  env: {
    RECSYS_ADMIN_KEY: adminKey,
    CATALOG_EVENTS_GROUP: `${id}-catalog`,
    CANDIDATES_DEADLINE_MS: '2000',
    RANKING_DEADLINE_MS: '2000',
  },
});

async function status(params: Record<string, string>, itemId?: string): Promise<boolean> {
  const res = await fetch(`${fleet.url}/v1/feed?${new URLSearchParams(params).toString()}`);
  const body = (await res.json()) as { items?: { item_id: string }[] };
  if (itemId === undefined) return res.status === 200;
  return res.status === 200 && (body.items ?? []).some((i) => i.item_id === itemId);
}

interface Sample {
  postMs: number;
  searchMs: number | undefined;
  seedMs: number | undefined;
}
const samples: Sample[] = [];
try {
  for (let n = 0; n < opts.items; n++) {
    const like = catalog[(n * 37) % catalog.length]!;
    const word = `zq${randomBytes(4).toString('hex')}`;
    const itemId = `${id}-${n}`;
    const posted = performance.now();
    const res = await fetch(`${fleet.url}/v1/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': adminKey },
      body: JSON.stringify({
        items: [
          {
            item_id: itemId,
            op: 'upsert',
            title: `${like.title} ${word}`,
            categories: like.categories,
          },
        ],
      }),
    });
    await res.arrayBuffer();
    if (res.status !== 202) throw new Error(`POST /v1/items: ${res.status}`);
    const accepted = performance.now();
    const sample: Sample = { postMs: accepted - posted, searchMs: undefined, seedMs: undefined };
    const user = { user_id: `${id}-u`, n: '10' };
    while (performance.now() - accepted < opts['give-up-ms']) {
      if (
        sample.searchMs === undefined &&
        (await status({ ...user, surface: 'search', q: word }, itemId))
      )
        sample.searchMs = performance.now() - accepted;
      if (
        sample.seedMs === undefined &&
        (await status({ ...user, surface: 'more_like_this', item_id: itemId }))
      )
        sample.seedMs = performance.now() - accepted;
      if (sample.searchMs !== undefined && sample.seedMs !== undefined) break;
      await sleep(20);
    }
    samples.push(sample);
  }
} finally {
  await fleet.close();
}

machine.loadAverageEnd = loadAverage();
const stat = (pick: (s: Sample) => number | undefined) => {
  const xs = samples
    .map(pick)
    .filter((x): x is number => x !== undefined)
    .sort((a, b) => a - b);
  const r = (x: number) => Math.round(x);
  return {
    n: xs.length,
    p50: r(percentile(xs, 50)),
    p99: r(percentile(xs, 99)),
    max: r(xs.at(-1) ?? NaN),
  };
};
const results = {
  label: opts.label,
  command: commandLine('bench:new-item'),
  date: new Date().toISOString(),
  machine,
  artifacts: { dir: artifacts, version },
  items: opts.items,
  search: stat((s) => s.searchMs),
  seed: stat((s) => s.seedMs),
  post: stat((s) => s.postMs),
  samples,
};
const row = (name: string, s: ReturnType<typeof stat>) =>
  `| ${name} | ${s.n}/${opts.items} | ${s.p50} | ${s.p99} | ${s.max} |`;
const md = [
  `# New item to retrievable (${opts.label})`,
  '',
  `Command: \`${results.command}\`  `,
  `Date: ${results.date}  `,
  ...machineLines(machine),
  '',
  `Artifacts: ${artifacts} (version ${version}). ${opts.items} items posted one at a time, each`,
  "copying a catalog item's title and categories plus a unique word; the clock starts at the 202.",
  '',
  '| probe | retrievable | p50 ms | p99 ms | max ms |',
  '|---|---|---|---|---|',
  row('search for its word returns it', results.search),
  row('more_like_this seeded by it answers 200', results.seed),
  row('POST /v1/items round trip', results.post),
  '',
].join('\n');
await mkdir(join(ROOT, 'benchmarks/results'), { recursive: true });
await writeFile(
  join(ROOT, `benchmarks/results/${opts.label}.json`),
  JSON.stringify(results, null, 2),
);
await writeFile(join(ROOT, `benchmarks/results/${opts.label}.md`), md);
console.log(md);
