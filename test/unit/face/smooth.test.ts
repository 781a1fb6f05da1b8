// Landmark smoothing: Savitzky-Golay weights, jitter and step response on synthetic tracks, gap bridging, and the reach that lets a take be smoothed in pieces.
import { describe, expect, it } from 'vitest';
import { landmarkSmoothingReach, smoothLandmarks, smoothTrack, smoothingReach } from '../../../main/core/face/smooth.js';

/** Seeded Gaussian numbers (mulberry32 + Box-Muller). */
function gaussian(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

function rms(a: ArrayLike<number>, b: ArrayLike<number>, from = 0, to = a.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(sum / (to - from));
}

describe('smoothTrack', () => {
  it('applies the textbook Savitzky-Golay weights in the interior', () => {
    const impulse = new Float64Array(21);
    impulse[10] = 35;
    const out = smoothTrack(impulse, { window: 5, order: 2 });
    // The 5-point quadratic filter is (−3, 12, 17, 12, −3) / 35; an impulse shows it mirrored, which is the same.
    expect(Array.from(out.subarray(8, 13)).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([-3, 12, 17, 12, -3]);
    expect(Array.from(out.subarray(0, 8)).every((v) => Math.abs(v) < 1e-9)).toBe(true);
  });

  it('keeps polynomials up to its order, at the ends too', () => {
    const quadratic = Float64Array.from({ length: 30 }, (_, i) => 3 - 0.5 * i + 0.02 * i * i);
    const out = smoothTrack(quadratic, { window: 9, order: 2 });
    for (let i = 0; i < 30; i++) expect(out[i]).toBeCloseTo(quadratic[i]!, 9);
  });

  it('reduces jitter on a noisy moving track', () => {
    const noise = gaussian(42);
    const truth = Float64Array.from({ length: 250 }, (_, i) => 200 + 30 * Math.sin((2 * Math.PI * i) / 60) + 10 * Math.sin((2 * Math.PI * i) / 23));
    const noisy = truth.map((v) => v + 1.5 * noise());
    const out = smoothTrack(noisy, { window: 9, order: 2 });
    expect(rms(out, truth)).toBeLessThan(0.6 * rms(noisy, truth));
    // Frame-to-frame jitter (second differences) drops much more.
    const jitter = (x: ArrayLike<number>): number => {
      let s = 0;
      for (let i = 1; i < x.length - 1; i++) s += (x[i + 1]! - 2 * x[i]! + x[i - 1]!) ** 2;
      return Math.sqrt(s / (x.length - 2));
    };
    expect(jitter(out)).toBeLessThan(0.25 * jitter(noisy));
  });

  it('follows a step without lag: settled within half a window on either side', () => {
    const step = Float64Array.from({ length: 60 }, (_, i) => (i < 30 ? 0 : 10));
    for (const window of [5, 9]) {
      const out = smoothTrack(step, { window, order: 2 });
      const half = (window - 1) / 2;
      for (let i = 0; i < 60; i++) {
        if (i < 30 - half) expect(out[i]).toBeCloseTo(0, 9);
        if (i >= 30 + half) expect(out[i]).toBeCloseTo(10, 9);
      }
      // Zero phase: the response is antisymmetric about the step.
      for (let d = 0; d < half; d++) expect(out[30 + d]! - 5).toBeCloseTo(5 - out[29 - d]!, 9);
    }
  });

  it('bridges short gaps, leaves long gaps and the ends NaN', () => {
    const track = Float64Array.from({ length: 60 }, (_, i) => 100 + i);
    for (const i of [0, 1, 10, 11, 12]) track[i] = Number.NaN;
    for (let i = 30; i < 40; i++) track[i] = Number.NaN;
    track[59] = Number.POSITIVE_INFINITY;
    const out = smoothTrack(track, { window: 7, maxGap: 5 });
    expect(Number.isNaN(out[0]!)).toBe(true);
    expect(Number.isNaN(out[1]!)).toBe(true);
    // A line through the gap; the filter keeps lines.
    for (const i of [10, 11, 12]) expect(out[i]).toBeCloseTo(100 + i, 9);
    for (let i = 30; i < 40; i++) expect(Number.isNaN(out[i]!)).toBe(true);
    expect(out[29]).toBeCloseTo(129, 9);
    expect(out[40]).toBeCloseTo(140, 9);
    expect(Number.isNaN(out[59]!)).toBe(true);
    // Runs shorter than the window are fitted whole; a single frame stays as it was.
    const short = smoothTrack([Number.NaN, 5, Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, 1, 2, 4], { window: 9, maxGap: 2 });
    expect(short[1]).toBe(5);
    expect(short.slice(8).every(Number.isFinite)).toBe(true);
  });

  it('checks its options', () => {
    expect(() => smoothTrack([1, 2, 3], { window: 4 })).toThrow();
    expect(() => smoothTrack([1, 2, 3], { window: 5, order: 5 })).toThrow();
    expect(() => smoothTrack([1, 2, 3], { maxGap: -1 })).toThrow();
  });
});

describe('smoothLandmarks', () => {
  /** A synthetic take: 68 points drifting and oscillating, with noise, and some frames without a face. */
  function take(frames: number, seed: number): Float32Array {
    const noise = gaussian(seed);
    const out = new Float32Array(frames * 136);
    for (let f = 0; f < frames; f++) {
      for (let k = 0; k < 68; k++) {
        out[f * 136 + 2 * k] = 300 + 2 * k + 20 * Math.sin(f / 15 + k) + noise();
        out[f * 136 + 2 * k + 1] = 200 + k + 10 * Math.cos(f / 9) + noise();
      }
    }
    for (const gap of [
      [5, 6],
      [20, 23],
      [40, 52],
      [70, 70],
    ]) {
      for (let f = gap[0]!; f <= gap[1]!; f++) out.fill(Number.NaN, f * 136, (f + 1) * 136);
    }
    return out;
  }

  it('smooths the lips less than the head', () => {
    const frames = 80;
    const raw = take(frames, 9);
    const out = smoothLandmarks(raw);
    // On each coordinate, the change the filter makes; the mouth's 5-frame filter changes less than the head's 9-frame one.
    const change = (from: number, to: number): number => {
      let sum = 0;
      let n = 0;
      for (let f = 0; f < frames; f++) {
        for (let c = from; c < to; c++) {
          const d = out[f * 136 + c]! - raw[f * 136 + c]!;
          if (Number.isFinite(d)) {
            sum += d * d;
            n++;
          }
        }
      }
      return Math.sqrt(sum / n);
    };
    expect(change(96, 136)).toBeLessThan(change(0, 96));
    // The long gap stays empty, the short ones are filled.
    expect(Number.isNaN(out[45 * 136]!)).toBe(true);
    expect(Number.isFinite(out[21 * 136]!)).toBe(true);
    expect(() => smoothLandmarks(new Float32Array(100))).toThrow();
  });

  it('gives every frame the same value when smoothed over any span holding its reach', () => {
    const frames = 90;
    const raw = take(frames, 4);
    const whole = smoothLandmarks(raw);
    const reach = landmarkSmoothingReach();
    expect(reach).toBe(smoothingReach({ window: 9, maxGap: 5 }));
    for (let f = 0; f < frames; f++) {
      const from = Math.max(0, f - reach);
      const to = Math.min(frames - 1, f + reach);
      const part = smoothLandmarks(raw.slice(from * 136, (to + 1) * 136));
      const mine = part.subarray((f - from) * 136, (f - from + 1) * 136);
      const reference = whole.subarray(f * 136, (f + 1) * 136);
      for (let c = 0; c < 136; c++) {
        if (Number.isNaN(reference[c]!)) expect(Number.isNaN(mine[c]!)).toBe(true);
        else expect(mine[c]).toBe(reference[c]);
      }
    }
  });
});
