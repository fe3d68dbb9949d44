import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tinyArtifacts } from '@recsys/artifacts/testing';
import { userEvent } from '@recsys/contracts/testing';
import { RedisSessionStore, type SessionStore } from '@recsys/feature-store';
import { ModelPool } from '@recsys/onnx-runner';
import {
  contextRows,
  densePlan,
  fillRetrievalScore,
  loadRankerSource,
  stateFromHistory,
  userFeatures,
  userTowerFeeds,
  writeDense,
} from '@recsys/ranker';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deleteKeys, uniqueName, until } from './infra.js';
import {
  copyVersion,
  referenceScores,
  startRanking,
  wireRequest,
  type ReferenceRequest,
  type Running,
} from './ranking-service.js';

// The ranking service on tiny trained artifacts and the real Redis: its scores are
// training's (features/ranker_features.py + onnxruntime in Python) for the same folder.
const prefix = `${uniqueName('ranking')}:`;
let artifacts: string;
let reference: Awaited<ReturnType<typeof referenceScores>>;
let redis: Redis;
let service: Running;

beforeAll(async () => {
  artifacts = await tinyArtifacts();
  reference = await referenceScores(artifacts, 4, 60);
  redis = await connectRedis();
  service = await startRanking(artifacts, { REDIS_KEY_PREFIX: prefix });
}, 600_000);

afterAll(async () => {
  await service?.stop();
  await deleteKeys(redis, prefix);
  await redis?.quit();
});

function expectScores(got: number[], want: number[], what: string): void {
  expect(got.length, what).toBe(want.length);
  const worst = Math.max(...got.map((g, i) => Math.abs(g - want[i]!)));
  expect(worst, what).toBeLessThan(1e-4);
}

describe('ranking service on tiny trained artifacts', () => {
  it('is ready once the model is loaded, and reports the served version', async () => {
    expect((await fetch(service.metricsUrl('/readyz'))).status).toBe(200);
    const metrics = await (await fetch(service.metricsUrl('/metrics'))).text();
    expect(metrics).toContain(`recsys_artifacts_version_info{version="${reference.version}"`);
  });

  it("builds training's dense matrix from the artifacts", async () => {
    const source = await loadRankerSource(artifacts);
    const { tables } = source;
    const plan = densePlan(source.denseColumns, tables.items);
    expect(plan.columns).toEqual(reference.columns);
    const tower = await ModelPool.open({ path: source.userTowerPath! });
    try {
      for (const r of reference.requests) {
        const request = wireRequest(r);
        const history = tables.users.history(r.user_id);
        const state = stateFromHistory(history, tables.users.historyLength, tables.session.gapMs);
        const ctx = contextRows(request.surface, request.context, tables);
        const out = await tower.run(userTowerFeeds(tables.users.rowOf(r.user_id), state.rows, ctx));
        const rows = Int32Array.from(r.item_ids, (id) => tables.items.rowOf(id));
        const dense = new Float32Array(rows.length * plan.columns.length);
        writeDense(dense, plan, userFeatures(state, tables), rows, tables);
        fillRetrievalScore(
          dense,
          plan,
          out.user_embedding!.data as Float32Array,
          rows,
          tables.items,
        );
        const want = r.dense.flat().map((v) => (v === null ? NaN : v));
        want.forEach((w, i) => {
          const g = dense[i]!;
          const ok = Number.isNaN(w)
            ? Number.isNaN(g)
            : Math.abs(g - w) <= 1e-4 * Math.max(1, Math.abs(w));
          if (!ok)
            expect({ user: r.user_id, at: i, got: g }).toEqual({ user: r.user_id, at: i, got: w });
        });
      }
    } finally {
      await tower.close();
    }
  });

  it("answers training's scores over gRPC, unknown users and items included", async () => {
    for (const r of reference.requests) {
      const res = await service.rank(wireRequest(r));
      expect(res.modelVersion).toBe(reference.version);
      expect(res.degraded).toEqual([]);
      expectScores(res.scores, r.scores, `scores of ${r.user_id}`);
    }
  });

  it("reads the user's live session from Redis", async () => {
    const r: ReferenceRequest = reference.requests[0]!;
    const store = new RedisSessionStore({ redis, keyPrefix: prefix });
    const now = Date.now();
    await store.applyUserEvents(
      r.item_ids.slice(1, 4).map((itemId, i) =>
        userEvent({
          eventId: `${prefix}click-${i}`,
          userId: r.user_id,
          itemId,
          timestamp: now - 60_000 + i * 1_000,
          surface: r.surface,
          position: i,
          device: r.device,
        }),
      ),
    );
    const res = await service.rank(wireRequest(r));
    expect(res.degraded).toEqual([]);
    const moved = res.scores.filter((s, i) => Math.abs(s - r.scores[i]!) > 1e-4).length;
    expect(moved).toBeGreaterThan(r.scores.length / 2);
  });

  it('scores from the stored history alone when Redis is unreachable, and says so', async () => {
    const down = await startRanking(artifacts, {
      REDIS_URL: 'redis://127.0.0.1:1',
      SESSION_TIMEOUT_MS: '200',
    });
    try {
      for (const r of reference.requests.slice(1)) {
        const res = await down.rank(wireRequest(r));
        expect(res.degraded).toEqual(['session_store_unavailable']);
        expectScores(res.scores, r.scores, `degraded scores of ${r.user_id}`);
      }
      const metrics = await (await fetch(down.metricsUrl('/metrics'))).text();
      expect(metrics).toMatch(/recsys_ranking_degraded_total\{reason="session_store_unavailable"/);
    } finally {
      await down.stop();
    }
  });
});

describe('ranking service across artifacts versions', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ranking-versions-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('swaps to a new version under load without failing a request', async () => {
    const v1 = await copyVersion(artifacts, root, 'v1');
    const running = await startRanking(root, {
      ARTIFACTS_POLL_MS: '100',
      REDIS_KEY_PREFIX: prefix,
    });
    const seen = new Set<string>();
    const failures: unknown[] = [];
    let stop = false;
    const request = wireRequest(reference.requests[1]!);
    const client = async () => {
      while (!stop) {
        await running.rank(request).then(
          (res) => seen.add(res.modelVersion),
          (err: unknown) => failures.push(err),
        );
      }
    };
    try {
      const clients = Array.from({ length: 4 }, client);
      await until('v1 answers', () => seen.has(v1), 30_000);
      const v2 = await copyVersion(artifacts, root, 'v2');
      await until('v2 answers', () => seen.has(v2), 60_000);
      stop = true;
      await Promise.all(clients);
      expect(failures).toEqual([]);
      expect(seen).toEqual(new Set([v1, v2]));
    } finally {
      stop = true;
      await running.stop();
    }
  });

  it('finishes the calls in flight when it stops', async () => {
    // A slow session read keeps the calls inside the service while it is told to stop.
    const store = new RedisSessionStore({ redis, keyPrefix: prefix });
    const slow: SessionStore = {
      applyUserEvents: (batch) => store.applyUserEvents(batch),
      getSession: async (userId) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return store.getSession(userId);
      },
    };
    const env = { REDIS_KEY_PREFIX: prefix, SESSION_TIMEOUT_MS: '5000' };
    const running = await startRanking(artifacts, env, slow);
    const r = reference.requests[2]!;
    await running.rank(wireRequest(r)); // connected
    const calls = Array.from({ length: 3 }, () => running.rank(wireRequest(r)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await running.stop();
    for (const res of await Promise.all(calls)) expectScores(res.scores, r.scores, 'drained');
  });
});
