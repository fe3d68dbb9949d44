import { Client, Metadata, credentials, status, type ServiceError } from '@grpc/grpc-js';
import { ranking } from '@recsys/contracts';
import { AppError } from '@recsys/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startGrpcServer, type RunningGrpcServer } from './server.js';
import { unary } from './unary.js';

const RankSchema = z.object({
  userId: z.string().min(1),
  itemIds: z.array(z.string().min(1)).min(1),
});

let server: RunningGrpcServer;
let client: ranking.RankingServiceClient;

beforeAll(async () => {
  server = await startGrpcServer({
    port: 0,
    host: '127.0.0.1',
    services: [
      {
        definition: ranking.RankingServiceService,
        implementation: {
          rank: unary(RankSchema, async (req, deadline) => {
            if (req.userId === 'deadline')
              return {
                scores: [deadline ? deadline.getTime() - Date.now() : -1],
                modelVersion: 'v1',
                degraded: [],
              };
            if (req.userId === 'boom') throw new Error('secret stack detail');
            if (req.userId === 'busy') throw new AppError('unavailable', 'model loading');
            return { scores: req.itemIds.map((_, i) => i), modelVersion: 'v1', degraded: [] };
          }),
        },
      },
    ],
  });
  client = new ranking.RankingServiceClient(
    `127.0.0.1:${server.port}`,
    credentials.createInsecure(),
  );
});

afterAll(async () => {
  client.close();
  await server.shutdown(1000);
});

function rank(req: Partial<ranking.RankRequest>): Promise<ranking.RankResponse> {
  return new Promise((resolve, reject) =>
    client.rank(ranking.RankRequest.fromPartial(req), (err, res) =>
      err ? reject(err) : resolve(res),
    ),
  );
}

describe('unary edge', () => {
  it('serves a valid request', async () => {
    await expect(rank({ userId: 'u1', itemIds: ['a', 'b'] })).resolves.toMatchObject({
      scores: [0, 1],
    });
  });

  it('answers INVALID_ARGUMENT naming the field', async () => {
    const err = (await rank({ userId: 'u1', itemIds: [] }).catch(
      (e: unknown) => e,
    )) as ServiceError;
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toMatch(/^itemIds:/);
  });

  it('answers INVALID_ARGUMENT to bytes that are not the request message, and goes on serving', async () => {
    const raw = new Client(`127.0.0.1:${server.port}`, credentials.createInsecure());
    const bytes = (b: Buffer) => b;
    // A varint field whose value never ends: no RankRequest decodes from it.
    const garbage = Buffer.from([
      0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    ]);
    const err = await new Promise<ServiceError | null>((resolve) =>
      raw.makeUnaryRequest(
        '/recsys.ranking.v1.RankingService/Rank',
        bytes,
        bytes,
        garbage,
        resolve,
      ),
    );
    raw.close();
    expect(err?.code).toBe(status.INVALID_ARGUMENT);
    expect(err?.details).toMatch(/^request: not a valid protobuf message \(.+\)$/);
    await expect(rank({ userId: 'u1', itemIds: ['a'] })).resolves.toMatchObject({ scores: [0] });
  });

  it("passes the caller's deadline to the handler", async () => {
    const before = Date.now();
    const res = await new Promise<ranking.RankResponse>((resolve, reject) =>
      client.rank(
        ranking.RankRequest.fromPartial({ userId: 'deadline', itemIds: ['a'] }),
        new Metadata(),
        { deadline: before + 5_000 },
        (err, r) => (err ? reject(err) : resolve(r)),
      ),
    );
    // The handler sees the time left before the caller's deadline.
    expect(res.scores[0]).toBeGreaterThan(3_000);
    expect(res.scores[0]).toBeLessThanOrEqual(5_000);
    await expect(rank({ userId: 'deadline', itemIds: ['a'] })).resolves.toMatchObject({
      scores: [-1],
    });
  });

  it('maps domain errors and hides internal ones', async () => {
    const busy = (await rank({ userId: 'busy', itemIds: ['a'] }).catch(
      (e: unknown) => e,
    )) as ServiceError;
    expect(busy.code).toBe(status.UNAVAILABLE);
    expect(busy.metadata.get('x-retryable')).toEqual(['true']);
    const boom = (await rank({ userId: 'boom', itemIds: ['a'] }).catch(
      (e: unknown) => e,
    )) as ServiceError;
    expect(boom.code).toBe(status.INTERNAL);
    expect(boom.details).toBe('internal error');
  });
});
