import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import type { PathStats } from './ranking-measure.js';

export interface Machine {
  cpu: string;
  nproc: number;
  memoryGiB: number;
  node: string;
  onnxruntime: string;
  loadAverageStart: number[];
  loadAverageEnd?: number[];
}

export interface RankingResults {
  command: string;
  date: string;
  machine: Machine;
  setup: Record<string, string | number>;
  /** Max |TypeScript pipeline score - torch score| over the reference users' candidates. */
  parityMaxAbsDiff: number;
  paths: Record<string, PathStats>;
  stages: Record<string, { meanMs: number; p99Ms: number }>;
  ratios: Record<string, number>;
  targetP99Ms: number;
}

export function describeMachine(onnxruntime: string): Machine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? 'unknown',
    nproc: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    onnxruntime,
    loadAverageStart: loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');

function table(paths: RankingResults['paths'], target: number): string {
  const head =
    '| path | concurrency | calls | calls/s | p50 ms | p90 ms | p99 ms | max ms | loop p99 ms | loop max ms | p99 <= target |\n' +
    '|---|---|---|---|---|---|---|---|---|---|---|';
  const rows = Object.entries(paths).map(([name, s]) => {
    const [path, c] = name.split('@');
    const ok = path === 'raw session.run' ? '' : s.p99Ms <= target ? 'yes' : 'no';
    return `| ${path} | ${c} | ${s.calls} | ${f2(s.callsPerSec)} | ${f2(s.p50Ms)} | ${f2(s.p90Ms)} | ${f2(s.p99Ms)} | ${f2(s.maxMs)} | ${f2(s.loopP99Ms)} | ${f2(s.loopMaxMs)} | ${ok} |`;
  });
  return [head, ...rows].join('\n');
}

export function markdown(r: RankingResults): string {
  const m = r.machine;
  const load = m.loadAverageStart.join(' / ');
  const end = (m.loadAverageEnd ?? []).join(' / ');
  const setup = Object.entries(r.setup)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const stages = Object.entries(r.stages)
    .map(([k, s]) => `| ${k} | ${f2(s.meanMs)} | ${f2(s.p99Ms)} |`)
    .join('\n');
  const ratios = Object.entries(r.ratios)
    .map(([k, v]) => `- ${k}: **${f2(v)}**`)
    .join('\n');
  return `# Ranking benchmark: 1,000 candidates

Command: \`${r.command}\`  
Date: ${r.date}  
Machine: ${m.cpu}, nproc ${m.nproc}, ${m.memoryGiB} GiB RAM; Node ${m.node}; onnxruntime-node ${m.onnxruntime}  
Load average at start ${load}, at end ${end} (the 2 cores are shared with other work, so latencies carry that noise)

Setup: ${setup}.

Paths, taking turns over the rounds so load changes fall on all alike:
- **raw session.run**: onnxruntime-node \`InferenceSession.run\` on the main thread, the same
  model and the same 1,000-row feeds every call (features prepared once, outside the timing).
- **ranker in-process**: \`Ranker.rank\` from @recsys/ranker: session read, feature join for
  1,000 candidates, user tower and Wide&Deep in the ONNX worker pool.
- **ranker gRPC**: \`recsys.ranking.v1.RankingService/Rank\` over loopback (client and server in
  this one process, so both sides' protobuf work lands on the same event loop).

Target: p99 <= ${r.targetP99Ms} ms for ranking 1,000 candidates.

${table(r.paths, r.targetP99Ms)}

Stages inside \`Ranker.rank\` over every ranker call of the run:

| stage | mean ms | p99 ms |
|---|---|---|
${stages}

Ratios (same run, same model, same batch):
${ratios}

Parity at this size: max |score − torch score| over the reference users' 1,000 candidates =
${r.parityMaxAbsDiff.toExponential(2)} (the unit test checks the same at test size).
`;
}

export async function writeResults(dir: string, r: RankingResults): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}/ranking.json`, `${JSON.stringify(r, null, 2)}\n`);
  await writeFile(`${dir}/ranking.md`, markdown(r));
}
