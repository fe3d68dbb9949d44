/**
 * Cooperative time slicing for long loops on the event loop (loading or indexing a version
 * while the service answers requests): the loop calls `due()` often, cheaply, and awaits
 * `yield()` when it says true, so no stretch of work holds the loop past the budget. A fixed
 * count per chunk cannot do this: the same count costs ten times more on a loaded machine or
 * with longer records.
 */
export class TimeSlice {
  private started = performance.now();
  private calls = 0;

  /** @param budgetMs work between two yields; @param every calls between two clock reads */
  constructor(
    private readonly budgetMs = 5,
    private readonly every = 64,
  ) {}

  /** True when the slice's budget is spent (reads the clock every `every` calls). */
  due(): boolean {
    if (++this.calls < this.every) return false;
    this.calls = 0;
    return performance.now() - this.started >= this.budgetMs;
  }

  /** Lets timers, I/O and requests run, then starts a new slice. */
  async yield(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.started = performance.now();
    this.calls = 0;
  }

  /** `yield()` when `due()`: the one call a loop body needs. */
  async tick(): Promise<void> {
    if (this.due()) await this.yield();
  }

  /**
   * Runs a stepped computation (a generator that pauses with `yield`, e.g. sortInSteps) to its
   * end, yielding to the event loop whenever the slice is spent. With a `signal`, it stops
   * (throws the abort reason) before the first step or after a yield once the signal aborts.
   */
  async run<T>(steps: Generator<void, T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    let step = steps.next();
    for (; step.done !== true; step = steps.next()) {
      if (!this.due()) continue;
      await this.yield();
      signal?.throwIfAborted();
    }
    return step.value;
  }
}
