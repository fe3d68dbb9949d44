/**
 * Takes turns on the event loop for short synchronous sections of request work (a ranker's
 * feature matrix, a candidate merge): one section per loop iteration. Requests whose I/O lands
 * in the same poll phase (a burst of Redis replies, gRPC frames read together) otherwise run
 * their sections back to back, and ten 3 ms sections hold the loop for 30 ms; taking turns lets
 * timers and other I/O run between them, so the loop is held for about one section at a time.
 * The total work is the same; a section waits at most for the ones queued before it.
 */
export class LoopTurns {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  /** Resolves on the caller's turn: run the section right after it, awaiting nothing inside. */
  take(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  /** Sections waiting for a turn. */
  get queued(): number {
    return this.waiting.length;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // An immediate queued while immediates run waits for the next loop iteration, whose timers
    // and poll phase come first: that is the turn boundary.
    setImmediate(() => {
      this.scheduled = false;
      const next = this.waiting.shift();
      if (this.waiting.length > 0) this.schedule();
      next?.();
    });
  }
}
