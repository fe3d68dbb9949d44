import { describe, expect, it } from 'vitest';
import { runSteps, sortInSteps } from './sort-in-steps.js';

describe('sortInSteps', () => {
  it('orders positions as a stable comparator sort does, pausing as it goes', () => {
    for (const n of [0, 1, 31, 33, 1000, 5003]) {
      const keys = Array.from({ length: n }, (_, i) => (i * 7919) % 97);
      const compare = (a: number, b: number) => keys[a]! - keys[b]!;
      const want = Array.from({ length: n }, (_, i) => i).sort(compare);
      expect(Array.from(runSteps(sortInSteps(n, compare)))).toEqual(want);
    }
    let pauses = 0;
    const steps = sortInSteps(5000, (a, b) => b - a);
    for (let s = steps.next(); s.done !== true; s = steps.next()) pauses++;
    expect(pauses).toBeGreaterThan(10);
  });
});
