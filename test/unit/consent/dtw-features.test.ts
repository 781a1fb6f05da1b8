// Pure tests of the radix-2 real FFT, the speech features and DTW.
import { describe, expect, it } from 'vitest';
import { dtw, dtwFrames } from '../../../main/core/speech/dtw.js';
import { cmvn, logMelSpectrogram, mfcc, realFft, resample } from '../../../main/core/speech/features.js';

const abs = (a: number[], b: number[]) => (i: number, j: number) => Math.abs(a[i]! - b[j]!);

/** Brute force: the cheapest monotonic path with steps (1,0), (0,1), (1,1) (for checking dtw). */
function bruteForce(a: number[], b: number[]): number {
  const memo = new Map<string, number>();
  const best = (i: number, j: number): number => {
    const key = `${i},${j}`;
    if (memo.has(key)) return memo.get(key)!;
    const c = Math.abs(a[i]! - b[j]!);
    const value = i === 0 && j === 0 ? c : c + Math.min(i > 0 && j > 0 ? best(i - 1, j - 1) : Infinity, i > 0 ? best(i - 1, j) : Infinity, j > 0 ? best(i, j - 1) : Infinity);
    memo.set(key, value);
    return value;
  };
  return best(a.length - 1, b.length - 1);
}

describe('dtw', () => {
  it('aligns a sequence with a time-stretched copy of itself at zero cost', () => {
    const r = dtw(3, 5, abs([0, 1, 2], [0, 0, 1, 2, 2]));
    expect(r.total).toBe(0);
    expect(r.cost).toBe(0);
    expect(r.path).toEqual([[0, 0], [0, 1], [1, 2], [2, 3], [2, 4]]);
  });

  it('gives the known optimal cost of a toy pair, normalised by the path length', () => {
    // [0, 2] vs [1]: the only path (0,0),(1,0) costs 1 + 1 = 2 over 2 cells.
    const r = dtw(2, 1, abs([0, 2], [1]));
    expect(r.total).toBe(2);
    expect(r.cost).toBe(1);
    // [1, 5, 3] vs [1, 3]: (0,0)=0, (1,0) or (1,1)=2, (2,1)=0 → total 2 over 3 cells.
    const s = dtw(3, 2, abs([1, 5, 3], [1, 3]));
    expect(s.total).toBe(2);
    expect(s.path).toHaveLength(3);
  });

  it('matches brute force on random sequences without a band', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 10;
    for (let trial = 0; trial < 30; trial++) {
      const a = Array.from({ length: 2 + (trial % 6) }, rand);
      const b = Array.from({ length: 1 + ((trial * 3) % 7) }, rand);
      const r = dtw(a.length, b.length, abs(a, b));
      expect(r.total).toBeCloseTo(bruteForce(a, b), 9);
      const recomputed = r.path.reduce((sum, [i, j]) => sum + Math.abs(a[i]! - b[j]!), 0);
      expect(recomputed).toBeCloseTo(r.total, 9);
    }
  });

  it('keeps the path inside the Sakoe-Chiba band and pays for it', () => {
    // The cheap alignment needs a large shift; a narrow band forbids it.
    const a = [9, 9, 9, 9, 0, 1, 2, 3];
    const b = [0, 1, 2, 3, 9, 9, 9, 9];
    const free = dtw(8, 8, abs(a, b));
    const banded = dtw(8, 8, abs(a, b), { band: 0.125 });
    for (const [i, j] of banded.path) expect(Math.abs(i - j)).toBeLessThanOrEqual(1);
    expect(banded.total).toBeGreaterThan(free.total);
  });

  it('limits the slope to between ½ and 2 with the slope2 steps', () => {
    const a = [0, 1, 2, 3, 4, 5];
    const b = [0, 0, 0, 0, 0, 5, 5, 5, 5];
    const r = dtw(a.length, b.length, abs(a, b), { steps: 'slope2' });
    for (let k = 1; k < r.path.length; k++) {
      const [i0, j0] = r.path[k - 1]!;
      const [i1, j1] = r.path[k]!;
      expect(i1 - i0 + (j1 - j0)).toBeGreaterThan(0);
    }
    // The same sequence at zero cost even under slope2.
    const stretched = dtw(4, 6, abs([0, 1, 2, 3], [0, 1, 2, 2, 3, 3]), { steps: 'slope2' });
    expect(stretched.total).toBe(0);
    expect(stretched.path).toEqual([[0, 0], [1, 1], [2, 2], [2, 3], [3, 4], [3, 5]]);
    // More than twice as long cannot align.
    expect(() => dtw(2, 5, abs([0, 1], [0, 0, 0, 0, 1]), { steps: 'slope2' })).toThrow(/no path/);
  });

  it('aligns frame vectors', () => {
    const a = [Float32Array.of(0, 0), Float32Array.of(3, 4)];
    expect(dtwFrames(a, a).cost).toBe(0);
    expect(dtwFrames(a, [Float32Array.of(0, 0)]).total).toBe(5);
  });
});

describe('features', () => {
  it('computes a real FFT equal to the direct DFT', () => {
    const x = Array.from({ length: 16 }, (_, i) => Math.sin(i * 0.7) + 0.3 * Math.cos(i * 2.1) + (i % 3));
    const { re, im } = realFft(x);
    for (let k = 0; k <= 8; k++) {
      let r = 0;
      let m = 0;
      for (let n = 0; n < 16; n++) {
        r += x[n]! * Math.cos((-2 * Math.PI * k * n) / 16);
        m += x[n]! * Math.sin((-2 * Math.PI * k * n) / 16);
      }
      expect(re[k]).toBeCloseTo(r, 9);
      expect(im[k]).toBeCloseTo(m, 9);
    }
  });

  it('puts a tone in the right mel band and frames at 25 ms / 10 ms', () => {
    const tone = Float32Array.from({ length: 16_000 }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / 16_000));
    const frames = logMelSpectrogram(tone, { preEmphasis: 0 });
    expect(frames).toHaveLength(Math.floor((16_000 - 400) / 160) + 1);
    const f = frames[50]!;
    const peak = f.indexOf(Math.max(...f));
    // 1 kHz on a 60..8000 Hz, 40-band mel scale lies near band 14.
    expect(peak).toBeGreaterThanOrEqual(12);
    expect(peak).toBeLessThanOrEqual(16);
    expect(mfcc(frames, 13)[0]).toHaveLength(13);
  });

  it('normalises every column to mean 0 and variance 1', () => {
    const frames = cmvn([Float32Array.of(1, 5), Float32Array.of(3, 5), Float32Array.of(5, 5)]);
    expect(Array.from(frames.map((f) => f[0]!))).toEqual([expect.closeTo(-1.2247, 3), 0, expect.closeTo(1.2247, 3)]);
    expect(frames.every((f) => f[1] === 0)).toBe(true);
  });

  it('resamples 22 050 → 16 000 Hz keeping a tone and removing one above the new Nyquist', () => {
    const at = (hz: number) => Float32Array.from({ length: 22_050 }, (_, i) => Math.sin((2 * Math.PI * hz * i) / 22_050));
    const rms = (x: Float32Array) => Math.sqrt(x.slice(1000, -1000).reduce((s, v) => s + v * v, 0) / (x.length - 2000));
    const low = resample(at(1000), 22_050, 16_000);
    expect(low).toHaveLength(16_000);
    expect(rms(low)).toBeCloseTo(Math.SQRT1_2, 1);
    expect(rms(resample(at(10_000), 22_050, 16_000))).toBeLessThan(0.02);
  });
});
