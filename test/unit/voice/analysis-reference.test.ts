// Equivalence tests of the optimised voice analysis (CheapTrick in frame pairs, band aperiodicity with rotated phase ramps and sinc taps from one sine, table-driven mel-cepstrum) against straightforward reference implementations of the same formulas.
import { describe, expect, it } from 'vitest';
import { bandAperiodicity, defaultBandEdges } from '../../../main/core/voice/aperiodicity.js';
import { fftOf, realCepstrum, sampleAt } from '../../../main/core/voice/dsp.js';
import { phasors } from '../../../main/core/voice/dsp.js';
import { cheapTrick } from '../../../main/core/voice/envelope.js';
import { defaultAlpha, envelopeToMcep, mcepToEnvelope, warpFrequency } from '../../../main/core/voice/mcep.js';

const SR = 24_000;
const FFT_SIZE = 1024;

/** Deterministic uniform noise in [−0.5, 0.5). */
function noise(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5;
}

/** 0.1 s of digital silence, then a harmonic tone gliding 90 → 260 Hz with a little noise (0.5 s). */
function testSignal(): { x: Float32Array; f0: Float32Array } {
  const rand = noise(9);
  const silent = Math.round(0.1 * SR);
  const x = new Float32Array(silent + Math.round(0.5 * SR));
  let phase = 0;
  for (let i = silent; i < x.length; i++) {
    const hz = 90 + (170 * (i - silent)) / (x.length - silent);
    phase += (2 * Math.PI * hz) / SR;
    let v = 0;
    for (let k = 1; k * hz < 8000; k++) v += Math.sin(k * phase) / k;
    x[i] = 0.2 * v + 0.01 * rand();
  }
  const frames = Math.floor((x.length - 1) / 120) + 1;
  // Unvoiced in the silence and in every seventh frame, so voiced and unvoiced frames share FFTs in every combination.
  const f0 = Float32Array.from({ length: frames }, (_, f) => (f * 120 < silent || f % 7 === 3 ? 0 : 90 + (170 * (f * 120 - silent)) / (x.length - silent)));
  return { x, f0 };
}

/** CheapTrick one frame at a time, every cosine computed directly (the formulas envelope.ts documents). */
function referenceCheapTrick(samples: Float32Array, f0: ArrayLike<number>): Float32Array[] {
  const n = FFT_SIZE;
  const half = n / 2;
  const q1 = -0.15;
  const fft = fftOf(n);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const out: Float32Array[] = [];
  const interp = (p: Float64Array, b: number): number => {
    let x = Math.abs(b);
    if (x > half) x = Math.max(0, 2 * half - x);
    const i = Math.min(half - 1, Math.floor(x));
    return p[i]! * (1 - (x - i)) + p[i + 1]! * (x - i);
  };
  for (let frame = 0; frame < f0.length; frame++) {
    const hz = Math.max(f0[frame]! > 0 ? f0[frame]! : 500, 71, (3 * SR) / (n - 1));
    const centre = Math.round(frame * 0.005 * SR);
    const halfLen = Math.round((1.5 * SR) / hz);
    const w = (i: number) => 0.5 + 0.5 * Math.cos((Math.PI * i * hz) / (1.5 * SR));
    let wSum = 0;
    let wSq = 0;
    let xw = 0;
    for (let i = -halfLen; i <= halfLen; i++) {
      wSum += w(i);
      wSq += w(i) ** 2;
      xw += w(i) * sampleAt(samples, centre + i);
    }
    re.fill(0);
    im.fill(0);
    for (let i = -halfLen; i <= halfLen; i++) re[(i + n) % n] = ((sampleAt(samples, centre + i) - xw / wSum) * w(i)) / Math.sqrt(wSq);
    fft.forward(re, im);
    const power = Float64Array.from({ length: half + 1 }, (_, k) => re[k]! ** 2 + im[k]! ** 2);
    const f0Bins = (hz * n) / SR;
    const copy = Float64Array.from(power);
    // Unvoiced frames skip the DC correction.
    if (f0[frame]! > 0) for (let k = 0; k < f0Bins; k++) power[k] = power[k]! + interp(copy, f0Bins - k);
    const width = ((2 * hz) / 3) * (n / SR);
    const margin = Math.ceil(width) + 2;
    const len = half + 1 + 2 * margin;
    const cum = new Float64Array(len + 1);
    for (let j = 0; j < len; j++) cum[j + 1] = cum[j]! + interp(power, j - margin);
    const integral = (x: number) => {
      const i = Math.min(len - 1, Math.max(0, Math.floor(x + 0.5)));
      return cum[i]! + (cum[i + 1]! - cum[i]!) * (x + 0.5 - i);
    };
    const smooth = Float64Array.from({ length: half + 1 }, (_, k) => Math.max(0, (integral(k + margin + width / 2) - integral(k + margin - width / 2)) / width));
    const floor = (smooth.reduce((s, v) => s + v, 0) / (half + 1)) * 1e-9 + 1e-16;
    realCepstrum(Float64Array.from(smooth, (v) => Math.log(v + floor)), fft, re, im);
    for (let q = 1; q <= half; q++) {
      const x = (Math.PI * hz * q) / SR;
      const lifter = (Math.sin(x) / x) * (1 - 2 * q1 + 2 * q1 * Math.cos(2 * x));
      re[q] = re[q]! * lifter;
      if (q < half) re[n - q] = re[n - q]! * lifter;
    }
    im.fill(0);
    fft.forward(re, im);
    out.push(Float32Array.from({ length: half + 1 }, (_, k) => Math.exp(re[k]!)));
  }
  return out;
}

