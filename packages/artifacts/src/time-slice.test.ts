import { describe, expect, it } from 'vitest';
import { TimeSlice } from './time-slice.js';

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // hold the loop
  }
}

describe('TimeSlice', () => {
  it('is due only once its budget is spent, reading the clock every `every` calls', () => {
    const slice = new TimeSlice(5, 4);
    expect([slice.due(), slice.due(), slice.due(), slice.due()]).toEqual([
      false,
      false,
      false,
      false,
    ]);
    busy(6);
    expect([slice.due(), slice.due(), slice.due()]).toEqual([false, false, false]);
    expect(slice.due()).toBe(true);
  });

  it('lets pending callbacks run when it yields, then starts a new slice', async () => {
    const slice = new TimeSlice(2, 1);
    let ran = false;
    setImmediate(() => (ran = true));
    busy(3);
    await slice.tick();
    expect(ran).toBe(true);
    expect(slice.due()).toBe(false);
  });

  it('runs a stepped computation to its value, yielding between slices, and stops on abort', async () => {
    function* count(n: number): Generator<void, number> {
      for (let i = 0; i < n; i++) yield;
      return n;
    }
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    expect(await new TimeSlice(0, 1).run(count(50))).toBe(50);
    clearInterval(ticker);
    expect(turns).toBeGreaterThan(0);
    const stop = new AbortController();
    const running = new TimeSlice(0, 1).run(count(1e6), stop.signal);
    stop.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    await expect(new TimeSlice().run(count(1), AbortSignal.abort())).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});
