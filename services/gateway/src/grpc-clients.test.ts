import type { handleUnaryCall, ServerUnaryCall } from '@grpc/grpc-js';
import { candidates, ranking } from '@recsys/contracts';
import { AppError } from '@recsys/errors';
import { startGrpcServer, toServiceError, type RunningGrpcServer } from '@recsys/grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedResponse } from './api-schemas.js';
import { buildApp } from './app.js';
import { GrpcCandidatesClient, GrpcRankingClient } from './grpc-clients.js';
import { fakeDeps, TEST_SETTINGS } from './testing.js';

// Real grpc-js servers on port 0 implementing both services, to exercise the
// gateway's gRPC clients end to end: encoding, metadata, deadlines, status.

const SLOW_MS = 600;
const seen: Array<{ requestId: string | undefined; deadline: number }> = [];

function record(call: ServerUnaryCall<unknown, unknown>) {
  const deadline = call.getDeadline();
  seen.push({
    requestId: call.metadata.get('x-request-id')[0]?.toString(),
    deadline: deadline instanceof Date ? deadline.getTime() : Number(deadline),
  });
}

const generate: handleUnaryCall<candidates.GenerateRequest, candidates.GenerateResponse> = (
  call,
  cb,
) => {
  record(call);
  const { userId, surface, context } = call.request;
  const list = ['c1', 'c2', 'c3', 'c4'].map((itemId, i) => ({
    itemId,
    score: 1 - i / 10,
    sources: i === 0 ? ['session'] : ['ann'],
    viaItemId: i === 0 ? 'w1' : '',
    interactions: 10 * i,
  }));
  const response = {
    candidates: list,
    sourceCounts: { ann: 3, session: 1 },
    // Echo what arrived, so the test can see the request crossed intact.
    modelVersion: `${surface}|${context?.preferredCategories.join('+')}`,
    degraded: [],
  };
  if (userId === 'slow') setTimeout(() => cb(null, response), SLOW_MS);
  else if (userId === 'unknown-seed') cb(toServiceError(new AppError('not_found', 'no item x')));
  else if (userId === 'busy') cb(toServiceError(new AppError('unavailable', 'warming up')));
  else if (userId === 'malformed')
    cb(null, { ...response, candidates: [{ ...list[0]!, itemId: 'bad id' }] });
  else cb(null, response);
};

const rank: handleUnaryCall<ranking.RankRequest, ranking.RankResponse> = (call, cb) => {
  record(call);
  const response = {
    scores: call.request.itemIds.map((_, i) => i),
    modelVersion: 'wd-7',
    degraded: [],
  };
  if (call.request.userId === 'slow-ranking') setTimeout(() => cb(null, response), SLOW_MS);
  else cb(null, response);
};

let server: RunningGrpcServer;
let address: string;
const clients: Array<{ close(): void }> = [];
const candidatesAt = (addr: string) => {
  const c = new GrpcCandidatesClient(addr);
  clients.push(c);
  return c;
};
const rankingAt = (addr: string) => {
  const c = new GrpcRankingClient(addr);
  clients.push(c);
  return c;
};
const oneHot = (i: number) => Float32Array.from({ length: 4 }, (_, d) => (d === i ? 1 : 0));
const raw = (bytes: Buffer) => bytes;
// Nothing listens on port 1: connection refused.
const NOWHERE = '127.0.0.1:1';

beforeAll(async () => {
  server = await startGrpcServer({
    port: 0,
    host: '127.0.0.1',
    services: [
      { definition: candidates.CandidateServiceService, implementation: { generate } },
      { definition: ranking.RankingServiceService, implementation: { rank } },
    ],
  });
  address = `127.0.0.1:${server.port}`;
});

afterAll(async () => {
  for (const c of clients) c.close();
  await server.shutdown(100);
});

const request = (userId: string): candidates.GenerateRequest => ({
  userId,
  surface: 'home',
  limit: 10,
  seedItemId: '',
  query: '',
  context: {
    device: 'web',
    locale: '',
    region: 'eu',
    hourOfDay: 3,
    dayOfWeek: 2,
    preferredCategories: ['Drama', 'War'],
  },
  excludeItemIds: [],
});

