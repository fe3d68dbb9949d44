import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, getPriority, loadavg, totalmem } from 'node:os';
import type { LatencyStats, LoopDelay } from './retrieval-measure.js';

export interface Machine {
  cpu: string;
  nproc: number;
  memoryGiB: number;
  node: string;
  faiss: string;
  uvThreadpool: string;
  /** Scheduling priority (nice) of the benchmark process. */
  nice: number;
  loadAverageStart: number[];
  loadAverageEnd?: number[];
}

export interface BuildRecord {
  name: string;
  factory: string;
  trainRows: number;
  cached: boolean;
  /** When the index was built (an earlier run when cached). */
  builtAt?: string;
  trainSeconds?: number;
  addSeconds?: number;
  loadSeconds?: number;
  loopMaxMs?: number;
}

export interface Row {
  name: string;
  factory: string;
  knob: 'nprobe' | 'efSearch' | 'exact';
  value: number;
  recall: number;
  latency: LatencyStats;
  loop: LoopDelay;
  cpuMs: number;
  jsThreadCpuMs: number;
}

export interface ConcurrencyRow {
  name: string;
  knob: string;
  value: number;
  concurrency: number;
  qps: number;
  latency: LatencyStats;
  loop: LoopDelay;
  cpuMs: number;
  jsThreadCpuMs: number;
}

export interface Results {
  command: string;
  date: string;
  machine: Machine;
  dataset: Record<string, number>;
  targets: { k: number; p99Ms: number; recall: number };
  builds: BuildRecord[];
  rows: Row[];
  concurrency: ConcurrencyRow[];
  /** Loop delay of the idle process before and after the runs. */
  idleLoop: { before: LoopDelay; after: LoopDelay };
  recommended?: Row;
}

export function describeMachine(faiss: string): Machine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? 'unknown';
  return {
    cpu,
    nproc: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    faiss,
    uvThreadpool: process.env.UV_THREADPOOL_SIZE ?? '4 (default)',
    nice: getPriority(),
    loadAverageStart: loadavg().map(round2),
  };
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

const ms = (v: number) => v.toFixed(2);

