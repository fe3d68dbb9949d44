import {
  Client,
  credentials,
  Metadata,
  type ClientOptions,
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

/** A unary method as the generated service definitions describe it. */
interface UnaryMethod<Req, Res> {
  path: string;
  requestSerialize: (value: Req) => Buffer;
  responseDeserialize: (value: Buffer) => Res;
}

const raw = (bytes: Buffer): Buffer => bytes;

/**
 * Calls one unary method with a deadline and maps its gRPC status to an AppError.
 * grpc-js sees only bytes: the request is encoded before the call, and the response is
 * decoded after the call's promise has settled. Decoded inside grpc-js (or in its callback),
 * every candidate list under load, a thousand objects, survived two scavenges and was promoted
 * to the old generation (though a heap snapshot finds none of them reachable), and the
 * gateway's scavenges were its longest event-loop blocks. Decoded here, with pretenuring off
 * (main.ts), a tenth as much is promoted (benchmarks/results/e2e-ml-latest-small-grpc-bytes.md).
 */
async function callUnary<Req, Res>(
  client: Client,
  service: string,
  method: UnaryMethod<Req, Res>,
  request: Req,
  options: CallOptions,
): Promise<Res> {
  const metadata = new Metadata();
  if (options.requestId) metadata.set('x-request-id', options.requestId);
  const callOptions = { deadline: Date.now() + options.deadlineMs };
  const encoded = method.requestSerialize(request);
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    client.makeUnaryRequest(
      method.path,
      raw,
      raw,
      encoded,
      metadata,
      callOptions,
      (err: ServiceError | null, res?: Buffer) => {
        if (err) reject(fromServiceError(service, err));
        else if (res === undefined) reject(new AppError('internal', `${service}: empty response`));
        else resolve(res);
      },
    );
  });
  try {
    return method.responseDeserialize(bytes);
  } catch (cause) {
    throw undecodable(service, cause);
  }
}

function undecodable(service: string, cause: unknown): AppError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new AppError('internal', `${service}: undecodable response: ${why}`);
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
  private readonly client: Client;

  constructor(address: string) {
    this.client = new Client(address, credentials.createInsecure(), CHANNEL_OPTIONS);
  }

  async generate(
    request: candidates.GenerateRequest,
    options: CallOptions,
  ): Promise<candidates.GenerateResponse> {
    const res = await callUnary(
      this.client,
      'candidates',
      candidates.CandidateServiceService.generate,
      request,
      options,
    );
    const list = checkedCandidates(res);
    return { ...checked('candidates', GenerateHeaderShape, res), candidates: list };
  }

  close(): void {
    this.client.close();
  }
}

export class GrpcRankingClient implements RankingClient {
  private readonly client: Client;

  constructor(address: string) {
    this.client = new Client(address, credentials.createInsecure(), CHANNEL_OPTIONS);
  }

  async rank(request: ranking.RankRequest, options: CallOptions): Promise<ranking.RankResponse> {
    const res = await callUnary(
      this.client,
      'ranking',
      ranking.RankingServiceService.rank,
      request,
      options,
    );
    const scores = checkedScores(res);
    return { ...checked('ranking', RankHeaderShape, res), scores };
  }

  close(): void {
    this.client.close();
  }
}
