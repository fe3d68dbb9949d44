import { describe, expect, it } from 'vitest';
import { mmr } from './mmr.js';

const v = (...xs: number[]) => Float32Array.from(xs);
const order = (picks: Int32Array) => Array.from(picks);

// A and B are the same direction; C is orthogonal. Scaled relevance: A 1, B 0.8, C 0.
const scores = [1.0, 0.9, 0.5];
const vectors = [v(1, 0), v(1, 0), v(0, 1)];

describe('mmr', () => {
  it('keeps the relevance order at lambda 1', () => {
    expect(order(mmr({ scores, vectors, lambda: 1, k: 3 }))).toEqual([0, 1, 2]);
  });

  it('drops a near-duplicate below a dissimilar item (hand-checked)', () => {
    // After A: B = 0.5*0.8 - 0.5*1 = -0.1, C = 0.5*0 - 0.5*0 = 0, so C wins.
    expect(order(mmr({ scores, vectors, lambda: 0.5, k: 3 }))).toEqual([0, 2, 1]);
  });

  it('switches exactly where lambda*0.8 - (1-lambda) crosses 0 (lambda = 5/9)', () => {
    expect(order(mmr({ scores, vectors, lambda: 0.55, k: 2 }))).toEqual([0, 2]);
    expect(order(mmr({ scores, vectors, lambda: 0.56, k: 2 }))).toEqual([0, 1]);
  });

  it('measures cosine, not dot product', () => {
    // B is A scaled by 10: still a duplicate.
    const scaled = [v(1, 0), v(10, 0), v(0, 3)];
    expect(order(mmr({ scores, vectors: scaled, lambda: 0.5, k: 3 }))).toEqual([0, 2, 1]);
  });

  it('prefers the opposite direction when lambda is 0', () => {
    const picks = mmr({
      scores: [1, 0.9, 0.8],
      vectors: [v(1, 0), v(0, 1), v(-1, 0)],
      lambda: 0,
      k: 2,
    });
    expect(order(picks)).toEqual([0, 2]);
  });

  it('treats a missing or zero embedding as similarity 0', () => {
    const picks = mmr({
      scores: [1.0, 0.9, 0.5],
      vectors: [v(1, 0), v(1, 0), undefined],
      lambda: 0.5,
      k: 3,
    });
    expect(order(picks)).toEqual([0, 2, 1]);
    const zero = mmr({ scores, vectors: [v(1, 0), v(1, 0), v(0, 0)], lambda: 0.5, k: 3 });
    expect(order(zero)).toEqual([0, 2, 1]);
  });

  it('returns relevance order when no item has an embedding', () => {
    const picks = mmr({
      scores: [0.2, 0.9, 0.5],
      vectors: [undefined, undefined, undefined],
      lambda: 0.3,
      k: 3,
    });
    expect(order(picks)).toEqual([1, 2, 0]);
  });

  it('caps k at the window and handles k 0', () => {
    expect(mmr({ scores, vectors, lambda: 0.7, k: 10 })).toHaveLength(3);
    expect(mmr({ scores, vectors, lambda: 0.7, k: 0 })).toHaveLength(0);
    expect(mmr({ scores: [], vectors: [], lambda: 0.7, k: 5 })).toHaveLength(0);
  });

  it('rejects bad input', () => {
    expect(() => mmr({ scores, vectors, lambda: 1.5, k: 1 })).toThrow(/lambda/);
    expect(() => mmr({ scores, vectors, lambda: Number.NaN, k: 1 })).toThrow(/lambda/);
    expect(() => mmr({ scores, vectors, lambda: 0.5, k: 1.5 })).toThrow(/k/);
    expect(() => mmr({ scores: [1, 2], vectors, lambda: 0.5, k: 1 })).toThrow(/length/);
    expect(() => mmr({ scores: [1, Number.NaN, 2], vectors, lambda: 0.5, k: 1 })).toThrow(/finite/);
    expect(() => mmr({ scores, vectors: [v(1, 0), v(1), v(0, 1)], lambda: 0.5, k: 1 })).toThrow(
      /dims/,
    );
  });

  it('matches the literal definition on random data', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    for (let trial = 0; trial < 20; trial++) {
      const m = 30;
      const dim = 8;
      const s = Array.from({ length: m }, rand);
      const vs = Array.from({ length: m }, () => Float32Array.from({ length: dim }, rand));
      const lambda = (trial % 5) / 4;
      expect(order(mmr({ scores: s, vectors: vs, lambda, k: 10 }))).toEqual(
        literalMmr(s, vs, lambda, 10),
      );
    }
  });
});

/** Recomputes max similarity to the whole selected set at every step, as the paper writes it. */
function literalMmr(
  scores: number[],
  vectors: Float32Array[],
  lambda: number,
  k: number,
): number[] {
  const lo = Math.min(...scores);
  const hi = Math.max(...scores);
  const rel = scores.map((s) => (s - lo) / (hi - lo));
  const cos = (a: Float32Array, b: Float32Array) => {
    let dot = 0;
    let na = 0;
    let nb = 0;
    a.forEach((x, d) => {
      dot += x * b[d]!;
      na += x * x;
      nb += b[d]! * b[d]!;
    });
    return dot / Math.sqrt(na * nb);
  };
  const selected: number[] = [];
  while (selected.length < k) {
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < scores.length; i++) {
      if (selected.includes(i)) continue;
      const sim = selected.length
        ? Math.max(...selected.map((j) => cos(vectors[i]!, vectors[j]!)))
        : 0;
      const value = lambda * rel[i]! - (1 - lambda) * sim;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    selected.push(best);
  }
  return selected;
}
