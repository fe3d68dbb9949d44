import { AppError } from '@recsys/errors';
import { expect } from 'vitest';

/** Awaits a rejection and checks its AppError code, message and (optionally) retryable flag. */
export async function expectRejection(
  promise: Promise<unknown>,
  code: string,
  message: RegExp,
  retryable?: boolean,
): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e as AppError,
  );
  expect(err, 'expected a rejection').toBeInstanceOf(AppError);
  expect(err!.code).toBe(code);
  expect(err!.message).toMatch(message);
  if (retryable !== undefined) expect(err!.retryable).toBe(retryable);
}
