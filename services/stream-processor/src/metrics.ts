import { createMetrics } from '@recsys/telemetry';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Stats } from './app.js';
import type { LagProbe } from './lag.js';

type Read = (s: Stats['userEvents']) => number;

/**
 * The processor's Prometheus registry: process metrics plus its counters,
 * read from the consumer's stats at scrape time (the consumer stays free of
 * metrics code), and the group's lag when a probe is given.
 */
export function createProcessorMetrics(
  stats: () => Stats,
  topic: string,
  lag?: LagProbe,
): Registry {
  const { registry } = createMetrics('stream-processor');
  const counter = (name: string, help: string, series: Array<[string, Read]>) =>
    mirrored(registry, name, help, topic, series, () => stats().userEvents);

  counter('recsys_consumer_records_total', 'Records consumed', [['', (s) => s.records]]);
  counter('recsys_consumer_batches_total', 'Batches committed', [['', (s) => s.batches]]);
  counter('recsys_consumer_failed_batches_total', 'Batches that failed and come again', [
    ['', (s) => s.failedBatches],
  ]);
  counter('recsys_consumer_dead_letters_total', 'Malformed records sent to the dead-letter topic', [
    ['', (s) => s.deadLettered],
  ]);
  counter('recsys_events_applied_total', 'Events applied, by state (each event_id once)', [
    ['session', (s) => s.applied],
    ['popularity', (s) => s.popularityApplied],
  ]);
  counter('recsys_events_duplicate_total', 'Redelivered events recognised and skipped, by state', [
    ['session', (s) => s.duplicates],
    ['popularity', (s) => s.popularityDuplicates],
  ]);

  if (lag) {
    new Gauge({
      name: 'recsys_consumer_lag_records',
      help: 'Records the consumer group has not committed yet, per partition (absent while the broker does not answer)',
      labelNames: ['topic', 'partition'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const byPartition = await lag.lag().catch(() => undefined);
        for (const [partition, n] of byPartition ?? []) {
          this.set({ topic, partition: String(partition) }, n);
        }
      },
    });
  }
  return registry;
}

/**
 * A counter that follows monotonic values kept elsewhere, one series per
 * `state` label ('' for none), brought up to date at each scrape.
 */
function mirrored(
  registry: Registry,
  name: string,
  help: string,
  topic: string,
  series: Array<[string, Read]>,
  current: () => Stats['userEvents'],
): void {
  const withState = series.some(([state]) => state !== '');
  const last = series.map(() => 0);
  new Counter({
    name,
    help,
    labelNames: withState ? ['topic', 'state'] : ['topic'],
    registers: [registry],
    collect() {
      const s = current();
      series.forEach(([state, read], i) => {
        const now = read(s);
        // inc by 0 too: a series exists from the first scrape, so rate() sees its start.
        this.inc(withState ? { topic, state } : { topic }, Math.max(0, now - last[i]!));
        last[i] = Math.max(now, last[i]!);
      });
    },
  });
}
