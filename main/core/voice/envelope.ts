// Spectral envelope per frame for the voice model (main process and workers), CheapTrick-style. No I/O.
//
// Written from the published algorithm: M. Morise, "CheapTrick, a spectral envelope estimator for high-quality speech
// synthesis" (Speech Communication 67, 2015). Per frame: a Hann window 3 F0 periods long centred on the frame (normalised
// to unit energy, windowed mean removed), the power spectrum, the DC correction (power below F0 gets the mirror image
// around 0 Hz added), linear smoothing over a rectangle 2·F0/3 wide, then cepstral liftering with the smoothing lifter
// sin(πF0q)/(πF0q) and the compensation lifter (1 − 2q1) + 2q1·cos(2πF0q), q1 = −0.15. Unvoiced frames use a default F0.
// Simplifications against WORLD: a small constant floor instead of WORLD's added random noise before the logarithm; sample
// indices outside the signal are clamped to its ends. Departures: unvoiced frames skip the DC correction (it stands in for
// the harmonic missing below F0; on noise it doubles the power below the default F0, and an analysis → synthesis → analysis
// round trip doubles it again), and their window may be longer than 3 default periods (`unvoicedWindowF0`), because a noise
// spectrum from a 6 ms window scatters by several dB. Optionally (`tapers`, `unvoicedTapers`) the power spectrum is the mean
// over K sine tapers (Riedel & Sidorenko, "Minimum bias multiple taper spectral estimation", IEEE Trans. Signal Processing
// 43(1), 1995) instead of one Hann window: for noise, and for the aperiodic bands of voiced speech, that divides the
// variance by up to K. Sine tapers over N samples smear a line over ±(K + 1)/2N, so a voiced window spans 3·(K + 1)/4
// periods: at K = 3 exactly CheapTrick's 3 periods, and the same ±2·F0/3 the Hann window's main lobe covers.
//
// Scale: for a harmonic of amplitude A the envelope is ≈ A²·fs/(4·F0) (a two-sided power spectral density per sample),
// which is what `synthesize` (synthesis.ts) expects, and white noise of variance σ² gives ≈ σ².

import { defaultFftSize, evenExtensionPair, fftOf, phasors, sampleAt, unpackRealPair } from './dsp.js';
import type { ComplexFft } from './dsp.js';

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
  /** The window of unvoiced frames is 3 periods of this F0 (smoothing and lifters still use `defaultF0`); default `defaultF0`. */
  unvoicedWindowF0?: number;
  /** Sine tapers averaged for voiced frames; default 1, CheapTrick's single Hann window. */
  tapers?: number;
  /** Sine tapers averaged for unvoiced frames over their window; default 1 (Hann). */
  unvoicedTapers?: number;
}

/** Power floor added before the logarithm, relative to the frame's mean power (plus an absolute floor). */
const RELATIVE_FLOOR = 1e-9;
const ABSOLUTE_FLOOR = 1e-16;
/**
 * Spectral envelope (power) of each frame of `f0` (as produced by `estimateF0`, one value per frame, 0 = unvoiced):
 * one Float32Array of fftSize/2 + 1 bins per frame.
 *
 * Frames go through the FFTs in pairs, one as the real and one as the imaginary part: the windowed signals are real
 * and the log spectra and cepstra real and even, so one complex transform serves two frames at every step.
 */
