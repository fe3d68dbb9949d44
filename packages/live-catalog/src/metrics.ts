import { Gauge, type Registry } from 'prom-client';
import type { LiveCatalog } from './live-catalog.js';

/** Exposes a replica's live catalog on its /metrics: items held, updates received and dropped. */
export function registerLiveCatalogMetrics(registry: Registry, catalog: LiveCatalog<object>): void {
  const registers = [registry];
  new Gauge({
    name: 'recsys_live_catalog_items',
    help: 'Items changed since training that this replica holds (latest update per item)',
    registers,
    collect() {
      this.set(catalog.stats().items);
    },
  });
  new Gauge({
    name: 'recsys_item_updates_received',
    help: 'Item updates received since start, by outcome (kept or stale)',
    labelNames: ['outcome'] as const,
    registers,
    collect() {
      const stats = catalog.stats();
      this.set({ outcome: 'kept' }, stats.received - stats.stale);
      this.set({ outcome: 'stale' }, stats.stale);
    },
  });
}
