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
});
