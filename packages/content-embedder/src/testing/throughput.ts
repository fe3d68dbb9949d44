import type { ContentEmbedder } from '../content-embedder.js';
import type { ItemContentInput } from '../item-content.js';

export interface Throughput {
  batch: number;
  items: number;
  seconds: number;
  itemsPerSecond: number;
  /** Milliseconds per embed() call, median. */
  p50Ms: number;
  /** CPU seconds of the whole process (workers included): steadier than wall time on a busy machine. */
  cpuSeconds: number;
  itemsPerCpuSecond: number;
}

/**
 * Items per second through embed() in calls of `batch` items, one call at a time (the catalog
 * consumer's pattern), after `warmup` calls; items cycle through `items`.
 */
export async function measureThroughput(
  embedder: ContentEmbedder,
  items: readonly ItemContentInput[],
  batch: number,
  calls: number,
  warmup = 3,
): Promise<Throughput> {
  const take = (k: number) =>
    Array.from({ length: batch }, (_, i) => items[(k * batch + i) % items.length]!);
  for (let k = 0; k < warmup; k++) await embedder.embed(take(k));
  const times: number[] = [];
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let k = 0; k < calls; k++) {
    const t = performance.now();
    await embedder.embed(take(k));
    times.push(performance.now() - t);
  }
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  times.sort((a, b) => a - b);
  return {
    batch,
    items: batch * calls,
    seconds,
    itemsPerSecond: (batch * calls) / seconds,
    p50Ms: times[Math.floor(times.length / 2)]!,
    cpuSeconds,
    itemsPerCpuSecond: (batch * calls) / cpuSeconds,
  };
}
