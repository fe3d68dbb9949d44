import {
  credentials,
  Metadata,
  type CallOptions as GrpcCallOptions,
  type ClientOptions,
  type ClientUnaryCall,
  type ServiceError,
} from '@grpc/grpc-js';
import { candidates, Id, ranking } from '@recsys/contracts';
import { AppError, codeFromGrpc } from '@recsys/errors';
import { z } from 'zod';
import type { CallOptions, CandidatesClient, RankingClient } from './clients.js';

// Round robin over every address the (headless) Service name resolves to:
// grpc-js otherwise pins one pod and extra replicas take no load.
const CHANNEL_OPTIONS: Partial<ClientOptions> = {
  'grpc.max_receive_message_length': 16 * 1024 * 1024,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
};

// Responses cross a process boundary: checked before the pipeline trusts them.
const GenerateResponseShape = z.object({
  candidates: z.array(
    z.object({
      itemId: Id,
      score: z.number(),
      sources: z.array(z.string().max(64)),
      viaItemId: z.string().max(128),
      interactions: z.number().int().nonnegative(),
    }),
  ),
  sourceCounts: z.record(z.string(), z.number().int().nonnegative()),
  modelVersion: z.string(),
  degraded: z.array(z.string().max(64)),
});

const RankResponseShape = z.object({
  scores: z.array(z.number()),
  modelVersion: z.string(),
  degraded: z.array(z.string().max(64)),
});

type Callback<Res> = (err: ServiceError | null, res?: Res) => void;

/** Calls one unary method with a deadline and maps its gRPC status to an AppError. */
function callUnary<Res>(
  service: string,
  options: CallOptions,
  invoke: (
    metadata: Metadata,
    callOptions: GrpcCallOptions,
    callback: Callback<Res>,
  ) => ClientUnaryCall,
): Promise<Res> {
  const metadata = new Metadata();
  if (options.requestId) metadata.set('x-request-id', options.requestId);
  return new Promise<Res>((resolve, reject) => {
    invoke(metadata, { deadline: Date.now() + options.deadlineMs }, (err, res) => {
      if (err) reject(fromServiceError(service, err));
      else if (res === undefined) reject(new AppError('internal', `${service}: empty response`));
      else resolve(res);
    });
  });
}

function fromServiceError(service: string, err: ServiceError): AppError {
  const code = codeFromGrpc(err.code);
  const retryable = err.metadata?.get('x-retryable')[0];
  return new AppError(
    code,
    `${service}: ${err.details || code}`,
    retryable === undefined ? undefined : retryable === 'true',
    { cause: err },
  );
}

function checked<S extends z.ZodType>(service: string, shape: S, res: unknown): z.infer<S> {
  const parsed = shape.safeParse(res);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new AppError(
    'internal',
    `${service}: malformed response at ${issue?.path.join('.')}: ${issue?.message}`,
  );
}

export class GrpcCandidatesClient implements CandidatesClient {
  private readonly client: candidates.CandidateServiceClient;

  constructor(address: string) {
    this.client = new candidates.CandidateServiceClient(
      address,
      credentials.createInsecure(),
      CHANNEL_OPTIONS,
    );
  }

  async generate(
    request: candidates.GenerateRequest,
    options: CallOptions,
  ): Promise<candidates.GenerateResponse> {
    const res = await callUnary<candidates.GenerateResponse>('candidates', options, (md, o, cb) =>
      this.client.generate(request, md, o, cb),
    );
    return checked('candidates', GenerateResponseShape, res);
  }

  close(): void {
    this.client.close();
  }
}

export class GrpcRankingClient implements RankingClient {
  private readonly client: ranking.RankingServiceClient;

  constructor(address: string) {
    this.client = new ranking.RankingServiceClient(
      address,
      credentials.createInsecure(),
      CHANNEL_OPTIONS,
    );
  }

  async rank(request: ranking.RankRequest, options: CallOptions): Promise<ranking.RankResponse> {
    const res = await callUnary<ranking.RankResponse>('ranking', options, (md, o, cb) =>
      this.client.rank(request, md, o, cb),
    );
    return checked('ranking', RankResponseShape, res);
  }

  close(): void {
    this.client.close();
  }
}
