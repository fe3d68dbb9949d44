import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { ranking } from '@recsys/contracts';
import { AppError } from '@recsys/errors';
import { startGrpcServer, type RunningGrpcServer } from '@recsys/grpc';
import type { RankRequest, RankResult } from '@recsys/ranker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRankingMetrics } from './metrics.js';
import { MAX_ITEMS, rankService, type Scorer } from './rank-service.js';

const calls: { request: RankRequest; deadlineMs: number | undefined }[] = [];
let next: (request: RankRequest) => Promise<RankResult>;
const scorer: Scorer = {
  rank(request, { deadlineMs }) {
    calls.push({ request, deadlineMs });
    return next(request);
  },
};
const metrics = createRankingMetrics(() => undefined);
let server: RunningGrpcServer;
let client: ranking.RankingServiceClient;

beforeAll(async () => {
  server = await startGrpcServer({
    port: 0,
    host: '127.0.0.1',
    services: [rankService(scorer, metrics, { defaultDeadlineMs: 777 })],
  });
  client = new ranking.RankingServiceClient(
    `127.0.0.1:${server.port}`,
    credentials.createInsecure(),
  );
});
afterAll(async () => {
  client?.close();
  await server?.shutdown(1_000);
});

function rank(
  request: Partial<ranking.RankRequest>,
  deadlineMs?: number,
): Promise<ranking.RankResponse> {
  const full = { userId: 'u1', surface: 'home', itemIds: ['a', 'b'], ...request };
  const options = deadlineMs === undefined ? {} : { deadline: Date.now() + deadlineMs };
  return new Promise((resolve, reject) =>
    client.rank(full, new Metadata(), options, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

async function failure(request: Partial<ranking.RankRequest>): Promise<ServiceError> {
  return rank(request).then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: ServiceError) => err,
  );
}

describe('RankingService/Rank', () => {
  it('answers one score per item in order, with version and fallbacks', async () => {
    next = (r) =>
      Promise.resolve({
        scores: Float32Array.from(r.itemIds, (_, i) => i / 2),
        modelVersion: 'v7',
        degraded: ['session_store_unavailable'],
        unknownItems: 1,
      });
    const context = {
      device: 'tv',
      locale: 'en-US',
      region: 'eu',
      hourOfDay: 23,
      dayOfWeek: 7,
      preferredCategories: ['Drama'],
    };
    const res = await rank({ itemIds: ['x', 'y', 'z'], context }, 5_000);
    expect(res).toEqual({
      scores: [0, 0.5, 1],
      modelVersion: 'v7',
      degraded: ['session_store_unavailable'],
    });
    const last = calls.at(-1)!;
    expect(last.request).toEqual({
      userId: 'u1',
      surface: 'home',
      itemIds: ['x', 'y', 'z'],
      context,
    });
    // The caller's deadline bounds the model call.
    expect(last.deadlineMs).toBeGreaterThan(4_000);
    expect(last.deadlineMs).toBeLessThanOrEqual(5_000);
    await rank({});
    expect(calls.at(-1)!.deadlineMs).toBe(777);
    const metricsText = await metrics.registry.metrics();
    expect(metricsText).toMatch(
      /recsys_ranking_degraded_total\{reason="session_store_unavailable",service="ranking"\} 2/,
    );
  });

  it('rejects bad input as INVALID_ARGUMENT naming the field, before scoring', async () => {
    const before = calls.length;
    const cases: [Partial<ranking.RankRequest>, RegExp][] = [
      [{ userId: '' }, /^userId: must be 1 to 128/],
      [{ userId: 'x'.repeat(129) }, /^userId:/],
      [{ itemIds: [] }, /^itemIds: must name at least one item/],
      [{ itemIds: Array.from({ length: MAX_ITEMS + 1 }, (_, i) => `i${i}`) }, /^itemIds:/],
      [{ itemIds: ['ok', 'not ok'] }, /^itemIds\.1:/],
      [{ surface: 'Home Page' }, /^surface: must be a surface name/],
      [{ surface: '' }, /^surface:/],
    ];
    for (const [request, message] of cases) {
      const err = await failure(request);
      expect(err.code).toBe(status.INVALID_ARGUMENT);
      expect(err.details).toMatch(message);
    }
    expect(calls.length).toBe(before);
    const maxed = Array.from({ length: MAX_ITEMS }, (_, i) => `i${i}`);
    next = (r) =>
      Promise.resolve({
        scores: new Float32Array(r.itemIds.length),
        modelVersion: 'v',
        degraded: [],
        unknownItems: 0,
      });
    expect((await rank({ itemIds: maxed })).scores).toHaveLength(MAX_ITEMS);
  });

  it('maps domain errors to their gRPC status without leaking internals', async () => {
    next = () => Promise.reject(new AppError('unavailable', 'the ONNX model pool is full'));
    const full = await failure({});
    expect(full.code).toBe(status.UNAVAILABLE);
    expect(full.metadata.get('x-retryable')).toEqual(['true']);
    next = () => Promise.reject(new AppError('deadline_exceeded', 'model call timed out'));
    expect((await failure({})).code).toBe(status.DEADLINE_EXCEEDED);
    next = () => Promise.reject(new Error('secret stack detail'));
    const internal = await failure({});
    expect(internal.code).toBe(status.INTERNAL);
    expect(internal.details).toBe('internal error');
  });
});