export function cheapTrick(samples: Float32Array, sampleRate: number, f0: ArrayLike<number>, options: EnvelopeOptions = {}): Float32Array[] {
  const frameSeconds = options.frameSeconds ?? 0.005;
  const f0Floor = options.f0Floor ?? 71;
  const n = options.fftSize ?? defaultFftSize(sampleRate, f0Floor);
  const defaultF0 = options.defaultF0 ?? 500;
  const q1 = options.q1 ?? -0.15;
  const fft = fftOf(n);
  const half = n / 2;
  // The window (3 periods) must fit the FFT.
  const minHz = Math.max(f0Floor, (3 * sampleRate) / (n - 1));
  const frameHz = (frame: number): number => {
    const raw = f0[frame]!;
    return Math.max(raw > 0 ? raw : defaultF0, minHz);
  };
  const unvoicedWindowHz = Math.max(options.unvoicedWindowF0 ?? defaultF0, minHz);
  const voicedTapers = taperCount(options.tapers);
  const unvoicedTapers = taperCount(options.unvoicedTapers);
  const voiced = (frame: number): boolean => f0[frame]! > 0;
  const tapersOf = (frame: number): number => (voiced(frame) ? voicedTapers : unvoicedTapers);
  // Three periods of this F0 make the window: 3·(K + 1)/4 periods of the frame's own F0 under K sine tapers (K > 1).
  const windowHz = (frame: number): number => {
    if (!voiced(frame)) return unvoicedWindowHz;
    return voicedTapers === 1 ? frameHz(frame) : Math.max(minHz, (4 * frameHz(frame)) / (voicedTapers + 1));
  };
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const work = new FrameWork(n, Math.round((1.5 * sampleRate) / minHz) + 1);
  const logA = new Float64Array(half + 1);
  const logB = new Float64Array(half + 1);
  const out: Float32Array[] = [];
  for (let frame = 0; frame < f0.length; frame += 2) {
    const paired = frame + 1 < f0.length;
    const hzA = frameHz(frame);
    const hzB = paired ? frameHz(frame + 1) : hzA;
    work.taperedPower(samples, sampleRate, [
      { centre: Math.round(frame * frameSeconds * sampleRate), hz: windowHz(frame), tapers: tapersOf(frame), power: work.powerA },
      ...(paired
        ? [{ centre: Math.round((frame + 1) * frameSeconds * sampleRate), hz: windowHz(frame + 1), tapers: tapersOf(frame + 1), power: work.powerB }]
        : []),
    ], fft, re, im);
    work.smoothedLogPower(work.powerA, hzA, sampleRate, voiced(frame), logA);
    work.smoothedLogPower(work.powerB, hzB, sampleRate, paired ? voiced(frame + 1) : voiced(frame), logB);
    // Real cepstra of the even extensions.
    evenExtensionPair(logA, logB, n, re, im);
    fft.inverse(re, im);
    work.lifter(re, hzA, sampleRate, q1);
    work.lifter(im, hzB, sampleRate, q1);
    fft.forward(re, im);
    out.push(exponential(re, half + 1));
    if (paired) out.push(exponential(im, half + 1));
  }
  return out;
}

function taperCount(value: number | undefined): number {
  const k = value ?? 1;
  if (!Number.isSafeInteger(k) || k < 1) throw new RangeError(`tapers must be a whole number of at least 1, not ${value}`);
  return k;
}

/** One frame's power spectrum to estimate: its centre sample, window F0 (3 periods long), taper count and output. */
interface TaperedFrame {
  centre: number;
  hz: number;
  tapers: number;
  power: Float64Array;
}

function exponential(logEnvelope: Float64Array, bins: number): Float32Array {
  const env = new Float32Array(bins);
  for (let k = 0; k < bins; k++) env[k] = Math.exp(logEnvelope[k]!);
  return env;
}

/** Per-frame steps of `cheapTrick` with their scratch buffers, allocated once per call. */
class FrameWork {
  readonly powerA: Float64Array;
  readonly powerB: Float64Array;
  private readonly n: number;
  private readonly smooth: Float64Array;
  private readonly mirror: Float64Array;
  private readonly cum: Float64Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly shape: Float64Array;
  private readonly sineCycle: Float64Array;
  private sineLength = 0;
  private readonly segment: Float64Array;

  constructor(n: number, maxWindowHalf: number) {
    const bins = n / 2 + 1;
    this.shape = new Float64Array(2 * maxWindowHalf + 1);
    this.sineCycle = new Float64Array(4 * maxWindowHalf + 4);
    this.segment = new Float64Array(2 * maxWindowHalf + 1);
    this.n = n;
    this.powerA = new Float64Array(bins);
    this.powerB = new Float64Array(bins);
    this.smooth = new Float64Array(bins);
    this.mirror = new Float64Array(bins);
    // Long enough for the smoothing rectangle of any F0 up to Nyquist.
    this.cum = new Float64Array(4 * bins);
    this.cos = new Float64Array(Math.max(bins, 4 * maxWindowHalf + 4));
    this.sin = new Float64Array(Math.max(bins, maxWindowHalf + 1));
  }

