import { describe, expect, it } from 'vitest';
import type { FeedRequest, Scored } from './context.js';
import { EXPLORATION_SOURCE, withExploration } from './explore.js';

const item = (itemId: string, interactions: number, score = 0): Scored => ({
  itemId,
  score,
  sources: ['ann'],
  viaItemId: '',
  interactions,
});
const request = (n: number): FeedRequest => ({ userId: 'u', surface: 'home', n });
const settings = { share: 0.2, maxInteractions: 10 };

describe('withExploration', () => {
  const ranked = [
    ...Array.from({ length: 10 }, (_, i) => item(`w${i}`, 100, 1 - i / 100)),
    item('cold-best', 3, 0.4),
    item('new', 0, 0.3),
    item('cold-worst', 9, 0.1),
  ];
  const picked = ranked.slice(0, 10);

  it('gives floor(n * share) slots to the best-ranked little-known items, spread out', () => {
    const served = withExploration(picked, ranked, request(10), settings);
    expect(served).toHaveLength(10);
    expect(served.map((s) => s.itemId)).toEqual([
      'w0',
      'w1',
      'cold-best',
      'w2',
      'w3',
      'w4',
      'new',
      'w5',
      'w6',
      'w7',
    ]);
    expect(served[2]!.sources).toEqual(['ann', EXPLORATION_SOURCE]);
  });

  it('counts little-known items already served against the share', () => {
    const withCold = [...picked.slice(0, 9), ranked[10]!];
    const served = withExploration(withCold, ranked, request(10), settings);
    const little = served.filter((s) => s.interactions < 10).map((s) => s.itemId);
    expect(little.sort()).toEqual(['cold-best', 'new']);
    expect(served).toHaveLength(10);
  });

  it('changes nothing when off, when the slots round to 0, or with no little-known candidate', () => {
    expect(withExploration(picked, ranked, request(10), { ...settings, share: 0 })).toEqual(picked);
    expect(withExploration(picked.slice(0, 4), ranked, request(4), settings)).toEqual(
      picked.slice(0, 4),
    );
    expect(withExploration(picked, picked, request(10), settings)).toEqual(picked);
  });

  it('never serves more than n, nor an item twice', () => {
    const served = withExploration(picked.slice(0, 3), ranked, request(5), settings);
    expect(served.length).toBeLessThanOrEqual(5);
    expect(new Set(served.map((s) => s.itemId)).size).toBe(served.length);
  });
});
