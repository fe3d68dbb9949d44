import { writeFile } from 'node:fs/promises';
import type { Machine } from './retrieval-report.js';
import { SAMPLE_INTERVAL_MS, type LoopReading } from './e2e-probe.js';
import type { StepRow } from './e2e-step.js';

export interface E2eResults {
  label: string;
  command: string;
  date: string;
  machine: Machine & { loadAverageEnd?: number[] };
  mode: 'fleet' | 'all-in-one';
  artifacts: { dir: string; version: string; dataset: string; items: number; users: number };
  mix: string;
  env: Record<string, string>;
  /** Per process: ms to ready, and the loop delay read at the first scrape (the startup load). */
  startup: { name: string; readyMs: number; loop: LoopReading }[];
  targetP99Ms: number;
  steps: StepRow[];
  /** Highest offered rate whose step had p99 <= target, no errors and achieved >= 95% of it. */
  sustained?: { offered: number; achieved: number; p99: number };
}

const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '-');
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
/** The time the loop was held beyond the sampling interval. */
const blocked = (v: number) => f1(Math.max(0, v - SAMPLE_INTERVAL_MS));

function markdown(r: E2eResults): string {
  const m = r.machine;
  const names = r.steps[0]?.procs.map((p) => p.name) ?? [];
  const lines = [
    `# End to end: GET /v1/feed against offered load (${r.label})`,
    '',
    `Command: \`${r.command}\`  `,
    `Date: ${r.date}  `,
    `Machine: ${m.cpu}, nproc ${m.nproc}, ${m.memoryGiB} GiB RAM; Node ${m.node}; FAISS ${m.faiss}  `,
    `Load average at start ${m.loadAverageStart.join(' / ')}, at end ${(m.loadAverageEnd ?? []).join(' / ')} ` +
      '(2 cores shared with other work; the load generator runs on them too)',
    '',
    `Mode: ${r.mode === 'fleet' ? 'fleet (one process per service, real Redis and Kafka)' : 'all-in-one (one process, in-memory store and bus)'}. ` +
      `Artifacts: ${r.artifacts.dataset} (version ${r.artifacts.version}), ${r.artifacts.items} items, ${r.artifacts.users} users.  `,
    `Service settings: ${
      Object.keys(r.env).length === 0
        ? 'defaults'
        : Object.entries(r.env)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')
    }.  `,
    `Mix: ${r.mix}.`,
    '',
    `**Highest load sustained with p99 <= ${r.targetP99Ms} ms: ${r.sustained ? `${r.sustained.offered} req/s offered (${f1(r.sustained.achieved)} achieved, p99 ${f1(r.sustained.p99)} ms)` : 'none of the steps'}.**`,
    '',
    'Latency (ms) from the due time of each request to its last byte, at a fixed offered rate ' +
      '(open loop, e2e-driver.ts: no coordinated omission); achieved = ' +
      'responses / step time; degraded = share of 200s naming a fallback. Loop: event-loop ' +
      `delay of each process during the step (prom-client's monitorEventLoopDelay, sampled every ` +
      `${SAMPLE_INTERVAL_MS} ms, reset by the scrape before the step), given as the time the ` +
      `loop was held beyond the ${SAMPLE_INTERVAL_MS} ms interval, p99 / max; cpu = share of ` +
      'one core used by the process (all threads) / by its main thread; wait = ms per second the ' +
      'main thread was runnable but waiting for a core (/proc schedstat): delay added by the ' +
      "machine's other work, not the service's own.",
    '',
    `| offered | achieved | p50 | p90 | p99 | max | non-2xx | errors | degraded | ${names.map((n) => `${n} loop p99/max; cpu/main; wait ms/s`).join(' | ')} |`,
    `|---|---|---|---|---|---|---|---|---|${names.map(() => '---').join('|')}|`,
  ];
  for (const s of r.steps) {
    const procs = s.procs.map(
      (p) =>
        `${blocked(p.loop.p99)} / ${blocked(p.loop.max)}; ${p.cpu.toFixed(2)}/${p.mainCpu.toFixed(2)}; ${p.mainWaitMsPerS.toFixed(1)}`,
    );
    lines.push(
      `| ${s.offered} | ${f1(s.achieved)} | ${f1(s.latency.p50)} | ${f1(s.latency.p90)} | ` +
        `${f1(s.latency.p99)} | ${f1(s.latency.max)} | ${s.non2xx} | ${s.errors} | ` +
        `${pct(s.degradedShare)} | ${procs.join(' | ')} |`,
    );
  }
  const fallbacks = r.steps
    .filter((s) => Object.keys(s.degraded).length > 0)
    .map(
      (s) =>
        `${s.offered}: ${Object.entries(s.degraded)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
    );
  const failed = r.steps
    .filter((s) => Object.keys(s.failures).length > 0)
    .map(
      (s) =>
        `${s.offered}: ${Object.entries(s.failures)
          .map(
            ([code, f]) =>
              `${f.count} x ${code} (e.g. \`${f.path}\` -> \`${f.body.slice(0, 160)}\`)`,
          )
          .join(', ')}`,
    );
  const stages = r.steps.map(
    (s) =>
      `${s.offered}: ${Object.entries(s.stages)
        .map(([k, v]) => `${k.replace(/_ms$/, '')} ${f1(v.p50)}/${f1(v.p99)}`)
        .join(', ')}`,
  );
  const probed = r.steps.filter((s) => s.procs.some((p) => p.gaps !== undefined));
  if (probed.length > 0) {
    lines.push(
      '',
      'Loop gaps (--loop-probe: loop-probe.ts in each service, a 2 ms ticker): per process, ' +
        'gaps over 10 ms / of them, gaps in which the main thread itself ran over 10 ms; the ' +
        'longest gap (wall ms); the most main-thread CPU in one gap, and that less the GC ' +
        'pauses in it (ms); the longest GC pause (ms) and GC pauses over 10 ms / all. A gap ' +
        'longer than the CPU run in it was spent waiting for a core.',
      '',
      `| offered | ${names.map((n) => `${n} gaps>10 / run>10; max gap; max run / less GC; max GC (>10 / all)`).join(' | ')} |`,
      `|---|${names.map(() => '---').join('|')}|`,
    );
    for (const s of probed) {
      const cells = s.procs.map((p) => {
        const g = p.gaps;
        if (g === undefined) return '-';
        return (
          `${g.gaps} / ${g.gapsRunOver10}; ${f1(g.maxHeldMs)}; ${f1(g.maxRunMs)} / ` +
          `${f1(g.maxRunLessGcMs)}; ${f1(g.maxGcPauseMs)} (${g.gcPausesOver10} / ${g.gcPauses})`
        );
      });
      lines.push(`| ${s.offered} | ${cells.join(' | ')} |`);
    }
  }
  lines.push(
    '',
    `Server-side stage timings of the 200s, p50/p99 ms (the response's \`timings\`): ${stages.join('; ')}.`,
    '',
    `Non-2xx answers: ${failed.length === 0 ? 'none' : failed.join('; ')}.`,
    '',
    `Fallbacks named in \`degraded\` (count per step): ${fallbacks.length === 0 ? 'none' : fallbacks.join('; ')}.`,
    '',
    'Startup (loading the artifacts version): ms from spawn to /readyz, and the longest ' +
      'event-loop block before the first scrape: ' +
      r.startup
        .map((s) => `${s.name} ${s.readyMs} ms, loop max ${blocked(s.loop.max)} ms`)
        .join('; ') +
      '.',
    '',
  );
  return lines.join('\n');
}

export async function writeE2eResults(dir: URL, results: E2eResults): Promise<void> {
  await writeFile(
    new URL(`e2e-${results.label}.json`, dir),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  await writeFile(new URL(`e2e-${results.label}.md`, dir), markdown(results));
}
