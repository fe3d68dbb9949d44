import { Metadata, type handleUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { AppError, publicMessage, toAppError } from '@recsys/errors';
import type { z } from 'zod';

/**
 * A request whose bytes did not decode as the method's message. startGrpcServer's decoders
 * hand one over instead of throwing (grpc-js would answer INTERNAL), so that unary() can
 * answer INVALID_ARGUMENT: such bytes are the caller's mistake.
 */
export class UndecodableRequest {
  constructor(readonly reason: string) {}
}

/**
 * The gRPC edge of a service: validates the decoded request with zod, runs
 * the domain function, and maps every failure to a gRPC status. Validation
 * failures name the field and become INVALID_ARGUMENT; unknown errors become
 * INTERNAL without leaking their message.
 */
export function unary<Req, Res, S extends z.ZodType>(
  schema: S,
  handler: (request: z.infer<S>, deadline: Date | undefined) => Promise<Res>,
  onError: (err: AppError) => void = () => {},
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const request: unknown = call.request;
    if (request instanceof UndecodableRequest) {
      const reason = `request: not a valid protobuf message (${request.reason})`;
      callback(toServiceError(new AppError('invalid_argument', reason)));
      return;
    }
    const parsed = schema.safeParse(request);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || 'request';
      callback(toServiceError(new AppError('invalid_argument', `${field}: ${issue?.message}`)));
      return;
    }
    handler(parsed.data, deadlineOf(call.getDeadline())).then(
      (response) => callback(null, response),
      (err: unknown) => {
        const appError = toAppError(err);
        onError(appError);
        callback(toServiceError(appError));
      },
    );
  };
}

/** grpc-js gives the caller's deadline as a Date or as epoch ms (Infinity when none). */
function deadlineOf(deadline: Date | number): Date | undefined {
  if (deadline instanceof Date) return deadline;
  return Number.isFinite(deadline) ? new Date(deadline) : undefined;
}

export function toServiceError(err: AppError): Partial<ServiceError> {
  const metadata = new Metadata();
  metadata.set('x-error-code', err.code);
  metadata.set('x-retryable', String(err.retryable));
  return { code: err.grpcStatus, details: publicMessage(err), metadata };
}
