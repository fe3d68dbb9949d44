import { describe, expect, it } from 'vitest';
import { LoopTurns } from './loop-turns.js';

describe('LoopTurns', () => {
  it('runs sections in order, one per event-loop iteration, with timers between them', async () => {
    const turns = new LoopTurns();
    const log: string[] = [];
    // A timer due now: it must run before the second section, not after all three.
    setTimeout(() => log.push('timer'), 0);
    await Promise.all(
      ['a', 'b', 'c'].map(async (name) => {
        await turns.take();
        log.push(name);
        const until = performance.now() + 3;
        while (performance.now() < until); // a short synchronous section
      }),
    );
    expect(log.filter((e) => e !== 'timer')).toEqual(['a', 'b', 'c']);
    expect(log.indexOf('timer')).toBeLessThan(2);
    expect(turns.queued).toBe(0);
  });
});
