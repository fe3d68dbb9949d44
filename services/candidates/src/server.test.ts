import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata, credentials, status, type ServiceError } from '@grpc/grpc-js';
import { writeTestArtifacts } from '@recsys/artifacts/testing';
import { loadConfig } from '@recsys/config';
import { candidates } from '@recsys/contracts';
import { MemorySessionStore } from '@recsys/feature-store';
import { startGrpcServer, type RunningGrpcServer } from '@recsys/grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCandidates, type CandidatesApp } from './app.js';
import { CandidatesConfig } from './config.js';

let root: string;
let app: CandidatesApp;
let server: RunningGrpcServer;
let client: candidates.CandidateServiceClient;
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'candidates-svc-'));
  await writeTestArtifacts(join(root, 'v1'), { version: 'test-v1' });
  const config = loadConfig(CandidatesConfig, { ARTIFACTS_DIR: root, ARTIFACTS_POLL_MS: '0' });
  app = await buildCandidates(config, { sessions: new MemorySessionStore(), log: quiet });
  server = await startGrpcServer({ port: 0, host: '127.0.0.1', services: [app.service] });
  client = new candidates.CandidateServiceClient(
    `127.0.0.1:${server.port}`,
    credentials.createInsecure(),
  );
});

afterAll(async () => {
  client.close();
  await server.shutdown(1000);
  await app.close();
  await rm(root, { recursive: true, force: true });
});

function generate(req: Partial<candidates.GenerateRequest>): Promise<candidates.GenerateResponse> {
  const request = candidates.GenerateRequest.fromPartial({ surface: 'home', limit: 100, ...req });
  return new Promise((resolve, reject) =>
    client.generate(request, new Metadata(), { deadline: Date.now() + 5_000 }, (err, res) =>
      err ? reject(err) : resolve(res),
    ),
  );
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as ServiceError,
  );

describe('CandidateService over gRPC', () => {
  it('serves merged candidates without the items the user has seen, degrading without a user tower', async () => {
    const res = await generate({ userId: 'u1' });
    const ids = res.candidates.map((c) => c.itemId);
    // 12 items less everything u1 touched in training: its history (i1, i2) and i12, older.
    expect(ids).toHaveLength(9);
    expect(ids).not.toContain('i1');
    expect(ids).not.toContain('i2');
    expect(ids).not.toContain('i12');
    expect(res.modelVersion).toBe('test-v1');
    expect(res.degraded).toEqual(['ann_unavailable']); // these artifacts have no user tower
    expect(res.sourceCounts.session_i2i).toBeGreaterThan(0);
    expect(res.candidates.find((c) => c.itemId === 'i3')?.viaItemId).toBe('i2');
    expect(app.ready()).toBe(true);
  });

  it('answers INVALID_ARGUMENT naming the field, and NOT_FOUND for an unknown seed', async () => {
    const cases: [Partial<candidates.GenerateRequest>, RegExp][] = [
      [{ userId: 'u1', limit: 0 }, /^limit:/],
      [{ userId: 'bad id!' }, /^userId:/],
      [{ userId: 'u1', surface: 'nope' }, /^surface: unknown surface "nope"/],
      [{ userId: 'u1', surface: 'search' }, /^query:/],
      [{ userId: 'u1', excludeItemIds: ['ok', ''] }, /^excludeItemIds\.1:/],
    ];
    for (const [req, message] of cases) {
      const err = await failure(generate(req));
      expect({ code: err?.code, details: err?.details }).toEqual({
        code: status.INVALID_ARGUMENT,
        details: expect.stringMatching(message) as string,
      });
    }
    const missing = await failure(
      generate({ userId: 'u1', surface: 'more_like_this', seedItemId: 'zz' }),
    );
    expect(missing?.code).toBe(status.NOT_FOUND);
  });

  it('counts candidates per source in its metrics', async () => {
    await generate({ userId: 'u2' });
    const text = await app.metrics.registry.metrics();
    expect(text).toMatch(/recsys_candidates_total\{source="popular",service="candidates"\} \d+/);
    expect(text).toMatch(/recsys_candidate_source_runs_total\{source="ann",outcome="failed"/);
  });

  it('swaps to a new version under concurrent requests without failing one', async () => {
    await writeTestArtifacts(join(root, 'v2'), { version: 'test-v2', items: 20 });
    const during = Array.from({ length: 60 }, (_, i) => generate({ userId: `u${(i % 3) + 1}` }));
    const swapped = app.watcher.check();
    const results = await Promise.all(during);
    expect(await swapped).toBe(true);
    expect(results.every((r) => r.candidates.length > 0)).toBe(true);
    const after = await generate({ userId: 'u1' });
    expect(after.modelVersion).toBe('test-v2');
    expect(after.candidates).toHaveLength(17); // 20 items less i1, i2 and i20
  });
});
