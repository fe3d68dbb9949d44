/**
 * Preloaded into every service by the end-to-end benchmark (`node --import loop-probe.js`): a
 * 2 ms ticker notes each time the event loop was held past 10 ms, and for each such gap how long
 * the main thread ran in it (the service's own work, its GC pauses included), how long it was
 * runnable but waiting for a core (/proc schedstat: the shared machine's doing, not the
 * service's) and how much of it was GC pause (perf_hooks 'gc' entries). On SIGUSR2 it writes
 * what it saw since the last signal to LOOP_PROBE_DIR/<pid>-<n>.json and starts over, so the
 * benchmark reads one file per step (e2e-probe.ts).
 */
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

const TICK_MS = 2;
const HELD_MS = 10;
const KEPT = 8;

export interface LoopGap {
  /** ms since the process started (performance.now()). */
  at: number;
  /** Wall time the loop was held: the gap between ticks less the tick. */
  heldMs: number;
  /** Main-thread CPU in the gap (JavaScript, native calls and GC pauses). */
  runMs: number;
  /** Main thread runnable but not on a core. */
  waitMs: number;
  /** GC pauses overlapping the gap. */
  gcMs: number;
}

export interface LoopProbeDump {
  pid: number;
  seconds: number;
  ticks: number;
  /** Gaps over 10 ms of wall time. */
  gaps: number;
  /** Gaps in which the main thread itself ran over 10 ms. */
  gapsRunOver10: number;
  maxHeldMs: number;
  maxRunMs: number;
  /** The longest main-thread run in a gap, less the GC pauses in it: the code's own share. */
  maxRunLessGcMs: number;
  maxGcPauseMs: number;
  gcPauses: number;
  gcPausesOver10: number;
  /** The longest gaps by wall time. */
  worst: LoopGap[];
}

const dir = process.env.LOOP_PROBE_DIR;
if (dir !== undefined && dir !== '') start(dir);

function start(outDir: string): void {
  const buffer = Buffer.alloc(128);
  let fd = -1;
  try {
    fd = openSync('/proc/thread-self/schedstat', 'r');
  } catch {
    fd = -1;
  }
  const sched = (): [number, number] => {
    if (fd < 0) return [Number.NaN, Number.NaN];
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    const [run, wait] = buffer.toString('latin1', 0, n).split(' ');
    return [Number(run) / 1e6, Number(wait) / 1e6];
  };
  let gaps: LoopGap[] = [];
  let gc: PerformanceEntry[] = [];
  let ticks = 0;
  let since = performance.now();
  let last = since;
  let [lastRun, lastWait] = sched();
  const timer = setInterval(() => {
    const now = performance.now();
    const [run, wait] = sched();
    ticks++;
    const held = now - last - TICK_MS;
    if (held > HELD_MS) {
      gaps.push({ at: last, heldMs: held, runMs: run - lastRun, waitMs: wait - lastWait, gcMs: 0 });
    }
    last = now;
    lastRun = run;
    lastWait = wait;
  }, TICK_MS);
  timer.unref();
  const observer = new PerformanceObserver((list) => {
    gc.push(...list.getEntries());
  });
  observer.observe({ entryTypes: ['gc'] });
  let seq = 0;
  process.on('SIGUSR2', () => {
    const now = performance.now();
    for (const g of gaps) {
      const end = g.at + g.heldMs + TICK_MS;
      for (const e of gc) {
        const overlap = Math.min(end, e.startTime + e.duration) - Math.max(g.at, e.startTime);
        if (overlap > 0) g.gcMs += overlap;
      }
    }
    const pauses = gc.map((e) => e.duration);
    const dump: LoopProbeDump = {
      pid: process.pid,
      seconds: (now - since) / 1000,
      ticks,
      gaps: gaps.length,
      gapsRunOver10: gaps.filter((g) => g.runMs > HELD_MS).length,
      maxHeldMs: Math.max(0, ...gaps.map((g) => g.heldMs)),
      maxRunMs: Math.max(0, ...gaps.map((g) => g.runMs)),
      maxRunLessGcMs: Math.max(0, ...gaps.map((g) => g.runMs - g.gcMs)),
      maxGcPauseMs: Math.max(0, ...pauses),
      gcPauses: pauses.length,
      gcPausesOver10: pauses.filter((p) => p > HELD_MS).length,
      worst: [...gaps].sort((a, b) => b.heldMs - a.heldMs).slice(0, KEPT),
    };
    writeFileSync(join(outDir, `${process.pid}-${seq++}.json`), JSON.stringify(dump));
    gaps = [];
    gc = [];
    ticks = 0;
    since = now;
  });
  process.once('exit', () => {
    if (fd >= 0) closeSync(fd);
  });
}
