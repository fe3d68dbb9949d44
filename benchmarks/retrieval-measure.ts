import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AnnIndex, SearchOptions } from '@recsys/ann';

/** Milliseconds. */
export interface LatencyStats {
  samples: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

/** Event-loop delay while the measured work ran, in ms (sampled every 1 ms, interval included). */
export interface LoopDelay {
  p99: number;
  max: number;
}

export interface QueryTiming {
  latency: LatencyStats;
  loop: LoopDelay;
  qps: number;
  /**
   * Process CPU time per query (all threads), in ms: on a shared machine this shows the cost of
   * a search apart from the time spent waiting for a core.
   */
  cpuMs: number;
  /** CPU time of the JS thread alone per query, in ms: the event loop's own share of a search. */
  jsThreadCpuMs: number;
}

/** CPU time (ms) the main thread has used, from /proc (Linux; 10 ms ticks, so time many calls). */
export function mainThreadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime at USER_HZ 100
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function latencyStats(samples: readonly number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = sorted.reduce((sum, v) => sum + v, 0);
  return {
    samples: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: total / Math.max(1, sorted.length),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/** Runs `work` while recording how late the event loop ran its timers. */
export async function withLoopDelay<T>(
  work: () => Promise<T>,
): Promise<{ result: T; loop: LoopDelay }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  try {
    const result = await work();
    return { result, loop: { p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 } };
  } finally {
    histogram.disable();
  }
}

/**
 * Times `count` single-query searches (query i is row i mod rows of `queries`), `concurrency`
 * of them in flight at once, after `warmup` untimed ones. Latency is call to promise settled,
 * through the binding and the thread pool, as a service would see it.
 */
export async function timeQueries(
  index: AnnIndex,
  queries: Float32Array,
  k: number,
  options: SearchOptions,
  run: { count: number; warmup: number; concurrency: number },
): Promise<QueryTiming> {
  const dim = index.dim;
  const rows = queries.length / dim;
  const row = (i: number) => queries.subarray((i % rows) * dim, ((i % rows) + 1) * dim);
  for (let i = 0; i < run.warmup; i++) await index.search(row(i), k, options);

  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const jsCpu = mainThreadCpuMs();
  const { loop } = await withLoopDelay(async () => {
    const worker = async () => {
      while (next < run.count) {
        const query = row(next++);
        const t0 = performance.now();
        await index.search(query, k, options);
        samples.push(performance.now() - t0);
      }
    };
    await Promise.all(Array.from({ length: run.concurrency }, worker));
  });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000 / run.count;
  const jsThreadCpuMs = (mainThreadCpuMs() - jsCpu) / run.count;
  return { latency: latencyStats(samples), loop, qps: run.count / seconds, cpuMs, jsThreadCpuMs };
}
