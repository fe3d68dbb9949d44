import type { candidates } from '@recsys/contracts';
import {
  parseGenerateRequest,
  toGenerateResponse,
  toRetrievalRequest,
} from './generate-request.js';
import type { Retriever } from './retriever.js';

/**
 * The candidates stage called in process (the gateway's all-in-one mode): the same shape as
 * the gateway's CandidatesClient, the same validation as the gRPC service, and the caller's
 * deadline as an abort signal, so in-process and fleet modes answer alike.
 */
export class InProcessCandidatesClient {
  constructor(private readonly retriever: Retriever) {}

  async generate(
    request: candidates.GenerateRequest,
    options: { deadlineMs: number; requestId?: string },
  ): Promise<candidates.GenerateResponse> {
    const input = parseGenerateRequest(request);
    const signal = AbortSignal.timeout(options.deadlineMs);
    const response = await this.retriever.generate(toRetrievalRequest(input), signal);
    return toGenerateResponse(response);
  }
}
