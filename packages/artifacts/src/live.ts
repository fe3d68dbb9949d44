import { AppError } from '@recsys/errors';

/** A loaded version held by one request until it calls release(). */
export interface Lease<T> {
  readonly value: T;
  readonly version: string;
  release(): void;
}

export interface LiveOptions<T> {
  /** Frees a retired version (closes an index, a model pool); errors are reported, not thrown. */
  close: (value: T) => Promise<void> | void;
  /** A retired version is closed once its last lease ends, or after this long at most. */
  drainTimeoutMs?: number;
  onCloseError?: (err: unknown, version: string) => void;
}

interface Slot<T> {
  value: T;
  version: string;
  leases: number;
  retired: boolean;
  closing: boolean;
  /** Settles once the version is closed. */
  closed: Promise<void>;
  finish: () => void;
  timer?: NodeJS.Timeout;
}

function newSlot<T>(version: string, value: T): Slot<T> {
  let finish = () => {};
  const closed = new Promise<void>((resolve) => (finish = resolve));
  return { value, version, leases: 0, retired: false, closing: false, closed, finish };
}

/**
 * The version a process serves, swappable while it serves (read-copy-update with reference
 * counts). A request leases the current version and keeps it for its whole life, so it never
 * mixes two versions nor sees one closed under it; publish() switches new requests over in one
 * synchronous step, and the old version closes when its last lease ends.
 */
export class Live<T> {
  private slot: Slot<T> | undefined;
  private readonly retiring = new Set<Slot<T>>();
  private stopped = false;

  constructor(private readonly options: LiveOptions<T>) {}

  get ready(): boolean {
    return this.slot !== undefined && !this.stopped;
  }

  get version(): string | undefined {
    return this.slot?.version;
  }

  /** The current value without a lease: for lookups that finish synchronously. */
  peek(): T | undefined {
    return this.slot?.value;
  }

  acquire(): Lease<T> {
    const slot = this.slot;
    if (slot === undefined || this.stopped) {
      throw new AppError('unavailable', 'no artifacts version is loaded yet');
    }
    slot.leases++;
    let released = false;
    return {
      value: slot.value,
      version: slot.version,
      release: () => {
        if (released) return;
        released = true;
        slot.leases--;
        if (slot.retired && slot.leases === 0) void this.closeSlot(slot);
      },
    };
  }

  /** Runs `fn` on the current version, holding it until `fn` settles. */
  async use<R>(fn: (value: T, version: string) => Promise<R> | R): Promise<R> {
    const lease = this.acquire();
    try {
      return await fn(lease.value, lease.version);
    } finally {
      lease.release();
    }
  }

  /** Makes `value` current; the previous version closes once drained. */
  publish(version: string, value: T): void {
    if (this.stopped) {
      const orphan = newSlot(version, value);
      orphan.retired = true;
      void this.closeSlot(orphan);
      return;
    }
    const previous = this.slot;
    this.slot = newSlot(version, value);
    if (previous !== undefined) this.retire(previous);
  }

  /** Stops handing out leases and closes every version once drained. */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.slot !== undefined) this.retire(this.slot);
    this.slot = undefined;
    await Promise.all([...this.retiring].map((s) => s.closed));
  }

  private retire(slot: Slot<T>): void {
    slot.retired = true;
    this.retiring.add(slot);
    if (slot.leases === 0) {
      void this.closeSlot(slot);
      return;
    }
    const timeout = this.options.drainTimeoutMs ?? 30_000;
    slot.timer = setTimeout(() => void this.closeSlot(slot), timeout);
    slot.timer.unref();
  }

  private async closeSlot(slot: Slot<T>): Promise<void> {
    if (slot.closing) return slot.closed;
    slot.closing = true;
    clearTimeout(slot.timer);
    try {
      await this.options.close(slot.value);
    } catch (err) {
      this.options.onCloseError?.(err, slot.version);
    } finally {
      this.retiring.delete(slot);
      slot.finish();
    }
  }
}
