/**
 * Per-process readings around a load step: event-loop delay from each service's /metrics and
 * CPU time from /proc. prom-client's default event-loop metrics come from
 * monitorEventLoopDelay, which it resets on every scrape, so a scrape before the step and one
 * after it give the delay during the step alone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Proc } from './e2e-fleet.js';
import type { LoopProbeDump } from './loop-probe.js';

/**
 * The services sample the loop every 10 ms (telemetry's eventLoopMonitoringPrecision), and the
 * histogram holds the time between samples, so an idle loop reads about 10 ms: the time the
 * loop was blocked is the reading less this interval.
 */
export const SAMPLE_INTERVAL_MS = 10;

export interface LoopReading {
  /** Milliseconds, as read (interval included). */
  p50: number;
  p99: number;
  max: number;
}

export interface ProcReading {
  name: string;
  loop: LoopReading;
  /** Share of one core the process used over the step (1 = one full core). */
  cpu: number;
  /** Share of one core the main (event-loop) thread used. */
  mainCpu: number;
  /**
   * Milliseconds per second the main thread spent runnable but waiting for a core (schedstat):
   * delay that the machine's other work adds to the loop, not the service's own.
   */
  mainWaitMsPerS: number;
  /** What loop-probe.ts saw in the step, when the services ran with it (--loop-probe). */
  gaps?: Omit<LoopProbeDump, 'worst'> & { worst: LoopProbeDump['worst'] };
}

const Sample = z.coerce.number();

/** The value of `name` in Prometheus text, in milliseconds (the metric is in seconds). */
function gaugeMs(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  if (line === undefined) return Number.NaN;
  const parsed = Sample.safeParse(line.slice(line.lastIndexOf(' ') + 1));
  return parsed.success ? parsed.data * 1000 : Number.NaN;
}

async function scrape(url: string): Promise<LoopReading> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  const text = await response.text();
  return {
    p50: gaugeMs(text, 'nodejs_eventloop_lag_p50_seconds'),
    p99: gaugeMs(text, 'nodejs_eventloop_lag_p99_seconds'),
    max: gaugeMs(text, 'nodejs_eventloop_lag_max_seconds'),
  };
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of a process in seconds (fields 14 and 15 of /proc/PID/stat). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** [ns on a core, ns runnable but waiting, times run] of the process's main thread. */
function schedstat(pid: number): [number, number, number] {
  try {
    const [run, wait, slices] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8')
      .trim()
      .split(' ')
      .map(Number);
    return [run ?? Number.NaN, wait ?? Number.NaN, slices ?? Number.NaN];
  } catch {
    return [Number.NaN, Number.NaN, Number.NaN];
  }
}

export interface Probe {
  /** Resets every process's loop histogram and notes CPU times. */
  start(): Promise<LoopReading[]>;
  /** Readings since the last start(). */
  stop(): Promise<ProcReading[]>;
}

/** Asks each process's loop probe for what it saw since the last ask; resolves to the dumps. */
async function askLoopProbes(
  procs: readonly Proc[],
  dir: string,
  asked: Map<number, number>,
): Promise<(LoopProbeDump | undefined)[]> {
  const files = procs.map((p) => {
    const seq = asked.get(p.pid) ?? 0;
    asked.set(p.pid, seq + 1);
    try {
      process.kill(p.pid, 'SIGUSR2');
    } catch {
      return undefined;
    }
    return join(dir, `${p.pid}-${seq}.json`);
  });
  const deadline = Date.now() + 5000;
  const read = (file: string | undefined): LoopProbeDump | undefined => {
    if (file === undefined) return undefined;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as LoopProbeDump;
    } catch {
      return undefined;
    }
  };
  let dumps = files.map(read);
  while (dumps.some((d, i) => d === undefined && files[i] !== undefined) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    dumps = files.map(read);
  }
  return dumps;
}

/** @param loopProbeDir where the services' loop probes write (LOOP_PROBE_DIR), if they run one. */
export function probe(procs: readonly Proc[], loopProbeDir?: string): Probe {
  const asked = new Map<number, number>();
  let cpu0: number[] = [];
  let sched0: [number, number, number][] = [];
  let t0 = 0;
  return {
    async start() {
      if (loopProbeDir !== undefined) await askLoopProbes(procs, loopProbeDir, asked);
      const readings = await Promise.all(procs.map((p) => scrape(p.metricsUrl)));
      cpu0 = procs.map((p) => cpuSeconds(p.pid));
      sched0 = procs.map((p) => schedstat(p.pid));
      t0 = performance.now();
      return readings;
    },
    async stop() {
      const seconds = (performance.now() - t0) / 1000;
      const cpu1 = procs.map((p) => cpuSeconds(p.pid));
      const sched1 = procs.map((p) => schedstat(p.pid));
      const loops = await Promise.all(procs.map((p) => scrape(p.metricsUrl)));
      const gaps =
        loopProbeDir === undefined ? [] : await askLoopProbes(procs, loopProbeDir, asked);
      return procs.map((p, i) => ({
        name: p.name,
        loop: loops[i] as LoopReading,
        cpu: ((cpu1[i] ?? 0) - (cpu0[i] ?? 0)) / seconds,
        ...mainThread(sched0[i], sched1[i], seconds),
        ...(gaps[i] === undefined ? {} : { gaps: gaps[i] }),
      }));
    },
  };
}

function mainThread(
  before: [number, number, number] | undefined,
  after: [number, number, number] | undefined,
  seconds: number,
): { mainCpu: number; mainWaitMsPerS: number } {
  if (before === undefined || after === undefined) return { mainCpu: NaN, mainWaitMsPerS: NaN };
  return {
    mainCpu: (after[0] - before[0]) / 1e9 / seconds,
    mainWaitMsPerS: (after[1] - before[1]) / 1e6 / seconds,
  };
}
