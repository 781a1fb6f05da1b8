// Shared DSP helpers for the voice analysis/synthesis modules (envelope, aperiodicity, synthesis): the shared FFT,
// minimum-phase spectra from log amplitudes (real-cepstrum folding), a seeded Gaussian generator and
// frame/bin helpers. No I/O.

import type { ComplexFft } from '../speech/fft.js';

export { ComplexFft, fftOf } from '../speech/fft.js';

/** Default analysis FFT size as in CheapTrick: the smallest power of two holding 3 periods of the lowest F0 (71 Hz). */
export function defaultFftSize(sampleRate: number, f0Floor = 71): number {
  return 2 ** Math.ceil(Math.log2(3 * (sampleRate / f0Floor) + 1));
}

/**
 * Real cepstrum of a log spectrum given on bins 0..n/2 (even-symmetric extension): writes c[0..n−1] into `re`.
 * `im` is scratch.
 */
export function realCepstrum(logSpec: ArrayLike<number>, fft: ComplexFft, re: Float64Array, im: Float64Array): void {
  const n = fft.n;
  const half = n / 2;
  for (let k = 0; k <= half; k++) re[k] = logSpec[k]!;
  for (let k = half + 1; k < n; k++) re[k] = logSpec[n - k]!;
  im.fill(0);
  fft.inverse(re, im);
}

/**
 * Two half spectra (bins 0..n/2) extended to even length-n sequences, `a` as the real part and `b` as the imaginary:
 * one inverse FFT then gives both real cepstra.
 */
export function evenExtensionPair(a: ArrayLike<number>, b: ArrayLike<number>, n: number, re: Float64Array, im: Float64Array): void {
  const half = n / 2;
  for (let k = 0; k <= half; k++) {
    re[k] = a[k]!;
    im[k] = b[k]!;
  }
  for (let k = half + 1; k < n; k++) {
    re[k] = a[n - k]!;
    im[k] = b[n - k]!;
  }
}

/**
 * Minimum-phase spectra whose magnitudes are exp(logA) and exp(logB) on bins 0..n/2, both at once: each real cepstrum is
 * real and even, so one inverse FFT takes logA as its real part and logB as its imaginary part; the two are folded onto
 * positive quefrencies and one forward FFT gives both log spectra, split by conjugate symmetry, then exponentiated.
 * Bins 0..n/2 go to aRe/aIm and bRe/bIm; `re`/`im` (length n) are scratch.
 */
export function minimumPhasePair(
  logA: ArrayLike<number>,
  logB: ArrayLike<number>,
  fft: ComplexFft,
  scratch: { re: Float64Array; im: Float64Array },
  a: { re: Float64Array; im: Float64Array },
  b: { re: Float64Array; im: Float64Array },
): void {
  const n = fft.n;
  const half = n / 2;
  const { re, im } = scratch;
  evenExtensionPair(logA, logB, n, re, im);
  fft.inverse(re, im);
  for (let q = 1; q < half; q++) {
    re[q] = 2 * re[q]!;
    im[q] = 2 * im[q]!;
  }
  for (let q = half + 1; q < n; q++) {
    re[q] = 0;
    im[q] = 0;
  }
  fft.forward(re, im);
  for (let k = 0; k <= half; k++) {
    const m = (n - k) % n;
    const zr = re[k]!;
    const zi = im[k]!;
    const cr = re[m]!;
    const ci = im[m]!;
    const magA = Math.exp((zr + cr) / 2);
    const phaseA = (zi - ci) / 2;
    const magB = Math.exp((zi + ci) / 2);
    const phaseB = -(zr - cr) / 2;
    a.re[k] = magA * Math.cos(phaseA);
    a.im[k] = magA * Math.sin(phaseA);
    b.re[k] = magB * Math.cos(phaseB);
    b.im[k] = magB * Math.sin(phaseB);
  }
}