describe('gRPC clients', () => {
  it('calls Generate with the deadline and request id on the wire', async () => {
    const client = candidatesAt(address);
    const before = Date.now();
    const res = await client.generate(request('u1'), { deadlineMs: 2000, requestId: 'req-1' });
    expect(res.candidates.map((c) => c.itemId)).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(res.candidates[0]).toMatchObject({ sources: ['session'], viaItemId: 'w1' });
    expect(res.modelVersion).toBe('home|Drama+War');
    const call = seen.at(-1)!;
    expect(call.requestId).toBe('req-1');
    expect(call.deadline).toBeGreaterThanOrEqual(before + 2000);
    expect(call.deadline).toBeLessThanOrEqual(Date.now() + 2000);
  });

  it('gives up at the deadline with deadline_exceeded', async () => {
    const client = candidatesAt(address);
    const started = Date.now();
    const err = await client.generate(request('slow'), { deadlineMs: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'deadline_exceeded', retryable: true });
    // It did not wait for the server's late answer.
    expect(Date.now() - started).toBeLessThan(SLOW_MS);
  });

  it('maps gRPC status and the retryable flag to AppError', async () => {
    const client = candidatesAt(address);
    await expect(
      client.generate(request('unknown-seed'), { deadlineMs: 2000 }),
    ).rejects.toMatchObject({
      code: 'not_found',
      retryable: false,
      message: 'candidates: no item x',
    });
    await expect(client.generate(request('busy'), { deadlineMs: 2000 })).rejects.toMatchObject({
      code: 'unavailable',
      retryable: true,
    });
    await expect(
      candidatesAt(NOWHERE).generate(request('u1'), { deadlineMs: 2000 }),
    ).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('rejects a malformed response instead of passing it on', async () => {
    const err = await candidatesAt(address)
      .generate(request('malformed'), { deadlineMs: 2000 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'internal' });
    expect((err as Error).message).toMatch(/candidates\.0\.itemId/);
  });

  it('rejects bytes that do not decode as the response', async () => {
    // Same method path, but the server writes a truncated varint instead of a GenerateResponse.
    const garbage = await startGrpcServer({
      port: 0,
      host: '127.0.0.1',
      services: [
        {
          definition: {
            generate: { ...candidates.CandidateServiceService.generate, responseSerialize: raw },
          },
          implementation: {
            generate: (_call: unknown, cb: (err: null, res: Buffer) => void) =>
              cb(null, Buffer.from([0x0a, 0xff, 0xff])),
          },
        },
      ],
    });
    try {
      const err = await candidatesAt(`127.0.0.1:${garbage.port}`)
        .generate(request('u1'), { deadlineMs: 2000 })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: 'internal' });
      expect((err as Error).message).toMatch(/^candidates: undecodable response/);
    } finally {
      await garbage.shutdown(100);
    }
  });

  it('calls Rank and returns one score per item', async () => {
    const res = await rankingAt(address).rank(
      { userId: 'u', surface: 'home', context: undefined, itemIds: ['a', 'b', 'c'] },
      { deadlineMs: 2000 },
    );
    expect(res).toEqual({ scores: [0, 1, 2], modelVersion: 'wd-7', degraded: [] });
  });
});

describe('the feed over gRPC', () => {
  const appWith = (candidatesAddr: string, rankingAddr: string) =>
    buildApp({
      ...fakeDeps().deps,
      candidates: candidatesAt(candidatesAddr),
      ranking: rankingAt(rankingAddr),
      itemVectors: new Map(['c1', 'c2', 'c3', 'c4'].map((id, i) => [id, oneHot(i)])),
      settings: { ...TEST_SETTINGS, candidatesDeadlineMs: 1000, rankingDeadlineMs: 100 },
    });

  it('ranks, and falls back to retrieval order when ranking is late or down', async () => {
    const app = appWith(address, address);
    const ok = (await app.inject('/v1/feed?user_id=u&n=3')).json<FeedResponse>();
    expect(ok.items.map((i) => i.item_id)).toEqual(['c4', 'c3', 'c2']);
    expect(ok).toMatchObject({ model_version: 'wd-7', degraded: [] });

    const late = await app.inject('/v1/feed?user_id=slow-ranking&n=3');
    expect(late.statusCode).toBe(200);
    expect(late.json<FeedResponse>().items.map((i) => i.item_id)).toEqual(['c1', 'c2', 'c3']);
    expect(late.json<FeedResponse>().degraded).toEqual(['ranking_timeout']);
    expect(late.json<FeedResponse>().items[0]?.reason).toBe('Because you watched item w1');
    await app.close();

    const noRanker = appWith(address, NOWHERE);
    const down = await noRanker.inject('/v1/feed?user_id=u&n=3');
    expect(down.statusCode).toBe(200);
    expect(down.json<FeedResponse>().degraded).toEqual(['ranking_unavailable']);
    await noRanker.close();
  });

  it('answers 503 when candidates are unreachable', async () => {
    const app = appWith(NOWHERE, address);
    const res = await app.inject('/v1/feed?user_id=u');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: { code: 'unavailable', retryable: true } });
    await app.close();
  });
});
