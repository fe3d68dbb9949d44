/**
 * Open-loop HTTP load at a fixed rate: request i is due at start + i / rate whatever the
 * earlier ones are doing, and its latency runs from that due time to the end of the body, so
 * a slow server cannot slow the offered load down and hide its own queueing (coordinated
 * omission; Tene, "How NOT to Measure Latency"; wrk2). autocannon's overallRate was tried first
 * and dropped: against a server that always answers in 50 ms it reported p50 33 ms.
 */
import { Agent, request } from 'node:http';

export interface Response {
  status: number;
  body: string;
  path: string;
}

export interface LoadResult {
  /** Milliseconds from each request's due time to its last byte (answered requests only). */
  latencies: number[];
  /** Requests that failed without an answer (connection errors, timeouts). */
  errors: number;
  timeouts: number;
  seconds: number;
}

export interface LoadOptions {
  url: string;
  rate: number;
  seconds: number;
  next: () => string;
  onResponse: (response: Response) => void;
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function openLoop(options: LoadOptions): Promise<LoadResult> {
  const { hostname, port } = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
  const latencies: number[] = [];
  let errors = 0;
  let timeouts = 0;
  const send = (path: string, due: number) =>
    new Promise<void>((resolve) => {
      const req = request({ agent, hostname, port, path, method: 'GET' }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          latencies.push(performance.now() - due);
          const body = Buffer.concat(chunks).toString('utf8');
          options.onResponse({ status: res.statusCode ?? 0, body, path });
          resolve();
        });
        res.on('error', () => {
          errors++;
          resolve();
        });
      });
      req.setTimeout(options.timeoutMs ?? 10_000, () => {
        timeouts++;
        req.destroy(new Error('timeout'));
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait >= 1) await sleep(wait);
    inFlight.push(send(options.next(), due));
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return { latencies, errors, timeouts: Math.min(timeouts, errors), seconds };
}

/** Exact percentiles, mean and max of a sample, in its unit. */
export function summarize(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN, mean };
}
