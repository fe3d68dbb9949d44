import { status as GrpcStatus } from '@grpc/grpc-js';

/**
 * The error codes the platform uses across processes. One map turns each into
 * an HTTP status at the REST edge and a gRPC status between services, so no
 * service ever puts an HTTP code inside gRPC or the reverse.
 */
export const ERROR_CODES = {
  invalid_argument: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  unauthenticated: { http: 401, grpc: GrpcStatus.UNAUTHENTICATED },
  not_found: { http: 404, grpc: GrpcStatus.NOT_FOUND },
  payload_too_large: { http: 413, grpc: GrpcStatus.RESOURCE_EXHAUSTED },
  unavailable: { http: 503, grpc: GrpcStatus.UNAVAILABLE },
  deadline_exceeded: { http: 504, grpc: GrpcStatus.DEADLINE_EXCEEDED },
  internal: { http: 500, grpc: GrpcStatus.INTERNAL },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryable = code === 'unavailable' || code === 'deadline_exceeded',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  get grpcStatus(): GrpcStatus {
    return ERROR_CODES[this.code].grpc;
  }
}

/** Turns anything thrown into an AppError; unknown errors become `internal`. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError('internal', 'internal error', false, { cause: err });
}

/** The message safe to show a client: internal errors never leak their cause. */
export function publicMessage(err: AppError): string {
  return err.code === 'internal' ? 'internal error' : err.message;
}

const FROM_GRPC = new Map<GrpcStatus, ErrorCode>(
  Object.entries(ERROR_CODES).map(([code, { grpc }]) => [grpc, code as ErrorCode]),
);

/** Maps a gRPC status received from another service back to a platform code. */
export function codeFromGrpc(status: GrpcStatus): ErrorCode {
  return FROM_GRPC.get(status) ?? 'internal';
}
