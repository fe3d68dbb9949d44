import type { Log } from './log.js';

export interface ShutdownOptions {
  log: Log;
  /** Drains and closes everything the service opened; the reason says why it stops. */
  stop: (reason: string) => Promise<void>;
  /** Past this the process exits with 1 even if stop has not finished; none when absent. */
  timeoutMs?: number;
}

/**
 * How a service ends: the returned shutdown(reason, code) runs `stop` once (later calls get the
 * same promise), then exits with `code`, or with 1 when stop fails or outlasts `timeoutMs`.
 * SIGTERM and SIGINT call it with code 0.
 */
export function handleShutdown(
  options: ShutdownOptions,
): (reason: string, code: number) => Promise<void> {
  const { log, timeoutMs } = options;
  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string, code: number): Promise<void> => {
    if (stopping) return stopping;
    if (timeoutMs !== undefined) {
      setTimeout(() => {
        log.error('drain timed out; exiting', { timeoutMs });
        process.exit(1);
      }, timeoutMs).unref();
    }
    stopping = options.stop(reason).then(
      () => process.exit(code),
      (err: unknown) => {
        log.error('stop failed', { err });
        process.exit(1);
      },
    );
    return stopping;
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  return shutdown;
}