  /**
   * Each frame's power spectrum into its `power`: |FFT|² under one Hann window, or the mean over its sine tapers. The
   * windowed signals are real, so they go through the FFT two at a time (real and imaginary part): two frames' Hann
   * windows, or a frame's tapers in pairs.
   */
  taperedPower(samples: Float32Array, sampleRate: number, frames: readonly TaperedFrame[], fft: ComplexFft, re: Float64Array, im: Float64Array): void {
    const n = this.n;
    const jobs = frames.flatMap((frame) => Array.from({ length: frame.tapers }, (_, t) => ({ frame, taper: frame.tapers === 1 ? 0 : t + 1 })));
    for (const frame of frames) frame.power.fill(0);
    for (let j = 0; j < jobs.length; j += 2) {
      const a = jobs[j]!;
      const b = jobs[j + 1];
      re.fill(0);
      im.fill(0);
      this.window(samples, a.frame.centre, a.frame.hz, sampleRate, a.taper, re);
      if (b) this.window(samples, b.frame.centre, b.frame.hz, sampleRate, b.taper, im);
      fft.forward(re, im);
      const powerA = a.frame.power;
      const powerB = b?.frame.power;
      const scaleA = 1 / a.frame.tapers;
      const scaleB = b ? 1 / b.frame.tapers : 0;
      unpackRealPair(re, im, n, (k, ar, ai, br, bi) => {
        powerA[k] = powerA[k]! + scaleA * (ar * ar + ai * ai);
        if (powerB) powerB[k] = powerB[k]! + scaleB * (br * br + bi * bi);
      });
    }
  }

  /**
   * Window 3 periods of `hz` long centred on `centre`, normalised to unit energy, into `out` (circular): Hann (taper 0) or
   * the sine taper `taper` ≥ 1, sin(π·taper·m/(L + 1)) at sample m = 1..L, over the frame's samples less their mean
   * (`readSegment`, on a frame's first window).
   */
  window(samples: Float32Array, centre: number, hz: number, sampleRate: number, taper: number, out: Float64Array): void {
    const n = this.n;
    const halfLen = Math.round((1.5 * sampleRate) / hz);
    const length = 2 * halfLen + 1;
    const shape = this.shape;
    let norm: number;
    if (taper === 0) {
      phasors((Math.PI * hz) / (1.5 * sampleRate), halfLen + 1, this.cos, this.sin);
      let energy = 0;
      for (let m = 0; m < length; m++) {
        shape[m] = 0.5 + 0.5 * this.cos[Math.abs(m - halfLen)]!;
        energy += shape[m]! * shape[m]!;
      }
      norm = 1 / Math.sqrt(energy);
    } else {
      const cycle = 2 * (length + 1);
      if (this.sineLength !== length) {
        // sin(π·j/(L + 1)) over a whole cycle: taper k at sample m is entry k·m mod 2(L + 1).
        phasors(Math.PI / (length + 1), cycle, this.cos, this.sineCycle);
        this.sineLength = length;
      }
      let at = 0;
      for (let m = 0; m < length; m++) {
        at += taper;
        if (at >= cycle) at -= cycle;
        shape[m] = this.sineCycle[at]!;
      }
      // Σ sin²(π·k·m/(L + 1)) over m = 1..L is (L + 1)/2 for every k.
      norm = Math.sqrt(2 / (length + 1));
    }
    if (taper <= 1) this.readSegment(samples, centre, halfLen, shape);
    const segment = this.segment;
    for (let m = 0; m < length; m++) out[m < halfLen ? n - halfLen + m : m - halfLen] = segment[m]! * shape[m]! * norm;
  }

  /**
   * The samples under a frame's window with their mean removed, weighted by `weight` (its Hann window or first sine
   * taper, both positive): a frame's later tapers, called next, reuse them (the even ones sum to zero and could not weigh
   * the mean).
   */
  private readSegment(samples: Float32Array, centre: number, halfLen: number, weight: Float64Array): void {
    const segment = this.segment;
    let wSum = 0;
    let xw = 0;
    for (let m = 0; m <= 2 * halfLen; m++) {
      segment[m] = sampleAt(samples, centre + m - halfLen);
      wSum += weight[m]!;
      xw += weight[m]! * segment[m]!;
    }
    const mean = xw / wSum;
    for (let m = 0; m <= 2 * halfLen; m++) segment[m] = segment[m]! - mean;
  }

