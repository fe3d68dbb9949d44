import type { PopularItem, PopularQuery, PopularityStore } from '@recsys/feature-store';

/** A scope of the live counters: a category, a region, or (neither) everyone. */
export type LiveScope = Pick<PopularQuery, 'category' | 'region'>;

/** Why some live lists are missing from a read: the store failed, or was too slow to wait for. */
export type LiveFailure = 'unavailable' | 'timeout';

export interface LivePopularityOptions {
  /** The counters the stream processor keeps (Redis in the fleet, memory all-in-one). */
  store: PopularityStore;
  /** Items read per scope. */
  topK?: number;
  /** A cached list older than this is refreshed (in the background while it is still served). */
  refreshMs?: number;
  /** A list older than this is not served: the store has been failing for that long. */
  maxStaleMs?: number;
  /** How long a request waits for a scope nothing is cached for yet. */
  waitMs?: number;
  /** Scopes cached at most; the oldest-created is dropped past it. */
  maxScopes?: number;
  now?: () => number;
}

export interface LiveRead {
  /** By scope key (`g`, `c:<category>`, `r:<region>`); absent when not available. */
  lists: Map<string, readonly PopularItem[]>;
  failure?: LiveFailure;
}

interface Entry {
  items?: readonly PopularItem[];
  /** When `items` was read. */
  readAt: number;
  /** When the last read failed; retried only a refresh interval later. */
  failedAt?: number;
  loading?: Promise<void>;
}

/**
 * The stream processor's decayed popularity counters as the candidates service reads them: one
 * short-lived list per scope, cached in process and refreshed at most once per `refreshMs`
 * whatever the request rate, so a request costs no store round trip once its scopes are warm
 * (stale-while-revalidate). A store that fails or is slow costs the lists it could not give,
 * never the request: the caller falls back to the trained table and says so.
 */
export class LivePopularity {
  private readonly cache = new Map<string, Entry>();
  private readonly topK: number;
  private readonly refreshMs: number;
  private readonly maxStaleMs: number;
  private readonly waitMs: number;
  private readonly maxScopes: number;
  private readonly now: () => number;

  constructor(private readonly options: LivePopularityOptions) {
    this.topK = options.topK ?? 500;
    this.refreshMs = options.refreshMs ?? 1_000;
    this.maxStaleMs = options.maxStaleMs ?? 30_000;
    this.waitMs = options.waitMs ?? 20;
    this.maxScopes = options.maxScopes ?? 1_000;
    this.now = options.now ?? Date.now;
  }

  /** The lists of some scopes: cached ones at once, missing ones waited for up to `waitMs`. */
  async read(scopes: readonly LiveScope[]): Promise<LiveRead> {
    const lists = new Map<string, readonly PopularItem[]>();
    const waits: Promise<void>[] = [];
    let failure: LiveFailure | undefined;
    for (const scope of scopes) {
      const key = keyOf(scope);
      if (lists.has(key)) continue;
      const entry = this.entry(key);
      const now = this.now();
      const fresh = entry.items !== undefined && now - entry.readAt <= this.refreshMs;
      const failedLately = entry.failedAt !== undefined && now - entry.failedAt <= this.refreshMs;
      if (!fresh && !failedLately) this.refresh(key, scope, entry);
      if (entry.items !== undefined && now - entry.readAt <= this.maxStaleMs) {
        lists.set(key, entry.items);
      } else if (entry.loading !== undefined) {
        waits.push(
          entry.loading.then(() => {
            if (entry.items !== undefined && entry.failedAt === undefined) {
              lists.set(key, entry.items);
            } else failure ??= 'unavailable';
          }),
        );
      } else {
        failure ??= 'unavailable';
      }
    }
    if (waits.length > 0 && !(await settledWithin(Promise.all(waits), this.waitMs))) {
      failure ??= 'timeout';
    }
    // A copy: waits that settle after the deadline must not change what the caller holds.
    const read = new Map(lists);
    return failure === undefined ? { lists: read } : { lists: read, failure };
  }

  private entry(key: string): Entry {
    let entry = this.cache.get(key);
    if (entry === undefined) {
      entry = { readAt: -Infinity };
      this.cache.set(key, entry);
      if (this.cache.size > this.maxScopes) {
        const oldest = this.cache.keys().next();
        if (!oldest.done) this.cache.delete(oldest.value);
      }
    }
    return entry;
  }

  /** One read per scope in flight at most; its outcome lands in the entry. */
  private refresh(key: string, scope: LiveScope, entry: Entry): void {
    if (entry.loading !== undefined) return;
    entry.loading = this.options.store
      .getPopular({ ...scope, limit: this.topK })
      .then(
        (items) => {
          entry.items = items;
          entry.readAt = this.now();
          entry.failedAt = undefined;
        },
        () => {
          entry.failedAt = this.now();
        },
      )
      .finally(() => {
        entry.loading = undefined;
      });
  }
}

/** The store's scope names (feature-store popularity.ts scopeOf). */
export function keyOf(scope: LiveScope): string {
  if (scope.category !== undefined) return `c:${scope.category}`;
  if (scope.region !== undefined) return `r:${scope.region}`;
  return 'g';
}

/** True when `work` settled within `ms`; the timer never outlives the call. */
async function settledWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
