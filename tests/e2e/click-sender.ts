// A well-behaved ingestion client: posts a small batch of events every `everyMs`, and on a 503
// waits for Retry-After and sends the same batch again (same event ids), as the API asks.

const TYPES = ['click', 'impression', 'watch', 'like', 'skip'] as const;

interface Batch {
  events: { event_id: string; user_id: string }[];
}

export interface Refusal {
  at: number;
  ms: number;
  retryAfter: string | null;
  code: string | undefined;
}

export class ClickSender {
  readonly refusals: Refusal[] = [];
  /** Answers other than 202 and 503 (or no answer at all): each one is a failure. */
  readonly unexpected: string[] = [];
  private readonly accepted: { at: number; batch: Batch }[] = [];
  private pending: Batch | undefined;
  private next = 0;
  private stopped = false;

  constructor(
    private readonly base: string,
    private readonly apiKey: string,
    private readonly users: readonly string[],
    private readonly everyMs = 100,
    private readonly perBatch = 5,
  ) {}

  get acceptedBatches(): number {
    return this.accepted.length;
  }

  get acceptedEvents(): number {
    return this.accepted.reduce((sum, a) => sum + a.batch.events.length, 0);
  }

  get pendingEvents(): number {
    return this.pending?.events.length ?? 0;
  }

  acceptedSince(at: number): number {
    return this.accepted.filter((a) => a.at >= at).length;
  }

  refusedSince(at: number): number {
    return this.refusals.filter((r) => r.at >= at).length;
  }

  acceptedPerUser(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const { batch } of this.accepted) {
      for (const e of batch.events) counts.set(e.user_id, (counts.get(e.user_id) ?? 0) + 1);
    }
    return counts;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Sends until stop(), then retries a refused batch for up to a minute more (pendingEvents). */
  async run(): Promise<void> {
    let deadline = Infinity;
    while (!this.stopped || (this.pending && Date.now() < deadline)) {
      if (this.stopped) deadline = Math.min(deadline, Date.now() + 60_000);
      const batch = this.pending ?? this.newBatch();
      const started = Date.now();
      let wait = this.everyMs;
      try {
        const response = await fetch(`${this.base}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': this.apiKey },
          body: JSON.stringify(batch),
          signal: AbortSignal.timeout(30_000),
        });
        const body = (await response.json()) as { accepted?: number; error?: { code?: string } };
        if (response.status === 202 && body.accepted === batch.events.length) {
          this.accepted.push({ at: Date.now(), batch });
          this.pending = undefined;
        } else if (response.status === 503) {
          const retryAfter = response.headers.get('retry-after');
          this.refusals.push({
            at: started,
            ms: Date.now() - started,
            retryAfter,
            code: body.error?.code,
          });
          this.pending = batch;
          wait = Number(retryAfter ?? 1) * 1000;
        } else {
          this.unexpected.push(`${response.status}: ${JSON.stringify(body)}`);
          this.pending = batch;
        }
      } catch (err) {
        this.unexpected.push(`no answer after ${Date.now() - started} ms: ${String(err)}`);
        this.pending = batch;
      }
      if (!this.stopped || this.pending) await new Promise((r) => setTimeout(r, wait));
    }
  }

  private newBatch(): Batch {
    const now = Date.now();
    const events = Array.from({ length: this.perBatch }, () => {
      const n = this.next++;
      return {
        event_id: `${this.users[0]}-ev-${n}`,
        user_id: this.users[n % this.users.length]!,
        item_id: `item-${n % 37}`,
        type: TYPES[n % TYPES.length]!,
        timestamp: now,
        surface: 'home',
        position: n % 20,
        watch_seconds: TYPES[n % TYPES.length] === 'watch' ? 30 : 0,
        device: 'e2e',
      };
    });
    return { events };
  }
}