  /** DC correction (voiced frames), linear smoothing over 2·F0/3 and the floored logarithm of one frame's power spectrum, into `out`. */
  smoothedLogPower(power: Float64Array, hz: number, sampleRate: number, voiced: boolean, out: Float64Array): void {
    const n = this.n;
    const half = n / 2;
    if (voiced) dcCorrection(power, (hz * n) / sampleRate, this.mirror);
    linearSmoothing(power, this.smooth, ((2 * hz) / 3) * (n / sampleRate), this.cum);
    const smooth = this.smooth;
    let meanPower = 0;
    for (let k = 0; k <= half; k++) meanPower += smooth[k]!;
    meanPower /= half + 1;
    const floor = meanPower * RELATIVE_FLOOR + ABSOLUTE_FLOOR;
    for (let k = 0; k <= half; k++) out[k] = Math.log(smooth[k]! + floor);
  }

  /** Smoothing and compensation lifters on a real cepstrum (symmetric in quefrency). */
  lifter(cepstrum: Float64Array, hz: number, sampleRate: number, q1: number): void {
    const n = this.n;
    const half = n / 2;
    const theta = (Math.PI * hz) / sampleRate;
    phasors(theta, half + 1, this.cos, this.sin);
    for (let q = 1; q <= half; q++) {
      const x = theta * q;
      const c = this.cos[q]!;
      const s = this.sin[q]!;
      // cos 2x = cos²x − sin²x
      const lifter = (s / x) * (1 - 2 * q1 + 2 * q1 * (c * c - s * s));
      cepstrum[q] = cepstrum[q]! * lifter;
      if (q < half) cepstrum[n - q] = cepstrum[n - q]! * lifter;
    }
  }
}

/** p at the integer bin b mirrored at 0 and at Nyquist (what linear interpolation gives at a whole bin). */
function mirrored(p: Float64Array, b: number): number {
  const half = p.length - 1;
  let x = Math.abs(b);
  if (x > half) x = Math.max(0, 2 * half - x);
  return p[x]!;
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

/** Adds the mirror image around 0 Hz to the bins below F0 (f0Bins = F0 in bins); `copy` is scratch of power's length. */
function dcCorrection(power: Float64Array, f0Bins: number, copy: Float64Array): void {
  copy.set(power);
  for (let k = 0; k < f0Bins && k < power.length; k++) power[k] = power[k]! + interpMirrored(copy, f0Bins - k);
}

/**
 * Mean of `power` over a rectangle `width` bins wide around each bin (mirrored at the ends), via a cumulative integral
 * (in `scratch` when it is long enough).
 */
function linearSmoothing(power: Float64Array, out: Float64Array, width: number, scratch: Float64Array): void {
  const half = power.length - 1;
  const margin = Math.ceil(width) + 2;
  const len = half + 1 + 2 * margin;
  const cum = scratch.length > len ? scratch : new Float64Array(len + 1);
  // cum[j] = integral of the piecewise-constant extended spectrum (cell j spans [j − 0.5, j + 0.5] in extended bins) up to j + 0.5.
  cum[0] = 0;
  for (let j = 0; j < len; j++) cum[j + 1] = cum[j]! + mirrored(power, j - margin);
  const w = Math.max(width, 1e-6);
  for (let k = 0; k <= half; k++) {
    const upper = integral(cum, len, k + margin + w / 2);
    const lower = integral(cum, len, k + margin - w / 2);
    out[k] = Math.max(0, (upper - lower) / w);
  }
}

/** The cumulative integral at x extended bins (cum at position j − 0.5 is cum[j]), linear within a cell. */
function integral(cum: Float64Array, len: number, x: number): number {
  const pos = x + 0.5;
  const i = Math.min(len - 1, Math.max(0, Math.floor(pos)));
  const f = pos - i;
  return cum[i]! + (cum[i + 1]! - cum[i]!) * f;
}
