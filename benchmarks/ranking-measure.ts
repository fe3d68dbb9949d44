/**
 * Latency tallies for the ranking benchmark: each path runs in turns over several rounds,
 * so a shared machine's changing load falls on every path alike and the ratios hold.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface PathStats {
  calls: number;
  callsPerSec: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
  /** Worst event-loop stall while this path ran (1 ms resolution). */
  loopMaxMs: number;
  loopP99Ms: number;
}

export interface BenchPath {
  name: string;
  concurrency: number;
  /** One call; `i` counts calls so paths can cycle through prepared requests. */
  call: (i: number) => Promise<unknown>;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

class Tally {
  readonly latencies: number[] = [];
  seconds = 0;
  loopMax = 0;
  loopP99 = 0;

  stats(): PathStats {
    const s = [...this.latencies].sort((a, b) => a - b);
    return {
      calls: s.length,
      callsPerSec: s.length / this.seconds,
      p50Ms: percentile(s, 0.5),
      p90Ms: percentile(s, 0.9),
      p99Ms: percentile(s, 0.99),
      meanMs: s.reduce((a, v) => a + v, 0) / s.length,
      maxMs: s.at(-1) ?? NaN,
      loopMaxMs: this.loopMax,
      loopP99Ms: this.loopP99,
    };
  }
}

async function runFor(path: BenchPath, seconds: number, tally: Tally, counter: { i: number }) {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const started = performance.now();
  const until = started + seconds * 1000;
  const client = async () => {
    while (performance.now() < until) {
      const t = performance.now();
      await path.call(counter.i++);
      tally.latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: path.concurrency }, client));
  tally.seconds += (performance.now() - started) / 1000;
  loop.disable();
  tally.loopMax = Math.max(tally.loopMax, loop.max / 1e6);
  tally.loopP99 = Math.max(tally.loopP99, loop.percentile(99) / 1e6);
}

/** Warms every path, then runs them in turn for `rounds` rounds of `seconds / rounds` each. */
export async function measurePaths(
  paths: readonly BenchPath[],
  seconds: number,
  rounds: number,
  onRound?: (round: number) => void,
): Promise<Map<string, PathStats>> {
  const tallies = paths.map(() => new Tally());
  const counters = paths.map(() => ({ i: 0 }));
  for (const [k, path] of paths.entries()) {
    await runFor(path, Math.min(1, seconds / 10), new Tally(), counters[k]!);
  }
  for (let round = 0; round < rounds; round++) {
    for (const [k, path] of paths.entries()) {
      await runFor(path, seconds / rounds, tallies[k]!, counters[k]!);
    }
    onRound?.(round + 1);
  }
  return new Map(paths.map((p, k) => [p.name, tallies[k]!.stats()]));
}
