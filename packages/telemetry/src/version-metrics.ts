import { Counter, Gauge, type Registry } from 'prom-client';

/** The artifacts version a serving process reports, under the same names in every service. */
export interface VersionMetrics {
  /** A version was loaded and is served from now on. */
  loaded(version: string): void;
  /** A version was rejected; the one before it is still served. */
  failed(): void;
}

export function createVersionMetrics(registry: Registry): VersionMetrics {
  const loads = new Counter({
    name: 'recsys_artifacts_loads_total',
    help: 'Artifacts versions loaded (ok) or rejected (failed)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const served = new Gauge({
    name: 'recsys_artifacts_version_info',
    help: 'The artifacts version being served (value 1)',
    labelNames: ['version'] as const,
    registers: [registry],
  });
  return {
    loaded(version) {
      loads.inc({ outcome: 'ok' });
      served.reset();
      served.set({ version }, 1);
    },
    failed() {
      loads.inc({ outcome: 'failed' });
    },
  };
}