/** Hann-windowed sinc interpolation over 16 neighbours, every term from Math.sin/cos, weights normalised to sum 1. */
function referenceFraction(samples: Float32Array, t: number): number {
  const base = Math.floor(t);
  if (t === base) return sampleAt(samples, base);
  let sum = 0;
  let weights = 0;
  for (let j = base - 7; j <= base + 8; j++) {
    const u = t - j;
    const weight = (Math.sin(Math.PI * u) / (Math.PI * u)) * (0.5 + 0.5 * Math.cos((Math.PI * u) / 8));
    sum += weight * sampleAt(samples, j);
    weights += weight;
  }
  return sum / weights;
}

/** F0 at sample position u: the frames' F0 within ±6 frames of `frame`, held past an unvoiced frame or a jump over 15 %, linear between frames. */
function referenceContourHz(f0: ArrayLike<number>, frame: number, u: number): number {
  const value = (j: number): number => {
    let kept = f0[frame]!;
    const direction = Math.sign(j - frame);
    for (let k = frame + direction; direction !== 0 && k !== j + direction; k += direction) {
      const hz = k >= 0 && k < f0.length ? f0[k]! : 0;
      if (!(hz > 0) || hz > kept * 1.15 || hz < kept / 1.15) break;
      kept = hz;
    }
    return kept;
  };
  const x = Math.min(frame + 6, Math.max(frame - 6, u / 120));
  const j = Math.min(frame + 5, Math.floor(x));
  return value(j) + (value(j + 1) - value(j)) * (x - j);
}

/** Band aperiodicity one frame at a time with every phase term from Math.cos/sin (the measure aperiodicity.ts documents). */
function referenceAperiodicity(samples: Float32Array, f0: ArrayLike<number>): Float32Array[] {
  const edges = defaultBandEdges(SR);
  const bands = edges.length - 1;
  return Array.from(f0, (hz, frame) => {
    const ap = new Float32Array(bands).fill(1);
    if (!(hz > 0)) return ap;
    const period = SR / hz;
    const halfLen = Math.round(1.5 * period);
    const n = 2 ** Math.ceil(Math.log2(2 * halfLen + 1));
    const a0 = Math.round(frame * 0.005 * SR) - Math.round(period / 2);
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    for (let i = -halfLen; i <= halfLen; i++) {
      const w = 0.5 + 0.5 * Math.cos((Math.PI * i) / (halfLen + 1));
      re[(i + n) % n] = w * sampleAt(samples, a0 + i);
      let local = SR / referenceContourHz(f0, frame, a0 + i);
      for (let iteration = 0; iteration < 2; iteration++) local = SR / referenceContourHz(f0, frame, a0 + i + local / 2);
      im[(i + n) % n] = w * referenceFraction(samples, a0 + i + local);
    }
    fftOf(n).forward(re, im);
    const half = n / 2;
    const crossRe: number[] = [];
    const crossIm: number[] = [];
    const ea: number[] = [];
    const eb: number[] = [];
    for (let k = 0; k <= half; k++) {
      const j = (n - k) % n;
      const [ar, ai, br, bi] = [(re[k]! + re[j]!) / 2, (im[k]! - im[j]!) / 2, (im[k]! + im[j]!) / 2, -(re[k]! - re[j]!) / 2];
      crossRe.push(ar * br + ai * bi);
      crossIm.push(ar * bi - ai * br);
      ea.push(ar * ar + ai * ai);
      eb.push(br * br + bi * bi);
    }
    const correlation = (d: number, lo: number, hi: number) => {
      let sum = 0;
      for (let k = lo; k <= hi; k++) sum += crossRe[k]! * Math.cos((2 * Math.PI * k * d) / n) - crossIm[k]! * Math.sin((2 * Math.PI * k * d) / n);
      return sum;
    };
    let bestD = 0;
    let best = -Infinity;
    for (let s = -10; s <= 10; s++) {
      const d = (s / 10) * 0.02 * period;
      const sum = correlation(d, 0, half);
      if (sum > best) [best, bestD] = [sum, d];
    }
    for (let b = 0; b < bands; b++) {
      const lo = Math.ceil((edges[b]! * n) / SR);
      const hi = Math.min(half, Math.floor((edges[b + 1]! * n) / SR - (b + 1 < bands ? 1e-9 : 0)));
      const denom = Math.sqrt(ea.slice(lo, hi + 1).reduce((s, v) => s + v, 0) * eb.slice(lo, hi + 1).reduce((s, v) => s + v, 0));
      if (denom > 0) ap[b] = Math.min(1, Math.max(0, 1 - correlation(bestD, lo, hi) / denom));
    }
    return ap;
  });
}

