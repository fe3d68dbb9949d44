import { AppError } from '@recsys/errors';

/**
 * Runs `work` with its own abort signal that fires after `ms` or when `parent` aborts, and
 * rejects with `deadline_exceeded` at that moment even if the work ignores the signal (its
 * late result is dropped). The timer never outlives the call.
 */
export async function withDeadline<T>(
  what: string,
  ms: number,
  parent: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onParent: (() => void) | undefined;
  const late = new Promise<never>((_, reject) => {
    const fire = (why: string) => {
      controller.abort();
      reject(new AppError('deadline_exceeded', `${what} ${why}`));
    };
    timer = setTimeout(() => fire(`took longer than ${ms} ms`), ms);
    if (parent !== undefined) {
      onParent = () => fire('was cancelled');
      if (parent.aborted) onParent();
      else parent.addEventListener('abort', onParent, { once: true });
    }
  });
  try {
    return await Promise.race([work(controller.signal), late]);
  } finally {
    clearTimeout(timer);
    if (onParent !== undefined) parent?.removeEventListener('abort', onParent);
  }
}
