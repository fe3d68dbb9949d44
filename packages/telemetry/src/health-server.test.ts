import { afterEach, describe, expect, it } from 'vitest';
import { startHealthServer, type HealthServer } from './health-server.js';
import { createMetrics, timeStage } from './metrics.js';

let server: HealthServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('health server', () => {
  it('answers probes and exposes recorded stage latencies', async () => {
    const metrics = createMetrics('test');
    let ready = false;
    server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      registry: metrics.registry,
      ready: () => ready,
    });
    const base = `http://127.0.0.1:${server.port}`;

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    ready = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    await timeStage(metrics, 'retrieval', async () => 1);
    await expect(
      timeStage(metrics, 'ranking', () => Promise.reject(new Error('down'))),
    ).rejects.toThrow('down');
    const body = await (await fetch(`${base}/metrics`)).text();
    expect(body).toMatch(
      /recsys_stage_duration_seconds_count\{service="test",stage="retrieval"\} 1/,
    );
    expect(body).toMatch(/recsys_stage_duration_seconds_count\{service="test",stage="ranking"\} 1/);
    expect(body).toMatch(/nodejs_eventloop_lag_p99_seconds/);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});
