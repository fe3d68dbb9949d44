import { AppError, type ErrorCode } from '@recsys/errors';

// FAISS prefixes every message with the throwing function's signature and source line;
// clients and logs need only the condition and its explanation.
const FAISS_PREFIX = /^Error in [\s\S]*? at \S+\.(?:cpp|h):\d+: /;
const FAISS_CONDITION = /^Error: ('[\s\S]*?' failed)(?:: ([\s\S]*))?$/;

export function shortFaissMessage(message: string): string {
  const body = message.replace(FAISS_PREFIX, '');
  const match = FAISS_CONDITION.exec(body);
  if (!match) return body;
  return match[2] ?? match[1] ?? body;
}

/**
 * Maps an error from the native addon to an AppError. `faissCode` is the code for errors FAISS
 * itself raised, which depend on the call: a bad factory string is the caller's fault, a failed
 * search is not.
 */
export function toAnnError(err: unknown, faissCode: ErrorCode = 'internal'): AppError {
  if (err instanceof AppError) return err;
  const native = err as { code?: unknown; message?: unknown } | null;
  const message = typeof native?.message === 'string' ? native.message : String(err);
  switch (native?.code) {
    case 'ERR_ANN_ARGUMENT':
      return new AppError('invalid_argument', `ann: ${message}`, false, { cause: err });
    case 'ERR_ANN_CLOSED':
      // A search that raced an artifact swap: the caller may retry on the new index.
      return new AppError('unavailable', `ann: ${message}`, true, { cause: err });
    case 'ERR_FAISS':
      return new AppError(faissCode, `ann: faiss: ${shortFaissMessage(message)}`, false, {
        cause: err,
      });
    default:
      return new AppError('internal', `ann: ${message}`, false, { cause: err });
  }
}

/** Awaits a native call, turning its rejection into an AppError. */
export async function native<T>(call: () => Promise<T>, faissCode?: ErrorCode): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toAnnError(err, faissCode);
  }
}