function markdown(r: Results): string {
  const m = r.machine;
  const lines = [
    '# Retrieval benchmark: 1,000 candidates from 1 M items',
    '',
    `Command: \`${r.command}\`  `,
    `Date: ${r.date}  `,
    `Machine: ${m.cpu}, nproc ${m.nproc}, ${m.memoryGiB} GiB RAM; Node ${m.node}; FAISS ${m.faiss} ` +
      `(Debian libfaiss-dev, generic build without AVX2); libuv pool ${m.uvThreadpool}; ` +
      `nice ${m.nice}  `,
    `Load average at start ${m.loadAverageStart.join(' / ')}, at end ${(m.loadAverageEnd ?? []).join(' / ')} ` +
      '(the 2 cores are shared with other work, so latencies carry that noise)',
    '',
    `Data: ${Object.entries(r.dataset)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}. Inner product on L2-normalised vectors; ground truth by exact search (Flat).`,
    '',
    `Event-loop delay of the idle process (3 s, no searches): p99 ${ms(r.idleLoop.before.p99)} / ` +
      `max ${ms(r.idleLoop.before.max)} ms before the runs, p99 ${ms(r.idleLoop.after.p99)} / ` +
      `max ${ms(r.idleLoop.after.max)} ms after: the floor the machine's load sets.`,
    '',
    `Target: k=${r.targets.k}, p99 <= ${r.targets.p99Ms} ms with recall@${r.targets.k} >= ${r.targets.recall}.`,
    'Latency: one query per call, sequential, call to promise settled. cpu ms/query: process ' +
      'CPU time (all threads) per query; JS thread cpu: the part spent on the event loop ' +
      '(argument checks, promise, result arrays, and the 1 ms delay monitor waking it), from ' +
      '/proc in 10 ms ticks (coarse for the 30 Flat queries). Loop delay: ' +
      'monitorEventLoopDelay (1 ms resolution) during those calls; above the idle floor it is ' +
      'the loop waiting for a core that the search threads and other processes hold, not work ' +
      'on the loop.',
    '',
    '| index | knob | recall@1000 | p50 ms | p99 ms | mean ms | max ms | cpu ms/query | JS thread cpu ms/query | loop p99 ms | loop max ms | target |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.rows.map(
      (row) =>
        `| ${row.name} | ${row.knob === 'exact' ? 'exact' : `${row.knob}=${row.value}`} | ` +
        `${row.recall.toFixed(4)} | ${ms(row.latency.p50)} | ${ms(row.latency.p99)} | ` +
        `${ms(row.latency.mean)} | ${ms(row.latency.max)} | ${ms(row.cpuMs)} | ` +
        `${row.jsThreadCpuMs.toFixed(3)} | ` +
        `${ms(row.loop.p99)} | ${ms(row.loop.max)} | ` +
        `${meets(row, r) ? 'yes' : ''} |`,
    ),
    '',
    '## Builds',
    '',
    'Train and add times are from the run that built the index; loop max ms is the event-loop ' +
      'delay during that build (train and add run off the loop).',
    '',
    '| index | factory | train rows | built | from cache | train s | add s | load s | loop max ms |',
    '|---|---|---|---|---|---|---|---|---|',
    ...r.builds.map(
      (b) =>
        `| ${b.name} | \`${b.factory}\` | ${b.trainRows} | ${b.builtAt?.slice(0, 16) ?? ''} | ` +
        `${b.cached ? 'yes' : 'no'} | ` +
        `${b.trainSeconds?.toFixed(1) ?? ''} | ${b.addSeconds?.toFixed(1) ?? ''} | ` +
        `${b.loadSeconds?.toFixed(1) ?? ''} | ${b.loopMaxMs?.toFixed(1) ?? ''} |`,
    ),
    '',
  ];
  if (r.concurrency.length > 0) {
    lines.push(
      '## Concurrent searches on the recommended setting',
      '',
      '| index | knob | in flight | queries/s | p50 ms | p99 ms | cpu ms/query | loop max ms |',
      '|---|---|---|---|---|---|---|---|',
      ...r.concurrency.map(
        (c) =>
          `| ${c.name} | ${c.knob}=${c.value} | ${c.concurrency} | ${c.qps.toFixed(0)} | ` +
          `${ms(c.latency.p50)} | ${ms(c.latency.p99)} | ${ms(c.cpuMs)} | ${ms(c.loop.max)} |`,
      ),
      '',
    );
  }
  const best = r.recommended;
  lines.push(
    '## Recommended default',
    '',
    best
      ? `${best.name} (\`${best.factory}\`) with ${best.knob}=${best.value}: recall@1000 ` +
          `${best.recall.toFixed(4)}, p50 ${ms(best.latency.p50)} ms, p99 ${ms(best.latency.p99)} ` +
          `ms (${meets(best, r) ? 'meets' : 'misses'} the target). Rule: among settings with ` +
          'recall at or above the target, the lowest CPU time per query of those that also meet ' +
          'the p99 target, else of all of them (CPU time is the measure that load on a shared ' +
          'machine disturbs least).'
      : 'No setting reached the recall target.',
    '',
  );
  return lines.join('\n');
}

export function meets(row: Row, r: Pick<Results, 'targets'>): boolean {
  return row.recall >= r.targets.recall && row.latency.p99 <= r.targets.p99Ms;
}

/** The default to recommend: see the rule written into the report. */
export function recommend(rows: readonly Row[], targets: Results['targets']): Row | undefined {
  const byCpu = (a: Row, b: Row) => a.cpuMs - b.cpuMs;
  const accurate = rows.filter((r) => r.knob !== 'exact' && r.recall >= targets.recall);
  const fast = accurate.filter((r) => meets(r, { targets }));
  return (fast.length > 0 ? fast : accurate).sort(byCpu)[0];
}

export async function writeResults(dir: URL, results: Results): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(new URL('retrieval.json', dir), JSON.stringify(results, null, 2) + '\n');
  await writeFile(new URL('retrieval.md', dir), markdown(results));
}
