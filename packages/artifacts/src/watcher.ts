import { Live } from './live.js';
import { resolveVersion, type ResolvedVersion } from './versions.js';

/** What the watcher did, for logs and metrics. */
export type WatchEvent =
  | { kind: 'loaded'; version: string; dir: string; ms: number }
  | { kind: 'load_failed'; dir: string; message: string }
  | { kind: 'close_failed'; version: string; message: string };

export interface VersionWatcherOptions<T> {
  /** The artifacts root (see resolveVersion). */
  root: string;
  /** Builds everything a version serves with (tables, index, models); throws if unusable. */
  load: (version: ResolvedVersion) => Promise<{ version: string; value: T }>;
  close: (value: T) => Promise<void> | void;
  /** How often to look for a new version; 0 never looks (one load at start). */
  pollMs?: number;
  drainTimeoutMs?: number;
  onEvent?: (event: WatchEvent) => void;
}

/**
 * Serves the newest version under an artifacts root and moves to the next one when it appears:
 * the new version is loaded in full beside the old, then published in one step (Live), so a
 * request never waits on a load nor fails over one. A version that fails to load is reported
 * and skipped until it changes on disk; the old one keeps serving.
 */
export class VersionWatcher<T> {
  readonly live: Live<T>;
  private current: string | undefined;
  private failed: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<boolean> | undefined;

  private constructor(private readonly options: VersionWatcherOptions<T>) {
    this.live = new Live<T>({
      close: options.close,
      ...(options.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: options.drainTimeoutMs }),
      onCloseError: (err, version) =>
        options.onEvent?.({ kind: 'close_failed', version, message: messageOf(err) }),
    });
  }

  /** Loads the version the root names now; rejects if there is none or it is unusable. */
  static async start<T>(options: VersionWatcherOptions<T>): Promise<VersionWatcher<T>> {
    const watcher = new VersionWatcher(options);
    const resolved = await resolveVersion(options.root);
    await watcher.loadVersion(resolved, true);
    if ((options.pollMs ?? 0) > 0) watcher.schedule();
    return watcher;
  }

  /** Looks for a new version now; resolves true when one was loaded and published. */
  check(): Promise<boolean> {
    this.checking ??= this.checkOnce().finally(() => (this.checking = undefined));
    return this.checking;
  }

  /** Stops watching and closes every version once its requests finish. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.checking?.catch(() => false);
    await this.live.close();
  }

  private async checkOnce(): Promise<boolean> {
    let resolved: ResolvedVersion;
    try {
      resolved = await resolveVersion(this.options.root);
    } catch {
      return false; // A root mid-rewrite: keep serving and look again next time.
    }
    if (resolved.key === this.current || resolved.key === this.failed) return false;
    return this.loadVersion(resolved, false);
  }

  private async loadVersion(resolved: ResolvedVersion, first: boolean): Promise<boolean> {
    const started = performance.now();
    try {
      const { version, value } = await this.options.load(resolved);
      this.current = resolved.key;
      this.failed = undefined;
      this.live.publish(version, value);
      const ms = performance.now() - started;
      this.options.onEvent?.({ kind: 'loaded', version, dir: resolved.dir, ms });
      return true;
    } catch (err) {
      if (first) throw err;
      this.failed = resolved.key;
      const message = messageOf(err);
      this.options.onEvent?.({ kind: 'load_failed', dir: resolved.dir, message });
      return false;
    }
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      void this.check().finally(() => {
        if (this.timer !== undefined) this.schedule();
      });
    }, this.options.pollMs);
    this.timer.unref();
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
