import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import type { LatencyStats, LoopDelay } from './retrieval-measure.js';
import type { Machine } from './retrieval-report.js';

export interface ModeRow {
  mode: string;
  concurrency: number;
  latency: LatencyStats;
  loop: LoopDelay;
  rps: number;
  meanCandidates: number;
  degradedShare: number;
}

export interface CandidatesResults {
  label: string;
  command: string;
  date: string;
  machine: Machine;
  artifacts: {
    dir: string;
    version: string;
    dataset: string;
    items: number;
    users: number;
    dim: number;
    index: string;
    nprobe: number;
  };
  settings: {
    requests: number;
    limit: number;
    sessions: string;
    mix: string;
    onnxWorkers: number;
    deadlinesMs: Record<string, number>;
  };
  rows: ModeRow[];
}

const f2 = (x: number) => x.toFixed(2);

/** Writes candidates-<label>.json and .md: the numbers, the command and the machine. */
export async function writeCandidatesResults(dir: URL, r: CandidatesResults): Promise<void> {
  const name = `candidates-${r.label}`;
  const end = loadavg().map((x) => Math.round(x * 100) / 100);
  await writeFile(
    new URL(`${name}.json`, dir),
    `${JSON.stringify({ ...r, loadAverageEnd: end }, null, 2)}\n`,
  );
  const m = r.machine;
  const a = r.artifacts;
  const s = r.settings;
  const lines = [
    `# Candidates benchmark: Generate end to end (${r.label} artifacts)`,
    '',
    `Command: \`${r.command}\`  `,
    `Date: ${r.date}  `,
    `Machine: ${m.cpu}, nproc ${m.nproc}, ${m.memoryGiB} GiB RAM; Node ${m.node}; FAISS ${m.faiss}; ` +
      `libuv pool ${m.uvThreadpool}  `,
    `Load average at start ${m.loadAverageStart.join(' / ')}, at end ${end.join(' / ')} ` +
      '(the 2 cores are shared with other work, so latencies carry that noise)',
    '',
    `Artifacts: ${a.dataset} (version ${a.version}), ${a.items} items, ${a.users} users, ` +
      `dim ${a.dim}, index ${a.index}, nprobe ${a.nprobe}.`,
    `Requests: ${s.requests} home requests (90% training users, 10% cold users with an ` +
      `onboarding category), limit ${s.limit}, mix \`${s.mix}\`, sessions ${s.sessions}, ` +
      `${s.onnxWorkers} ONNX workers, deadlines ${JSON.stringify(s.deadlinesMs)} ms.`,
    'Latency: call to response, closed loop with `concurrency` callers. Candidates: mean returned ' +
      '(the catalog less the seen items caps it below the limit on small catalogs). Degraded: share ' +
      'of responses that dropped a source or the session store at its deadline.',
    '',
    '| mode | concurrency | p50 ms | p99 ms | mean ms | max ms | req/s | candidates | degraded | loop p99 ms | loop max ms |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.rows.map(
      (row) =>
        `| ${row.mode} | ${row.concurrency} | ${f2(row.latency.p50)} | ${f2(row.latency.p99)} | ` +
        `${f2(row.latency.mean)} | ${f2(row.latency.max)} | ${row.rps.toFixed(0)} | ` +
        `${row.meanCandidates.toFixed(0)} | ${(row.degradedShare * 100).toFixed(1)}% | ` +
        `${f2(row.loop.p99)} | ${f2(row.loop.max)} |`,
    ),
    '',
  ];
  await writeFile(new URL(`${name}.md`, dir), lines.join('\n'));
}
