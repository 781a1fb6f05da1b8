// Equivalence tests of the banded DTW (speech/dtw.ts) against a plain full-matrix implementation, and of its inline Euclidean path against the callback one.
import { describe, expect, it } from 'vitest';
import type { DtwOptions, DtwResult } from '../../../main/core/speech/dtw.js';
import { dtw, dtwEuclidean, dtwFrames, euclidean } from '../../../main/core/speech/dtw.js';

/** The textbook recurrence on full n×m matrices, with the same band, steps and tie order (diagonal first). */
function naiveDtw(n: number, m: number, local: (i: number, j: number) => number, options: DtwOptions = {}): DtwResult {
  const band = options.band ?? Infinity;
  const width = Number.isFinite(band) ? Math.max(1, band * Math.max(n, m)) : Infinity;
  const slope = n > 1 ? (m - 1) / (n - 1) : 0;
  const lo: number[] = [];
  const hi: number[] = [];
  for (let i = 0; i < n; i++) {
    lo.push(Math.max(0, Math.ceil(i * slope - width - 1e-9)));
    hi.push(Math.min(m - 1, Math.floor(i * slope + width + 1e-9)));
  }
  for (let i = 1; i < n; i++) if (lo[i]! > hi[i - 1]! + 1) lo[i] = hi[i - 1]! + 1;
  lo[0] = 0;
  hi[n - 1] = m - 1;
  const inside = (i: number, j: number) => i >= 0 && j >= 0 && j >= lo[i]! && j <= hi[i]!;
  const acc: number[][] = Array.from({ length: n }, () => Array<number>(m).fill(Infinity));
  const move: number[][] = Array.from({ length: n }, () => Array<number>(m).fill(0));
  const at = (i: number, j: number) => (inside(i, j) ? acc[i]![j]! : Infinity);
  const cost = (i: number, j: number) => (inside(i, j) ? local(i, j) : Infinity);
  for (let i = 0; i < n; i++) {
    for (let j = lo[i]!; j <= hi[i]!; j++) {
      if (i === 0 && j === 0) {
        acc[0]![0] = local(0, 0);
        continue;
      }
      const options2: Array<[number, number]> =
        options.steps === 'slope2'
          ? [
              [at(i - 1, j - 1), 0],
              [at(i - 1, j - 2) + cost(i, j - 1), 3],
              [at(i - 2, j - 1) + cost(i - 1, j), 4],
            ]
          : [
              [at(i - 1, j - 1), 0],
              [at(i - 1, j), 1],
              [at(i, j - 1), 2],
            ];
      let [best, from] = options2[0]!;
      for (const [value, code] of options2.slice(1)) {
        if (value < best) [best, from] = [value, code];
      }
      acc[i]![j] = best + local(i, j);
      move[i]![j] = from;
    }
  }
  const total = acc[n - 1]![m - 1]!;
  if (!Number.isFinite(total)) return { total, cost: NaN, path: [] };
  const path: Array<[number, number]> = [];
  let i = n - 1;
  let j = m - 1;
  const steps: Record<number, Array<[number, number]>> = { 0: [[-1, -1]], 1: [[-1, 0]], 2: [[0, -1]], 3: [[0, -1], [-1, -1]], 4: [[-1, 0], [-1, -1]] };
  path.push([i, j]);
  while (i > 0 || j > 0) {
    for (const [di, dj] of steps[move[i]![j]!]!) {
      i += di;
      j += dj;
      path.push([i, j]);
    }
  }
  path.reverse();
  return { total, cost: total / path.length, path };
}

function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const frames = (count: number, dims: number, rand: () => number): Float32Array[] => Array.from({ length: count }, () => Float32Array.from({ length: dims }, rand));

describe('dtw against a full-matrix implementation', () => {
  it('finds the same path and total on random costs, with and without bands, for both step patterns', () => {
    const rand = random(11);
    let compared = 0;
    for (let trial = 0; trial < 60; trial++) {
      const n = 2 + Math.floor(rand() * 40);
      const m = Math.max(Math.ceil((n + 1) / 2), Math.min(2 * n - 1, n + Math.floor((rand() - 0.5) * n)));
      const costs = Array.from({ length: n * m }, () => Math.round(rand() * 8)); // small integers: plenty of exact ties
      const local = (i: number, j: number) => costs[i * m + j]!;
      const options: DtwOptions = { steps: trial % 2 === 0 ? 'slope2' : 'symmetric', band: [Infinity, 0.1, 0.25, 0.5][trial % 4] };
      const expected = naiveDtw(n, m, local, options);
      if (!Number.isFinite(expected.total)) {
        expect(() => dtw(n, m, local, options)).toThrow(/no path/);
        continue;
      }
      const actual = dtw(n, m, local, options);
      expect(actual.total).toBe(expected.total);
      expect(actual.cost).toBe(expected.cost);
      expect(actual.path).toEqual(expected.path);
      compared++;
    }
    expect(compared).toBeGreaterThan(40);
  });

  it('calls the local cost once per cell of the band', () => {
    const seen = new Map<string, number>();
    dtw(30, 40, (i, j) => {
      seen.set(`${i},${j}`, (seen.get(`${i},${j}`) ?? 0) + 1);
      return Math.abs(i - j);
    }, { band: 0.2, steps: 'slope2' });
    expect(Math.max(...seen.values())).toBe(1);
  });
});

describe('dtwEuclidean', () => {
  it('equals dtw with the same distance as a callback, from a component on and scaled', () => {
    const rand = random(5);
    for (let trial = 0; trial < 10; trial++) {
      const a = frames(60 + trial * 7, 12, rand);
      const b = frames(70 + trial * 3, 12, rand);
      const from = trial % 3;
      const scale = 1 + trial / 3;
      const distance = (x: Float32Array, y: Float32Array): number => {
        let sum = 0;
        for (let d = from; d < x.length; d++) sum += (x[d]! - y[d]!) ** 2;
        return scale * Math.sqrt(sum);
      };
      const options: DtwOptions = { band: 0.25, steps: trial % 2 === 0 ? 'slope2' : 'symmetric' };
      const expected = naiveDtw(a.length, b.length, (i, j) => distance(a[i]!, b[j]!), options);
      const actual = dtwEuclidean(a, b, { ...options, from, scale });
      expect(actual.path).toEqual(expected.path);
      expect(actual.total).toBeCloseTo(expected.total, 9);
    }
  });

  it('is what dtwFrames uses by default', () => {
    const rand = random(3);
    const a = frames(30, 5, rand);
    const b = frames(25, 5, rand);
    const fast = dtwFrames(a, b, { steps: 'slope2' });
    const slow = dtw(a.length, b.length, (i, j) => euclidean(a[i]!, b[j]!), { steps: 'slope2' });
    expect(fast).toEqual(slow);
  });
});
