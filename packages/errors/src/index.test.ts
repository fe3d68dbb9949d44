import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { AppError, codeFromGrpc, publicMessage, toAppError } from './index.js';

describe('AppError', () => {
  it('maps one code to both HTTP and gRPC status', () => {
    const err = new AppError('invalid_argument', 'user_id: required');
    expect(err.httpStatus).toBe(400);
    expect(err.grpcStatus).toBe(status.INVALID_ARGUMENT);
    expect(err.retryable).toBe(false);
    expect(new AppError('unavailable', 'broker down').retryable).toBe(true);
  });

  it('hides the cause of unknown errors from clients', () => {
    const err = toAppError(new Error('ECONNREFUSED 10.0.0.3:6379'));
    expect(err.code).toBe('internal');
    expect(publicMessage(err)).toBe('internal error');
    expect(err.cause).toBeInstanceOf(Error);
  });

  it('maps gRPC status back to codes', () => {
    expect(codeFromGrpc(status.UNAVAILABLE)).toBe('unavailable');
    expect(codeFromGrpc(status.DATA_LOSS)).toBe('internal');
  });
});
