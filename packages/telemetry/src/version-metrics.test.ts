import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createVersionMetrics } from './version-metrics.js';

describe('version metrics', () => {
  it('reports the served version alone, and counts loads by outcome', async () => {
    const registry = new Registry();
    const versions = createVersionMetrics(registry);
    versions.loaded('v1');
    versions.failed();
    versions.loaded('v2');
    const text = await registry.metrics();
    expect(text).toContain('recsys_artifacts_version_info{version="v2"} 1');
    expect(text).not.toContain('version="v1"');
    expect(text).toContain('recsys_artifacts_loads_total{outcome="ok"} 2');
    expect(text).toContain('recsys_artifacts_loads_total{outcome="failed"} 1');
  });
});
