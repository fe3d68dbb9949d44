import { events } from '@recsys/contracts';

/** Applies catalog changes to one served state (a retrieval state, the ranker's tables). */
export type ApplyUpdates<S> = (state: S, updates: readonly events.ItemUpdate[]) => Promise<void>;

export interface LiveCatalogStats {
  /** Items with a live change (latest per item). */
  items: number;
  /** Updates received, and those dropped as older than what was already held. */
  received: number;
  stale: number;
}

interface Entry {
  update: events.ItemUpdate;
  seq: number;
}

/**
 * The catalog changes a replica has seen since it started, the latest per item, and how far
 * each served state has taken them. A version being loaded takes all of them before it is
 * published; the live one takes each new batch. An upsert is applied only to the version whose
 * content encoder embedded it (the stream processor re-embeds for a new version); retirements
 * apply to every version. Calls on one state are serialised, so a batch never interleaves with
 * another on the same tables.
 */
export class LiveCatalog<S extends object> {
  private readonly latest = new Map<string, Entry>();
  private readonly applied = new WeakMap<S, number>();
  private seq = 0;
  private received = 0;
  private stale = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly apply: ApplyUpdates<S>,
    private readonly versionOf: (state: S) => string,
  ) {}

  /** Keeps the newer of each item's updates (by catalog time; a tie goes to the later arrival). */
  record(updates: readonly events.ItemUpdate[]): void {
    for (const update of updates) {
      this.received++;
      const held = this.latest.get(update.itemId);
      if (held !== undefined && held.update.timestamp > update.timestamp) {
        this.stale++;
        continue;
      }
      this.latest.set(update.itemId, { update, seq: ++this.seq });
    }
  }

  /** Applies to `state` what it has not taken yet; resolves with the number applied. */
  sync(state: S): Promise<number> {
    const run = this.chain.then(() => this.syncNow(state));
    this.chain = run.catch(() => undefined);
    return run;
  }

  stats(): LiveCatalogStats {
    return { items: this.latest.size, received: this.received, stale: this.stale };
  }

  private async syncNow(state: S): Promise<number> {
    const from = this.applied.get(state) ?? 0;
    const upTo = this.seq;
    const version = this.versionOf(state);
    const due = [...this.latest.values()]
      .filter((e) => e.seq > from && usable(e.update, version))
      .sort((a, b) => a.seq - b.seq)
      .map((e) => e.update);
    if (due.length > 0) await this.apply(state, due);
    this.applied.set(state, Math.max(upTo, this.applied.get(state) ?? 0));
    return due.length;
  }
}

function usable(update: events.ItemUpdate, version: string): boolean {
  return update.op === events.CatalogOp.CATALOG_OP_RETIRE || update.modelVersion === version;
}
