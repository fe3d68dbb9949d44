/**
 * One step of the load ramp: feed requests from the mix at a fixed offered rate (open loop,
 * e2e-driver.ts) for a fixed time, while the probe reads every process's event-loop delay and
 * CPU.
 */
import { z } from 'zod';
import { openLoop, summarize } from './e2e-driver.js';
import type { Mix } from './e2e-mix.js';
import type { Probe, ProcReading } from './e2e-probe.js';

export interface StepRow {
  offered: number;
  achieved: number;
  seconds: number;
  requests: number;
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Share of 200s whose `degraded` was not empty, and the fallbacks named, with counts. */
  degradedShare: number;
  degraded: Record<string, number>;
  /** Per-stage server timings of the 200s, ms (the gateway's `timings`). */
  stages: Record<string, { p50: number; p99: number }>;
  /** Count per non-2xx status, with one body of each (what went wrong). */
  failures: Record<string, { count: number; path: string; body: string }>;
  procs: ProcReading[];
}

const Body = z.object({
  degraded: z.array(z.string()),
  timings: z.record(z.string(), z.number()).optional(),
});

/** p50 and p99 of each stage timing the gateway reports (retrieval_ms, ranking_ms, ...). */
function stageStats(samples: Map<string, number[]>): Record<string, { p50: number; p99: number }> {
  return Object.fromEntries(
    [...samples].map(([stage, values]) => {
      const { p50, p99 } = summarize(values);
      return [stage, { p50, p99 }];
    }),
  );
}

export async function runStep(
  url: string,
  mix: Mix,
  rate: number,
  seconds: number,
  probe: Probe | undefined,
): Promise<StepRow> {
  let ok = 0;
  let non2xx = 0;
  let degradedCount = 0;
  const degraded: Record<string, number> = {};
  const failures: StepRow['failures'] = {};
  const stages = new Map<string, number[]>();
  await probe?.start();
  const result = await openLoop({
    url,
    rate,
    seconds,
    next: () => mix.next(),
    onResponse: ({ status, body, path }) => {
      if (status < 200 || status > 299) {
        non2xx++;
        const seen = (failures[status] ??= { count: 0, path, body: body.slice(0, 300) });
        seen.count++;
        return;
      }
      ok++;
      let parsed: z.infer<typeof Body> | undefined;
      try {
        parsed = Body.parse(JSON.parse(body));
      } catch {
        parsed = undefined;
      }
      const names = parsed?.degraded ?? ['unreadable_body'];
      if (names.length > 0) degradedCount++;
      for (const name of names) degraded[name] = (degraded[name] ?? 0) + 1;
      for (const [stage, ms] of Object.entries(parsed?.timings ?? {})) {
        const list = stages.get(stage) ?? [];
        list.push(ms);
        stages.set(stage, list);
      }
    },
  });
  const procs = (await probe?.stop()) ?? [];
  const total = result.latencies.length;
  return {
    offered: rate,
    achieved: total / result.seconds,
    seconds: result.seconds,
    requests: total,
    latency: summarize(result.latencies),
    non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    degradedShare: ok === 0 ? 0 : degradedCount / ok,
    degraded,
    stages: stageStats(stages),
    failures,
    procs,
  };
}
