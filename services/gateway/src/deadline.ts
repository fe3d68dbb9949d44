import { AppError } from '@recsys/errors';

/**
 * Rejects with `deadline_exceeded` when `work` has not settled within `ms`.
 * The gRPC clients also send the deadline on the wire; this bound holds for
 * any implementation, in-process ones included.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new AppError('deadline_exceeded', `${what} took longer than ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