/** The log envelope on a uniform warped grid (4 points per bin), projected onto cos(m·β) by the trapezoidal rule. */
function referenceMcep(envelope: Float32Array[], order: number, alpha: number): Float64Array[] {
  return envelope.map((env) => {
    const half = env.length - 1;
    const grid = 4 * half;
    const logAmp = (x: number) => {
      const i = Math.min(half - 1, Math.floor(x));
      const f = x - i;
      return 0.5 * (Math.log(Math.max(env[i]!, 1e-30)) * (1 - f) + Math.log(Math.max(env[i + 1]!, 1e-30)) * f);
    };
    return Float64Array.from({ length: order + 1 }, (_, m) => {
      let s = 0;
      for (let g = 0; g <= grid; g++) {
        const x = (warpFrequency((Math.PI * g) / grid, -alpha) / Math.PI) * half;
        s += (g === 0 || g === grid ? 0.5 : 1) * logAmp(x) * Math.cos((m * Math.PI * g) / grid);
      }
      return ((m === 0 ? 1 : 2) / grid) * s;
    });
  });
}

function maxLogRatio(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  for (let f = 0; f < a.length; f++) for (let k = 0; k < a[f]!.length; k++) worst = Math.max(worst, Math.abs(Math.log(a[f]![k]! / b[f]![k]!)));
  return worst;
}

describe('phasors', () => {
  it('matches Math.cos and Math.sin over long runs', () => {
    const re = new Float64Array(2000);
    const im = new Float64Array(2000);
    for (const theta of [0.001, 0.37, 2.9, -1.3]) {
      phasors(theta, 2000, re, im);
      for (let k = 0; k < 2000; k++) {
        expect(Math.abs(re[k]! - Math.cos(k * theta))).toBeLessThan(1e-12);
        expect(Math.abs(im[k]! - Math.sin(k * theta))).toBeLessThan(1e-12);
      }
    }
  });
});

describe('analysis against reference implementations', () => {
  const { x, f0 } = testSignal();

  it('CheapTrick in frame pairs equals CheapTrick frame by frame (odd and even frame counts)', () => {
    for (const frames of [f0, f0.subarray(0, f0.length - 1)]) {
      const env = cheapTrick(x, SR, frames, { fftSize: FFT_SIZE });
      const reference = referenceCheapTrick(x, frames);
      expect(env).toHaveLength(reference.length);
      expect(maxLogRatio(env, reference)).toBeLessThan(1e-6);
    }
  });

  it('band aperiodicity equals the direct phase-term computation', () => {
    const ap = bandAperiodicity(x, SR, f0);
    const reference = referenceAperiodicity(x, f0);
    let worst = 0;
    for (let f = 0; f < ap.length; f++) for (let b = 0; b < ap[f]!.length; b++) worst = Math.max(worst, Math.abs(ap[f]![b]! - reference[f]![b]!));
    expect(worst).toBeLessThan(1e-6);
    // Not all trivially 1: the voiced frames are measured.
    expect(ap.some((a) => a[0]! < 0.5)).toBe(true);
  });

  it('the mel-cepstrum equals the warped-grid projection, and the inverse the direct cosine series', () => {
    const env = referenceCheapTrick(x, f0).filter((_, i) => i % 5 === 0);
    for (const [order, alpha] of [
      [39, defaultAlpha(SR)],
      [24, 0.42],
      [39, defaultAlpha(SR)],
    ] as const) {
      const mcep = envelopeToMcep(env, SR, { order, alpha });
      const reference = referenceMcep(env, order, alpha);
      let worst = 0;
      for (let f = 0; f < mcep.length; f++) for (let m = 0; m <= order; m++) worst = Math.max(worst, Math.abs(mcep[f]![m]! - reference[f]![m]!));
      expect(worst).toBeLessThan(1e-5);

      const back = mcepToEnvelope(mcep, FFT_SIZE, SR, { alpha });
      const direct = mcep.map((c) =>
        Float32Array.from({ length: FFT_SIZE / 2 + 1 }, (_, k) => {
          const beta = warpFrequency((2 * Math.PI * k) / FFT_SIZE, alpha);
          let s = 0;
          for (let m = 0; m <= order; m++) s += c[m]! * Math.cos(m * beta);
          return Math.exp(2 * s);
        }),
      );
      expect(maxLogRatio(back, direct)).toBeLessThan(1e-6);
    }
  });
});
