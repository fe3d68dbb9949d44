import { mkdir, writeFile } from 'node:fs/promises';
import { machineLines, percentile, type BenchMachine } from './bench-machine.js';
import type { LoadStats } from './click-load.js';

export interface Click {
  user: string;
  cold: boolean;
  /** POST /v1/events round trip, until the 202. */
  postMs: number;
  /** From the 202 to the first feed answer without the clicked item; absent if it never came. */
  visibleMs: number | undefined;
  /** From the 202 to sending the feed request that was the first to reflect it. */
  pollSentMs: number | undefined;
  /** From the 202 until the item was in the user's seen set in Redis (the pipeline alone). */
  stateMs: number | undefined;
  polls: number;
  /** That answer had session item-to-item candidates (the click seeded them). */
  i2i: boolean;
  degraded: string[];
}

export interface ClickResults {
  label: string;
  command: string;
  date: string;
  machine: BenchMachine;
  artifacts: { dir: string; version: string; dataset: string };
  settings: {
    clicks: number;
    coldClicks: number;
    loadPerSecond: number;
    pollMs: number;
    giveUpMs: number;
    /** Users passed over: no two full feeds in a row shared an item, so no click was measured. */
    skipped: number;
    /** Service settings passed through the environment (the rest are the defaults). */
    knobs: Record<string, string>;
  };
  load: LoadStats | undefined;
  clicks: Click[];
}

const ms = (x: number) => Math.round(x);

function stats(values: number[]) {
  return {
    n: values.length,
    p50: ms(percentile(values, 50)),
    p90: ms(percentile(values, 90)),
    p99: ms(percentile(values, 99)),
    max: ms(Math.max(...values)),
  };
}

/** Writes <label>.json and .md: command, machine, latency percentiles and the load it ran under. */
export async function writeClickResults(dir: URL, r: ClickResults): Promise<void> {
  await mkdir(dir, { recursive: true });
  const seen = r.clicks.flatMap((c) => (c.visibleMs === undefined ? [] : [c.visibleMs]));
  const summary = {
    visible: stats(seen),
    visibleTraining: stats(
      r.clicks.filter((c) => !c.cold && c.visibleMs !== undefined).map((c) => c.visibleMs!),
    ),
    visibleCold: stats(
      r.clicks.filter((c) => c.cold && c.visibleMs !== undefined).map((c) => c.visibleMs!),
    ),
    pollSent: stats(r.clicks.flatMap((c) => (c.pollSentMs === undefined ? [] : [c.pollSentMs]))),
    state: stats(r.clicks.flatMap((c) => (c.stateMs === undefined ? [] : [c.stateMs]))),
    post: stats(r.clicks.map((c) => c.postMs)),
    neverVisible: r.clicks.length - seen.length,
    pollsMean: Math.round((r.clicks.reduce((s, c) => s + c.polls, 0) / r.clicks.length) * 10) / 10,
    i2iShare: r.clicks.filter((c) => c.i2i).length / r.clicks.length,
    degradedShare: r.clicks.filter((c) => c.degraded.length > 0).length / r.clicks.length,
  };
  await writeFile(
    new URL(`${r.label}.json`, dir),
    `${JSON.stringify({ ...r, summary }, null, 2)}\n`,
  );
  const s = r.settings;
  const row = (name: string, x: ReturnType<typeof stats>) =>
    `| ${name} | ${x.n} | ${x.p50} | ${x.p90} | ${x.p99} | ${x.max} |`;
  const lines = [
    '# Click to visible: a click reflected in the next home feed',
    '',
    `Command: \`${r.command}\`  `,
    `Date: ${r.date}  `,
    ...machineLines(r.machine),
    '',
    `Fleet: gateway, candidates, ranking and stream-processor as separate processes ` +
      `(services/*/dist/main.js) on the local Redis and Kafka; artifacts ` +
      `${r.artifacts.dataset} (version ${r.artifacts.version}); settings ` +
      `${JSON.stringify(s.knobs)}, the rest at their defaults.`,
    `Method: ${s.clicks} clicks, one at a time, each by a different user (${s.clicks - s.coldClicks} ` +
      `training users, ${s.coldClicks} cold users): GET /v1/feed (home, n=20), POST /v1/events with ` +
      `a click on the top item it shares with a second feed just before (so the item is not one ` +
      `that drops out on its own), then from the 202 on GET /v1/feed every ${s.pollMs} ms (or back to ` +
      'back when a feed takes longer) until an answer no longer holds the clicked item. Visible = ' +
      'the 202 to that answer. The path: gateway -> Kafka -> stream processor -> Redis seen set -> ' +
      'candidates and ranking exclude it.',
    r.load
      ? `Background load: other training users' home feeds, open loop at ${r.load.offeredPerSecond} ` +
        `req/s (achieved ${r.load.achievedPerSecond}; ${r.load.requests} requests, ` +
        `${r.load.non200} non-200, ${r.load.errors} errors; p50 ${r.load.p50Ms} ms, p99 ${r.load.p99Ms} ms).`
      : 'No background load.',
    '',
    '| latency (ms) | n | p50 | p90 | p99 | max |',
    '|---|---|---|---|---|---|',
    row('click to visible, all', summary.visible),
    row('click to visible, training users', summary.visibleTraining),
    row('click to visible, cold users', summary.visibleCold),
    row('202 to sending the first reflecting feed request', summary.pollSent),
    row('202 to the item in the Redis seen set (Kafka + stream processor)', summary.state),
    row('POST /v1/events (to the 202)', summary.post),
    '',
    `Never visible within ${s.giveUpMs} ms: ${summary.neverVisible}. Users passed over (no ` +
      `two full feeds in a row to pick a stable item from): ${s.skipped}. Feed polls per click: ` +
      `${summary.pollsMean} on average. The reflecting answer carried session item-to-item ` +
      `candidates in ${(summary.i2iShare * 100).toFixed(0)}% of clicks; it was degraded in ` +
      `${(summary.degradedShare * 100).toFixed(0)}%.`,
    '',
    'Reading it: "click to visible" ends when the reflecting feed answer arrives, so it holds ' +
      "that request's own latency (under the background load); the seen-set row is the " +
      'pipeline alone (gateway publish acked -> Kafka -> stream processor -> Redis), and the ' +
      '"sending" row shows how soon after the 202 the feed could already reflect the click.',
    '',
    'Target (issue 5): p99 <= 1 s.',
    '',
  ];
  await writeFile(new URL(`${r.label}.md`, dir), lines.join('\n'));
}
