// Spectral envelope per frame for the voice model (main process and workers), CheapTrick-style. No I/O.
//
// Written from the published algorithm: M. Morise, "CheapTrick, a spectral envelope estimator for high-quality speech
// synthesis" (Speech Communication 67, 2015). Per frame: a Hann window 3 F0 periods long centred on the frame (normalised
// to unit energy, windowed mean removed), the power spectrum, the DC correction (power below F0 gets the mirror image
// around 0 Hz added), linear smoothing over a rectangle 2·F0/3 wide, then cepstral liftering with the smoothing lifter
// sin(πF0q)/(πF0q) and the compensation lifter (1 − 2q1) + 2q1·cos(2πF0q), q1 = −0.15. Unvoiced frames use a default F0.
// Simplifications against WORLD: a small constant floor instead of WORLD's added random noise before the logarithm; sample
// indices outside the signal are clamped to its ends.
//
// Scale: for a harmonic of amplitude A the envelope is ≈ A²·fs/(4·F0) (a two-sided power spectral density per sample),
// which is what `synthesize` (synthesis.ts) expects, and white noise of variance σ² gives ≈ σ².

import { defaultFftSize, fftOf, realCepstrum, sampleAt } from './dsp.js';

export interface EnvelopeOptions {
  /** Hop between frames in seconds; default 0.005 (frame i is centred at i · frameSeconds). */
  frameSeconds?: number;
  /** FFT size (power of two); default `defaultFftSize(sampleRate)` (1024 at 16 kHz, 2048 at 48 kHz). */
  fftSize?: number;
  /** F0 used for unvoiced frames (f0 = 0); default 500 Hz. */
  defaultF0?: number;
  /** Lowest F0 used for the window; lower values are raised to it. Default 71 Hz. */
  f0Floor?: number;
  /** Compensation lifter coefficient; default −0.15. */
  q1?: number;
}

/** Power floor added before the logarithm, relative to the frame's mean power (plus an absolute floor). */
const RELATIVE_FLOOR = 1e-9;
const ABSOLUTE_FLOOR = 1e-16;

/**
 * Spectral envelope (power) of each frame of `f0` (as produced by `estimateF0`, one value per frame, 0 = unvoiced):
 * one Float32Array of fftSize/2 + 1 bins per frame.
 */
export function cheapTrick(samples: Float32Array, sampleRate: number, f0: ArrayLike<number>, options: EnvelopeOptions = {}): Float32Array[] {
  const frameSeconds = options.frameSeconds ?? 0.005;
  const f0Floor = options.f0Floor ?? 71;
  const n = options.fftSize ?? defaultFftSize(sampleRate, f0Floor);
  const defaultF0 = options.defaultF0 ?? 500;
  const q1 = options.q1 ?? -0.15;
  const fft = fftOf(n);
  const half = n / 2;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const power = new Float64Array(half + 1);
  const smooth = new Float64Array(half + 1);
  const out: Float32Array[] = [];
  for (let frame = 0; frame < f0.length; frame++) {
    const raw = f0[frame]!;
    // The window (3 periods) must fit the FFT.
    const hz = Math.max(raw > 0 ? raw : defaultF0, f0Floor, (3 * sampleRate) / (n - 1));
    const centre = Math.round(frame * frameSeconds * sampleRate);
    const halfLen = Math.round((1.5 * sampleRate) / hz);
    re.fill(0);
    im.fill(0);
    let wSum = 0;
    let wSq = 0;
    let xw = 0;
    for (let i = -halfLen; i <= halfLen; i++) {
      const w = 0.5 + 0.5 * Math.cos((Math.PI * i * hz) / (1.5 * sampleRate));
      wSum += w;
      wSq += w * w;
      xw += w * sampleAt(samples, centre + i);
    }
    const norm = 1 / Math.sqrt(wSq);
    const mean = xw / wSum;
    for (let i = -halfLen; i <= halfLen; i++) {
      const w = 0.5 + 0.5 * Math.cos((Math.PI * i * hz) / (1.5 * sampleRate));
      re[(i + n) % n] = (sampleAt(samples, centre + i) - mean) * w * norm;
    }
    fft.forward(re, im);
    for (let k = 0; k <= half; k++) power[k] = re[k]! * re[k]! + im[k]! * im[k]!;
    dcCorrection(power, (hz * n) / sampleRate);
    linearSmoothing(power, smooth, ((2 * hz) / 3) * (n / sampleRate));
    let meanPower = 0;
    for (let k = 0; k <= half; k++) meanPower += smooth[k]!;
    meanPower /= half + 1;
    const floor = meanPower * RELATIVE_FLOOR + ABSOLUTE_FLOOR;
    for (let k = 0; k <= half; k++) smooth[k] = Math.log(smooth[k]! + floor);
    realCepstrum(smooth, fft, re, im);
    // Lifter (symmetric in quefrency) and back to the log spectrum.
    for (let q = 1; q <= half; q++) {
      const x = (Math.PI * hz * q) / sampleRate;
      const lifter = (Math.sin(x) / x) * (1 - 2 * q1 + 2 * q1 * Math.cos(2 * x));
      re[q] = re[q]! * lifter;
      if (q < half) re[n - q] = re[n - q]! * lifter;
    }
    im.fill(0);
    fft.forward(re, im);
    const env = new Float32Array(half + 1);
    for (let k = 0; k <= half; k++) env[k] = Math.exp(re[k]!);
    out.push(env);
  }
  return out;
}

/** Linear interpolation of p at fractional bin b, mirrored at 0 and at Nyquist. */
function interpMirrored(p: Float64Array, b: number): number {
  const half = p.length - 1;
  let x = Math.abs(b);
  if (x > half) x = Math.max(0, 2 * half - x);
  const i = Math.min(half - 1, Math.floor(x));
  const f = x - i;
  return p[i]! * (1 - f) + p[i + 1]! * f;
}

/** Adds the mirror image around 0 Hz to the bins below F0 (f0Bins = F0 in bins). */
function dcCorrection(power: Float64Array, f0Bins: number): void {
  const copy = Float64Array.from(power);
  for (let k = 0; k < f0Bins && k < power.length; k++) power[k] = power[k]! + interpMirrored(copy, f0Bins - k);
}

/** Mean of `power` over a rectangle `width` bins wide around each bin (mirrored at the ends), via a cumulative integral. */
function linearSmoothing(power: Float64Array, out: Float64Array, width: number): void {
  const half = power.length - 1;
  const margin = Math.ceil(width) + 2;
  const len = half + 1 + 2 * margin;
  // cum[j] = integral of the piecewise-constant extended spectrum (cell j spans [j − 0.5, j + 0.5] in extended bins) up to j + 0.5.
  const cum = new Float64Array(len + 1);
  for (let j = 0; j < len; j++) cum[j + 1] = cum[j]! + interpMirrored(power, j - margin);
  const integral = (x: number): number => {
    // x in extended bins; cum at position (j − 0.5) is cum[j].
    const pos = x + 0.5;
    const i = Math.min(len - 1, Math.max(0, Math.floor(pos)));
    const f = pos - i;
    return cum[i]! + (cum[i + 1]! - cum[i]!) * f;
  };
  const w = Math.max(width, 1e-6);
  for (let k = 0; k <= half; k++) out[k] = Math.max(0, (integral(k + margin + w / 2) - integral(k + margin - w / 2)) / w);
}
