import { percentile } from './bench-machine.js';

export interface LoadStats {
  offeredPerSecond: number;
  achievedPerSecond: number;
  requests: number;
  non200: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
}

export interface FeedLoad {
  stop(): Promise<LoadStats>;
}

/**
 * Open-loop GET /v1/feed at a fixed rate from `users` in turn (home, n=20): requests are fired
 * on schedule whether or not earlier ones returned, as independent users would send them.
 */
export function startFeedLoad(base: string, users: readonly string[], perSecond: number): FeedLoad {
  const latencies: number[] = [];
  let non200 = 0;
  let errors = 0;
  let sent = 0;
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  const one = async (user: string) => {
    const t = performance.now();
    try {
      const params = new URLSearchParams({ user_id: user, surface: 'home', n: '20' });
      const res = await fetch(`${base}/v1/feed?${params.toString()}`, {
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      if (res.status !== 200) non200++;
      latencies.push(performance.now() - t);
    } catch {
      errors++;
    }
  };
  const timer = setInterval(() => {
    // Catch up on ticks a busy event loop delayed, so the offered rate holds.
    const due = Math.floor(((performance.now() - started) * perSecond) / 1000);
    while (sent < due) {
      const p = one(users[sent % users.length]!);
      sent++;
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
  }, 5);
  return {
    async stop() {
      clearInterval(timer);
      const seconds = (performance.now() - started) / 1000;
      await Promise.all(inFlight);
      return {
        offeredPerSecond: perSecond,
        achievedPerSecond: Math.round((latencies.length / seconds) * 10) / 10,
        requests: sent,
        non200,
        errors,
        p50Ms: Math.round(percentile(latencies, 50)),
        p99Ms: Math.round(percentile(latencies, 99)),
      };
    },
  };
}
