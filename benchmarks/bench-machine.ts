import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';

/** What a result file records about where it ran (the 2 cores are shared, so load too). */
export interface BenchMachine {
  cpu: string;
  nproc: number;
  memoryGiB: number;
  node: string;
  loadAverageStart: number[];
  loadAverageEnd?: number[];
}

export const loadAverage = () => loadavg().map((x) => Math.round(x * 100) / 100);

export function benchMachine(): BenchMachine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? 'unknown',
    nproc: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    loadAverageStart: loadAverage(),
  };
}

export function machineLines(m: BenchMachine): string[] {
  return [
    `Machine: ${m.cpu}, nproc ${m.nproc}, ${m.memoryGiB} GiB RAM; Node ${m.node}  `,
    `Load average (1/5/15 min) at start ${m.loadAverageStart.join(' / ')}, at end ` +
      `${(m.loadAverageEnd ?? []).join(' / ')} (the 2 cores are shared with other engineers' work)`,
  ];
}

/** The command line as it was typed, for the result file. */
export function commandLine(script: string): string {
  const args = process.argv.slice(2).join(' ');
  return `pnpm --filter @recsys/benchmarks run ${script}${args ? ` ${args}` : ''}`;
}

/** Percentile by nearest rank over a sorted copy. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
