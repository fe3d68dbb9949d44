/**
 * Event-loop blocking while an artifacts version loads beside live traffic (what candidates
 * and ranking do on a hot swap): loads the folder with @recsys/artifacts and the retrieval
 * search index under a 1 ms ticker, and notes every gap between ticks with how long the main
 * thread was on a CPU in it. On a shared machine a gap is also time spent waiting for a core;
 * the thread's own CPU time over the gap is what the code held the loop for.
 *
 *   node benchmarks/dist/e2e-loop-load.js --artifacts DIR --label NAME [--variant after]
 *
 * Each run adds a record to results/e2e-loop-load.json and rewrites results/e2e-loop-load.md.
 * The "before" variant of the change that added time slicing ran the same script with the
 * previous @recsys/artifacts and @recsys/retrieval builds swapped in by a module resolve hook.
 */
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { faissVersion } from '@recsys/ann';
import { loadArtifacts } from '@recsys/artifacts';
import { SearchIndex } from '@recsys/retrieval';
import { describeMachine } from './retrieval-report.js';

const argv = process.argv.slice(2).filter((a) => a !== '--');
const { values: args } = parseArgs({
  args: argv,
  options: {
    artifacts: { type: 'string' },
    label: { type: 'string' },
    variant: { type: 'string', default: 'after' },
  },
});
if (args.artifacts === undefined || args.label === undefined)
  throw new Error('usage: e2e-loop-load.js --artifacts DIR --label NAME [--variant after]');

/** Milliseconds the main thread has run on a core (schedstat's first field). */
const onCpuMs = () =>
  Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;

interface Gap {
  wall: number;
  cpu: number;
  phase: string;
}

const machine = describeMachine(faissVersion());
let phase = 'loadArtifacts';
let last = performance.now();
let lastCpu = onCpuMs();
const gaps: Gap[] = [];
const ticker = setInterval(() => {
  const now = performance.now();
  const cpu = onCpuMs();
  if (now - last > 10) gaps.push({ wall: now - last, cpu: cpu - lastCpu, phase });
  last = now;
  lastCpu = cpu;
}, 1);
const t0 = performance.now();
const artifacts = await loadArtifacts(args.artifacts, { histories: true });
const loadMs = performance.now() - t0;
phase = 'SearchIndex.build';
await SearchIndex.build(artifacts.items);
const totalMs = performance.now() - t0;
clearInterval(ticker);

const byCpu = [...gaps].sort((a, b) => b.cpu - a.cpu);
const record = {
  label: args.label,
  variant: args.variant,
  command: ['node', ...process.execArgv, 'benchmarks/dist/e2e-loop-load.js', ...argv].join(' '),
  date: new Date().toISOString(),
  machine: { ...machine, loadAverageEnd: loadavg().map((v) => Math.round(v * 100) / 100) },
  items: artifacts.items.size,
  loadMs: Math.round(loadMs),
  totalMs: Math.round(totalMs),
  gapsOver10msWall: gaps.length,
  gapsOver10msCpu: gaps.filter((g) => g.cpu > 10).length,
  maxCpuMs: Math.round(byCpu[0]?.cpu ?? 0),
  maxWallMs: Math.round(Math.max(0, ...gaps.map((g) => g.wall))),
  /** Peak resident set size of the process over the whole load, MiB. */
  maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  longest: byCpu.slice(0, 6).map((g) => ({
    cpu: Math.round(g.cpu),
    wall: Math.round(g.wall),
    phase: g.phase,
  })),
};
process.stdout.write(`${JSON.stringify(record)}\n`);

const jsonUrl = new URL('../results/e2e-loop-load.json', import.meta.url);
/** Records from before the RSS column have none. */
type Stored = Omit<typeof record, 'maxRssMiB'> & { maxRssMiB?: number };
const records: Stored[] = [
  ...(await readFile(jsonUrl, 'utf8').then(
    (t) => JSON.parse(t) as Stored[],
    () => [],
  )),
  record,
];
await writeFile(jsonUrl, `${JSON.stringify(records, null, 2)}\n`);
const md = [
  '# Event loop while an artifacts version loads (loadArtifacts + search index build)',
  '',
  'What candidates and ranking do beside live traffic on a version swap. A 1 ms ticker notes ' +
    "every gap over 10 ms between ticks and the main thread's CPU time within it (/proc " +
    'schedstat): wall gaps include waiting for a core on this shared 2-core machine; CPU ms is ' +
    'what the code itself held the loop for. "before": the loaders as committed (one ' +
    'JSON.parse per vocabulary, readline lines without yields, 20,000-item index chunks, one ' +
    'sort of every word); "after": time-sliced (TimeSlice, readStringArray, freezeInSlices); ' +
    '"packed": after, with item ids, titles and search words packed (PackedStrings), postings ' +
    'by field weight and the search accumulators sized and touched in the build; ' +
    '"typed-postings": packed, with the search build collecting its entries in typed columns ' +
    'and freezing them by a counting sort (no JavaScript array per word); "packed-bytes": ' +
    'typed-postings, with vocabularies copied from the file bytes into PackedStrings (no string ' +
    'per id), the catalog taking vocab_items over, words sorted as positions by their bytes and ' +
    'page faults taken in steps.',
  '',
  '| artifacts | variant | date | load avg (1 min) start/end | items | load ms | total ms | gaps > 10 ms wall | gaps > 10 ms CPU | max CPU ms | max wall ms | peak RSS MiB | longest (CPU/wall ms, phase) |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...records.map(
    (r) =>
      `| ${r.label} | ${r.variant} | ${r.date.slice(0, 16)} | ${r.machine.loadAverageStart[0]} / ${r.machine.loadAverageEnd[0]} | ` +
      `${r.items} | ${r.loadMs} | ${r.totalMs} | ${r.gapsOver10msWall} | ${r.gapsOver10msCpu} | ` +
      `${r.maxCpuMs} | ${r.maxWallMs} | ${r.maxRssMiB ?? '–'} | ${r.longest.map((g) => `${g.cpu}/${g.wall} ${g.phase}`).join('; ')} |`,
  ),
  '',
  `Machine: ${machine.cpu}, nproc ${machine.nproc}, ${machine.memoryGiB} GiB RAM; Node ${machine.node}.`,
  '',
  'Commands: `node benchmarks/dist/e2e-loop-load.js --artifacts DIR --label NAME --variant after`; ' +
    'the before rows ran the same with `--import` of a resolve hook that maps @recsys/artifacts ' +
    'and @recsys/retrieval to builds of the committed loader sources. The packed and ' +
    'typed-postings rows of 17:16-17:17 ran alternately, packed from a checkout of cdffb41; ' +
    'the typed-postings and packed-bytes rows of 18:28-18:29 ran alternately, typed-postings ' +
    'from a checkout of 03a37dd, while a one-thread training sweep used the other core.',
  '',
];
await writeFile(new URL('../results/e2e-loop-load.md', import.meta.url), md.join('\n'));
