import {
  credentials,
  Metadata,
  type CallOptions as GrpcCallOptions,
  type ClientOptions,
  type ClientUnaryCall,
  type ServiceError,
} from '@grpc/grpc-js';
import { candidates, ID_PATTERN, ranking } from '@recsys/contracts';
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

// Responses cross a process boundary: checked before the pipeline trusts them. The candidate
// list (a thousand entries) and the scores are checked in place by a loop: zod copied every
// candidate of every request, and the gateway's scavenges were its longest event-loop blocks.
const GenerateHeaderShape = z.object({
  sourceCounts: z.record(z.string(), z.number().int().nonnegative()),
  modelVersion: z.string(),
  degraded: z.array(z.string().max(64)),
});

const RankHeaderShape = z.object({
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

function malformed(service: string, path: string, message: string): AppError {
  return new AppError('internal', `${service}: malformed response at ${path}: ${message}`);
}

function checked<S extends z.ZodType>(service: string, shape: S, res: unknown): z.infer<S> {
  const parsed = shape.safeParse(res);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw malformed(service, issue?.path.join('.') ?? '', issue?.message ?? 'invalid');
}

/** The candidate list as the contract types it, or the first field that is not. */
function checkedCandidates(res: unknown): candidates.Candidate[] {
  const list = (res as { candidates?: unknown } | undefined)?.candidates;
  if (!Array.isArray(list)) throw malformed('candidates', 'candidates', 'expected an array');
  const bad = (i: number, field: string, why: string) =>
    malformed('candidates', `candidates.${i}.${field}`, why);
  for (let i = 0; i < list.length; i++) {
    const c = list[i] as Partial<Record<keyof candidates.Candidate, unknown>> | null;
    if (typeof c !== 'object' || c === null) {
      throw malformed('candidates', `candidates.${i}`, 'expected an object');
    }
    if (typeof c.itemId !== 'string' || !ID_PATTERN.test(c.itemId)) {
      throw bad(i, 'itemId', 'must be 1 to 128 characters of letters, digits and _.:-');
    }
    if (typeof c.score !== 'number' || !Number.isFinite(c.score)) {
      throw bad(i, 'score', 'expected a finite number');
    }
    const sources = c.sources;
    if (!Array.isArray(sources) || sources.some((s) => typeof s !== 'string' || s.length > 64)) {
      throw bad(i, 'sources', 'expected strings of at most 64 characters');
    }
    if (typeof c.viaItemId !== 'string' || c.viaItemId.length > 128) {
      throw bad(i, 'viaItemId', 'expected a string of at most 128 characters');
    }
    const n = c.interactions;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw bad(i, 'interactions', 'expected a non-negative integer');
    }
  }
  return list as candidates.Candidate[];
}

/** The scores, each a finite number. */
function checkedScores(res: unknown): number[] {
  const scores = (res as { scores?: unknown } | undefined)?.scores;
  if (!Array.isArray(scores)) throw malformed('ranking', 'scores', 'expected an array');
  for (let i = 0; i < scores.length; i++) {
    const score: unknown = scores[i];
    if (typeof score !== 'number' || !Number.isFinite(score)) {
      throw malformed('ranking', `scores.${i}`, 'expected a finite number');
    }
  }
  return scores as number[];
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
    const list = checkedCandidates(res);
    return { ...checked('candidates', GenerateHeaderShape, res), candidates: list };
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
    const scores = checkedScores(res);
    return { ...checked('ranking', RankHeaderShape, res), scores };
  }

  close(): void {
    this.client.close();
  }
}
