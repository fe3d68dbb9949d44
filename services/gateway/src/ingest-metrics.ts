import { Counter, type Registry } from 'prom-client';

const OUTCOMES = ['accepted', 'rejected', 'unavailable'] as const;
export type IngestOutcome = (typeof OUTCOMES)[number];

export interface IngestMetrics {
  /** User events by outcome: published, refused by validation, or turned away with a 503. */
  events: Counter<'outcome'>;
  /** Catalog changes, by the same outcomes. */
  items: Counter<'outcome'>;
}

/** The ingestion counters on the gateway's registry (created once per registry). */
export function ingestMetrics(registry: Registry): IngestMetrics {
  const counter = (name: string, help: string) => {
    const existing = registry.getSingleMetric(name) as Counter<'outcome'> | undefined;
    if (existing) return existing;
    const created = new Counter({
      name,
      help,
      labelNames: ['outcome'] as const,
      registers: [registry],
    });
    // Every outcome shows from the start (at 0), so rate() and alerts see it.
    for (const outcome of OUTCOMES) created.inc({ outcome }, 0);
    return created;
  };
  return {
    events: counter(
      'recsys_ingest_events_total',
      'User events received, by outcome: accepted, rejected, unavailable',
    ),
    items: counter(
      'recsys_ingest_items_total',
      'Catalog changes received, by outcome: accepted, rejected, unavailable',
    ),
  };
}