/** Deterministic standard-normal generator (mulberry32 uniform + Box–Muller). */
export function gaussianSource(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const v = spare;
      spare = undefined;
      return v;
    }
    const u1 = Math.max(uniform(), 1e-12);
    const u2 = uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  };
}

/** Sample at integer index i, clamped to the signal's ends (0 for an empty signal). */
export function sampleAt(samples: Float32Array, i: number): number {
  if (samples.length === 0) return 0;
  return samples[Math.min(samples.length - 1, Math.max(0, i))]!;
}

/** Half-width in samples of the `sampleAtFraction` kernel. */
const SINC_HALF = 8;

/**
 * Sample at fractional index t by Hann-windowed sinc interpolation over 2·SINC_HALF neighbours (indices clamped to the
 * signal's ends), the weights normalised to sum 1 so DC passes exactly. Linear or cubic interpolation would low-pass by an
 * amount that depends on the fraction, which a comparison of two differently shifted copies reads as a mismatch.
 * sin(π(f − j)) = (−1)^j·sin(πf), so one sine serves all taps, and the window's cosines come from one rotation per tap.
 */
export function sampleAtFraction(samples: Float32Array, t: number): number {
  const base = Math.floor(t);
  const frac = t - base;
  if (frac === 0) return sampleAt(samples, base);
  const s = Math.sin(Math.PI * frac) / Math.PI;
  const step = Math.PI / SINC_HALF;
  const rc = Math.cos(step);
  const rs = Math.sin(step);
  // Window cos(π·u/SINC_HALF) at u = frac − j, from j = 1 − SINC_HALF upwards (u decreasing).
  let wc = Math.cos((frac + SINC_HALF - 1) * step);
  let ws = Math.sin((frac + SINC_HALF - 1) * step);
  let sign = (SINC_HALF - 1) % 2 === 0 ? 1 : -1;
  let sum = 0;
  let weights = 0;
  for (let j = 1 - SINC_HALF; j <= SINC_HALF; j++) {
    const weight = ((sign * s) / (frac - j)) * (0.5 + 0.5 * wc);
    sum += weight * sampleAt(samples, base + j);
    weights += weight;
    const c = wc * rc + ws * rs;
    ws = ws * rc - wc * rs;
    wc = c;
    sign = -sign;
  }
  return sum / weights;
}

/** Steps between exact anchors in `phasors`. */
const PHASOR_ANCHOR = 64;

/**
 * cos(kθ) and sin(kθ) for k = 0..count − 1 into `re` and `im`. Frames need hundreds of these for windows, lifters and
 * phase ramps; a rotation per step is ~10× cheaper than Math.cos/sin, and re-anchoring on them every PHASOR_ANCHOR steps
 * keeps the rounding error near 1e-14.
 */
export function phasors(theta: number, count: number, re: Float64Array, im: Float64Array): void {
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  for (let k = 0; k < count; k++) {
    if (k % PHASOR_ANCHOR === 0) {
      re[k] = Math.cos(k * theta);
      im[k] = Math.sin(k * theta);
    } else {
      const pr = re[k - 1]!;
      const pi = im[k - 1]!;
      re[k] = pr * c - pi * s;
      im[k] = pr * s + pi * c;
    }
  }
}

/**
 * After one complex FFT of two real signals packed as z = a + j·b, hands each bin k = 0..n/2 of A and B to `bin`:
 * A[k] = (Z[k] + conj Z[n−k]) / 2, B[k] = (Z[k] − conj Z[n−k]) / 2j. One transform serves two frames.
 */
export function unpackRealPair(re: Float64Array, im: Float64Array, n: number, bin: (k: number, ar: number, ai: number, br: number, bi: number) => void): void {
  for (let k = 0; k <= n / 2; k++) {
    const j = (n - k) % n;
    bin(k, (re[k]! + re[j]!) / 2, (im[k]! - im[j]!) / 2, (im[k]! + im[j]!) / 2, -(re[k]! - re[j]!) / 2);
  }
}
