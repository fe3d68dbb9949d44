import { mkdir, writeFile } from 'node:fs/promises';
import { machineLines, type BenchMachine } from './bench-machine.js';

export interface Sample {
  /** ms since the burst started. */
  t: number;
  /** Events the producer had published (acked by the broker). */
  produced: number;
  /** Log end offsets summed over partitions. */
  end: number;
  /** The group's committed offsets summed: events applied to Redis and committed. */
  committed: number;
  lag: number;
}

export interface BurstResult {
  variant: 'burst' | 'kill' | 'backlog';
  events: number;
  users: number;
  producedMs: number;
  firstCommitMs: number;
  drainedMs: number;
  maxLag: number;
  /** backlog: when the processor was started, after the whole burst was in Kafka. */
  processorStartMs?: number;
  /** backlog: when it had joined the group (its "started" line). */
  processorReadyMs?: number;
  samples: Sample[];
  kill?: {
    atCommitted: number;
    atMs?: number;
    exit?: { code: number | null; signal: string | null };
    restartedMs?: number;
  };
  finalExit: { code: number | null; signal: string | null };
  /** The last processor's own counters (it reports them when it stops). */
  lastProcessorStats?: Record<string, number>;
  check: {
    sessionEventsTotal: number;
    usersWithWrongCount: number;
    sessionMarks: number;
    popularityMarks: number;
    expectedPopularityMarks: number;
    deadLetters: number;
  };
}

export interface StreamResults {
  label: string;
  command: string;
  date: string;
  machine: BenchMachine;
  settings: {
    artifacts: string;
    events: number;
    users: number;
    items: number;
    partitions: number;
    chunk: number;
  };
  results: BurstResult[];
}

const rate = (events: number, ms: number) => Math.round((events * 1000) / Math.max(1, ms));

export function summary(r: BurstResult) {
  const exact =
    r.check.sessionEventsTotal === r.events &&
    r.check.usersWithWrongCount === 0 &&
    r.check.sessionMarks === r.events &&
    r.check.popularityMarks === r.check.expectedPopularityMarks &&
    r.check.deadLetters === 0;
  return {
    produceRate: rate(r.events, r.producedMs),
    /**
     * From the moment the processor was consuming (burst start for burst and kill, its group
     * join for backlog) to the last commit: events applied to Redis per second.
     */
    appliedRate: rate(r.events, r.drainedMs - (r.processorReadyMs ?? 0)),
    drainAfterProducerMs: r.drainedMs - r.producedMs,
    /** Kill variant: the new process's pace, from its group join to the last commit. */
    afterRestartRate:
      r.kill?.restartedMs === undefined
        ? undefined
        : rate(
            r.events - (r.samples.find((x) => x.t >= r.kill!.restartedMs!)?.committed ?? 0),
            r.drainedMs - r.kill.restartedMs,
          ),
    exact,
  };
}

/** Writes <label>.json and .md: command, machine, rates, lag over time and the exactness check. */
export async function writeStreamResults(dir: URL, r: StreamResults): Promise<void> {
  await mkdir(dir, { recursive: true });
  const rows = r.results.map((x) => ({ ...x, summary: summary(x) }));
  await writeFile(
    new URL(`${r.label}.json`, dir),
    `${JSON.stringify({ ...r, results: rows }, null, 2)}\n`,
  );
  const s = r.settings;
  const lines = [
    '# Stream processor: throughput and consumer lag through a burst',
    '',
    `Command: \`${r.command}\` (REDIS_URL, KAFKA_BROKERS: the local Redis and Kafka)  `,
    `Date: ${r.date}  `,
    ...machineLines(r.machine),
    '',
    `Workload: ${s.events} distinct valid user events (60% impressions, 20% clicks, 10% watches, ` +
      `5% likes, 5% skips) over ${s.users} users and ${s.items} items, both Zipf-distributed, ` +
      `keyed by user_id on a ${s.partitions}-partition topic, published by one idempotent producer ` +
      `(acks=all) in chunks of ${s.chunk} as fast as it goes. One stream processor process ` +
      '(`node services/stream-processor/dist/main.js`, default batching; artifacts: ' +
      `${s.artifacts}) applies them to Redis; ` +
      'the producer, the lag sampler, Kafka, Redis and the processor share the 2 cores. Lag = ' +
      'log end offset minus the group committed offset, summed over partitions, sampled every 250 ms.',
    '',
    'Variants: **burst**, the processor runs while the burst is produced; **kill**, the same, ' +
      'and the processor (session timeout 6 s instead of the default 30 s) is SIGKILLed once 40% ' +
      'of the events are committed and a new process started at once; **backlog**, the whole burst is in Kafka before the processor starts, so ' +
      'its rate is not capped by the producer (the pure drain rate).',
    '',
    '| variant | produce ev/s | applied ev/s | max lag | drained after the producer | exactly once |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (x) =>
        `| ${x.variant} | ${x.summary.produceRate} | **${x.summary.appliedRate}** | ${x.maxLag} | ` +
        `${(x.summary.drainAfterProducerMs / 1000).toFixed(2)} s | ${x.summary.exact ? 'yes' : 'NO'} |`,
    ),
    '',
    'Applied ev/s: events over the time from the processor consuming (the burst start for burst ' +
      'and kill, its group join for backlog) to the last commit, so burst and kill include the ' +
      'SIGKILL outage and are capped by the producer, which shares the cores. The processor ' +
      'commits after each batch (up to 1 MiB per partition, thousands of events), so the ' +
      'committed count and the lag move in steps.',
    '',
    "Exactness check after each run: the sum of every user's session event count and the count " +
      'per user against the produced events, one session idempotency mark (`u:{user}:evt:<id>`) per ' +
      'event, one popularity mark per click/watch/like, no dead letters.',
    '',
    'Target (issue 5): >= 20,000 events/s; no event lost or applied twice across a restart.',
    '',
  ];
  for (const x of rows) {
    lines.push(`## ${x.variant}`, '');
    if (x.processorStartMs !== undefined) {
      lines.push(
        `Processor spawned at ${x.processorStartMs} ms, once all ${x.events} events were in ` +
          `Kafka; it had joined the group at ${x.processorReadyMs} ms; from then to the last ` +
          `commit: ${x.summary.appliedRate} events/s (commits are seen only at the samples, ` +
          'so this is a lower bound).',
        '',
      );
    }
    if (x.kill) {
      lines.push(
        `SIGKILL at ${x.kill.atMs} ms with ${x.kill.atCommitted} events committed ` +
          `(exit ${JSON.stringify(x.kill.exit)}); the new process had joined the group at ` +
          `${x.kill.restartedMs} ms (the dead member's partitions wait for its 6 s session timeout); ` +
          `from then on it applied ${x.summary.afterRestartRate} events/s.`,
        '',
      );
    }
    lines.push(
      `Producer done at ${x.producedMs} ms, first commit at ${x.firstCommitMs} ms, drained at ` +
        `${x.drainedMs} ms. Check: ${JSON.stringify(x.check)}; last processor's counters: ` +
        `${JSON.stringify(x.lastProcessorStats)}.`,
      '',
      '| t (s) | produced | committed | lag |',
      '|---|---|---|---|',
      ...x.samples
        .filter((p, i) => i % 4 === 0 || i === x.samples.length - 1)
        .map((p) => `| ${(p.t / 1000).toFixed(2)} | ${p.produced} | ${p.committed} | ${p.lag} |`),
      '',
    );
  }
  await writeFile(new URL(`${r.label}.md`, dir), lines.join('\n'));
}
