import { candidates } from '@recsys/contracts';
import { toAppError } from '@recsys/errors';
import { unary, type GrpcService } from '@recsys/grpc';
import {
  GenerateRequestSchema,
  toGenerateResponse,
  toRetrievalRequest,
  type Retriever,
} from '@recsys/retrieval';
import type { CandidatesMetrics } from './metrics.js';

type Schema = typeof GenerateRequestSchema;

/**
 * The gRPC edge: validate (INVALID_ARGUMENT naming the field), turn the caller's deadline into
 * an abort signal, run the retriever, encode. Errors map to gRPC status in @recsys/grpc.
 */
export function candidateService(retriever: Retriever, metrics: CandidatesMetrics): GrpcService {
  const route = 'Generate';
  const generate = unary<candidates.GenerateRequest, candidates.GenerateResponse, Schema>(
    GenerateRequestSchema,
    async (request, deadline) => {
      const started = performance.now();
      let status = 'ok';
      try {
        const left = deadline === undefined ? undefined : deadline.getTime() - Date.now();
        const signal = left === undefined ? undefined : AbortSignal.timeout(Math.max(1, left));
        const response = await retriever.generate(toRetrievalRequest(request), signal);
        for (const reason of response.degraded) metrics.degraded.inc({ reason });
        return toGenerateResponse(response);
      } catch (err) {
        status = toAppError(err).code;
        throw err;
      } finally {
        metrics.requestSeconds.observe({ route, status }, (performance.now() - started) / 1000);
      }
    },
  );
  return { definition: candidates.CandidateServiceService, implementation: { generate } };
}
