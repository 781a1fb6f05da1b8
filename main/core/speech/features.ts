// Pure speech features (studio process and workers): a radix-2 real FFT, log-mel spectrograms, MFCCs,
// deltas, per-utterance mean/variance normalisation (CMVN) and a windowed-sinc resampler. No I/O.
import { fftOf } from './fft.js';

/** One feature vector per frame; all frames of a matrix have the same length. */
export type FeatureFrames = Float32Array[];

export interface FeatureOptions {
  /** Input sample rate; default 16 000. */
  sampleRate?: number;
  /** Analysis window in seconds; default 0.025. */
  windowSeconds?: number;
  /** Hop between frames in seconds; default 0.010. */
  hopSeconds?: number;
  /** Mel bands; default 40. */
  melBands?: number;
  /** Lowest and highest band edge in Hz; default 60 and sampleRate / 2. */
  minHz?: number;
  maxHz?: number;
  /** Pre-emphasis coefficient; default 0.97 (0 turns it off). */
  preEmphasis?: number;
}

const DEFAULTS = { sampleRate: 16_000, windowSeconds: 0.025, hopSeconds: 0.01, melBands: 40, minHz: 60, preEmphasis: 0.97 } as const;

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

/**
 * In-place iterative radix-2 complex FFT (decimation in time). `re` and `im` have the same power-of-two length.
 */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (im.length !== n) throw new Error(`fft: re has ${n} values, im ${im.length}`);
  if (!isPowerOfTwo(n)) throw new Error(`fft: length ${n} is not a power of two`);
  if (n > 1) fftOf(n).forward(re, im);
}

/**
 * FFT of a real signal of power-of-two length n, computed as one complex FFT of length n/2 (the even
 * samples as real parts, the odd ones as imaginary) and split: bins 0..n/2 (n/2 + 1 of them).
 */
export function realFft(signal: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const n = signal.length;
  if (!isPowerOfTwo(n) || n < 2) throw new Error(`realFft: length ${n} is not a power of two ≥ 2`);
  const half = n / 2;
  const zr = new Float64Array(half);
  const zi = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    zr[k] = signal[2 * k]!;
    zi[k] = signal[2 * k + 1]!;
  }
  fft(zr, zi);
  const re = new Float64Array(half + 1);
  const im = new Float64Array(half + 1);
  for (let k = 0; k <= half; k++) {
    const a = k % half;
    const b = (half - k) % half;
    // E[k] = (Z[k] + conj(Z[N/2-k])) / 2, O[k] = (Z[k] - conj(Z[N/2-k])) / 2i
    const er = (zr[a]! + zr[b]!) / 2;
    const ei = (zi[a]! - zi[b]!) / 2;
    const or = (zi[a]! + zi[b]!) / 2;
    const oi = -(zr[a]! - zr[b]!) / 2;
    const angle = (-2 * Math.PI * k) / n;
    const wr = Math.cos(angle);
    const wi = Math.sin(angle);
    re[k] = er + (or * wr - oi * wi);
    im[k] = ei + (or * wi + oi * wr);
  }
  return { re, im };
}

export const hzToMel = (hz: number): number => 2595 * Math.log10(1 + hz / 700);
export const melToHz = (mel: number): number => 700 * (10 ** (mel / 2595) - 1);

/** Triangular mel filters (HTK style) over FFT bins 0..fftSize/2: one row per band. */
export function melFilterbank(bands: number, fftSize: number, sampleRate: number, minHz: number, maxHz: number): Float32Array[] {
  if (!(minHz >= 0 && maxHz > minHz && maxHz <= sampleRate / 2)) throw new Error(`mel range ${minHz}..${maxHz} Hz is invalid at ${sampleRate} Hz`);
  const bins = fftSize / 2 + 1;
  const lo = hzToMel(minHz);
  const hi = hzToMel(maxHz);
  const edges = Array.from({ length: bands + 2 }, (_, i) => melToHz(lo + ((hi - lo) * i) / (bands + 1)));
  const binHz = sampleRate / fftSize;
  const filters: Float32Array[] = [];
  for (let b = 0; b < bands; b++) {
    const left = edges[b]!;
    const centre = edges[b + 1]!;
    const right = edges[b + 2]!;
    const row = new Float32Array(bins);
    for (let k = 0; k < bins; k++) {
      const hz = k * binHz;
      if (hz > left && hz < right) row[k] = hz <= centre ? (hz - left) / (centre - left) : (right - hz) / (right - centre);
    }
    filters.push(row);
  }
  return filters;
}

/** Log mel energies per frame (natural log, floored at 1e-10): window + hop framing, Hamming window, pre-emphasis. */
export function logMelSpectrogram(samples: Float32Array, options: FeatureOptions = {}): FeatureFrames {
  const sampleRate = options.sampleRate ?? DEFAULTS.sampleRate;
  const win = Math.round((options.windowSeconds ?? DEFAULTS.windowSeconds) * sampleRate);
  const hop = Math.round((options.hopSeconds ?? DEFAULTS.hopSeconds) * sampleRate);
  const bands = options.melBands ?? DEFAULTS.melBands;
  const pre = options.preEmphasis ?? DEFAULTS.preEmphasis;
  if (win < 2 || hop < 1) throw new Error(`window ${win} and hop ${hop} samples are too short`);
  let fftSize = 2;
  while (fftSize < win) fftSize *= 2;
  const filters = melFilterbank(bands, fftSize, sampleRate, options.minHz ?? DEFAULTS.minHz, options.maxHz ?? sampleRate / 2);
  const window = Float64Array.from({ length: win }, (_, i) => 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (win - 1)));
  const frames: FeatureFrames = [];
  const buffer = new Float64Array(fftSize);
  const power = new Float64Array(fftSize / 2 + 1);
  for (let start = 0; start + win <= samples.length; start += hop) {
    buffer.fill(0);
    for (let i = 0; i < win; i++) {
      const x = samples[start + i]! - (start + i > 0 ? pre * samples[start + i - 1]! : 0);
      buffer[i] = x * window[i]!;
    }
    const { re, im } = realFft(buffer);
    for (let k = 0; k < power.length; k++) power[k] = re[k]! * re[k]! + im[k]! * im[k]!;
    const frame = new Float32Array(bands);
    for (let b = 0; b < bands; b++) {
      const row = filters[b]!;
      let energy = 0;
      for (let k = 0; k < row.length; k++) if (row[k] !== 0) energy += row[k]! * power[k]!;
      frame[b] = Math.log(Math.max(energy, 1e-10));
    }
    frames.push(frame);
  }
  return frames;
}

/** DCT-II (orthonormal) of each log-mel frame, first `count` coefficients: MFCCs. */
export function mfcc(logMel: FeatureFrames, count = 13): FeatureFrames {
  return logMel.map((frame) => {
    const n = frame.length;
    const out = new Float32Array(Math.min(count, n));
    for (let c = 0; c < out.length; c++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += frame[i]! * Math.cos((Math.PI * c * (i + 0.5)) / n);
      out[c] = sum * Math.sqrt((c === 0 ? 1 : 2) / n);
    }
    return out;
  });
}

/** Regression deltas over ±`width` frames (edges repeat the first and last frame). */
export function deltas(frames: FeatureFrames, width = 2): FeatureFrames {
  const n = frames.length;
  let norm = 0;
  for (let k = 1; k <= width; k++) norm += 2 * k * k;
  return frames.map((frame, t) => {
    const out = new Float32Array(frame.length);
    for (let k = 1; k <= width; k++) {
      const next = frames[Math.min(n - 1, t + k)]!;
      const prev = frames[Math.max(0, t - k)]!;
      for (let d = 0; d < out.length; d++) out[d] = out[d]! + (k * (next[d]! - prev[d]!)) / norm;
    }
    return out;
  });
}

/** Frames with their columns joined: [a | b] per frame (both have the same frame count). */
export function stackFeatures(...parts: FeatureFrames[]): FeatureFrames {
  const n = parts[0]?.length ?? 0;
  for (const p of parts) if (p.length !== n) throw new Error('stackFeatures: frame counts differ');
  return Array.from({ length: n }, (_, t) => {
    const width = parts.reduce((sum, p) => sum + p[t]!.length, 0);
    const out = new Float32Array(width);
    let offset = 0;
    for (const p of parts) {
      out.set(p[t]!, offset);
      offset += p[t]!.length;
    }
    return out;
  });
}

/** Per-utterance cepstral mean and variance normalisation: every column to mean 0, variance 1 (constant columns to 0). */
export function cmvn(frames: FeatureFrames): FeatureFrames {
  const n = frames.length;
  if (n === 0) return [];
  const dim = frames[0]!.length;
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (const frame of frames) {
    for (let d = 0; d < dim; d++) {
      mean[d] = mean[d]! + frame[d]!;
      sq[d] = sq[d]! + frame[d]! * frame[d]!;
    }
  }
  const std = new Float64Array(dim);
  for (let d = 0; d < dim; d++) {
    mean[d] = mean[d]! / n;
    std[d] = Math.sqrt(Math.max(0, sq[d]! / n - mean[d]! * mean[d]!));
  }
  return frames.map((frame) => {
    const out = new Float32Array(dim);
    for (let d = 0; d < dim; d++) out[d] = std[d]! > 1e-8 ? (frame[d]! - mean[d]!) / std[d]! : 0;
    return out;
  });
}

/**
 * Resamples by windowed-sinc interpolation (Blackman window, ±`taps` input samples at the lower rate's
 * cutoff, so downsampling also low-passes below the new Nyquist). Any rate pair, e.g. 22 050 → 16 000 Hz.
 * Integer rates whose ratio reduces to L/M with L no larger than the output run polyphase: output j sits at input
 * position j·M/L, so its taps are one of L fixed filters, computed once per call (22 050 → 24 000 Hz is 160/147).
 */
export function resample(samples: Float32Array, fromRate: number, toRate: number, taps = 16): Float32Array {
  if (!(fromRate > 0 && toRate > 0)) throw new Error(`resample: invalid rates ${fromRate} → ${toRate}`);
  if (fromRate === toRate) return samples.slice();
  const ratio = toRate / fromRate;
  const cutoff = Math.min(1, ratio); // relative to the input Nyquist
  const half = Math.ceil(taps / cutoff);
  const out = new Float32Array(Math.floor(samples.length * ratio));
  const bank = Number.isInteger(fromRate) && Number.isInteger(toRate) ? polyphaseBank(fromRate, toRate, half, cutoff, out.length) : undefined;
  if (bank) {
    polyphase(samples, out, bank);
    return out;
  }
  for (let j = 0; j < out.length; j++) {
    const centre = j / ratio;
    const first = Math.max(0, Math.ceil(centre - half));
    const last = Math.min(samples.length - 1, Math.floor(centre + half));
    let sum = 0;
    for (let i = first; i <= last; i++) sum += samples[i]! * sincTap(i - centre, half, cutoff);
    out[j] = sum;
  }
  return out;
}

/** Blackman-windowed sinc at offset x (input samples) from the output position, scaled for unit gain below the cutoff. */
function sincTap(x: number, half: number, cutoff: number): number {
  const arg = Math.PI * x * cutoff;
  const sinc = x === 0 ? 1 : Math.sin(arg) / arg;
  const w = 0.42 + 0.5 * Math.cos((Math.PI * x) / half) + 0.08 * Math.cos((2 * Math.PI * x) / half);
  return sinc * w * cutoff;
}

/** Filters of a rational resampler: L phases of 2·half + 1 taps, tap t of phase p at offset t − half − p/L from the output position. */
interface PolyphaseBank {
  readonly up: number;
  readonly down: number;
  readonly half: number;
  readonly coefficients: Float64Array;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * The bank for fromRate → toRate, or undefined when it has more phases than outputs (a filter per output is no saving).
 * Building it takes well under a millisecond at the usual rates, so it is not kept between calls.
 */
function polyphaseBank(fromRate: number, toRate: number, half: number, cutoff: number, outputs: number): PolyphaseBank | undefined {
  const g = gcd(fromRate, toRate);
  const up = toRate / g;
  const down = fromRate / g;
  if (up > outputs) return undefined;
  const span = 2 * half + 1;
  const coefficients = new Float64Array(up * span);
  for (let p = 0; p < up; p++) {
    // Offsets beyond ±half are outside the window: phase p > 0 has no tap at −half − p/L.
    for (let t = p === 0 ? 0 : 1; t < span; t++) coefficients[p * span + t] = sincTap(t - half - p / up, half, cutoff);
  }
  return { up, down, half, coefficients };
}

/** Fills `out` from `samples` through the bank, taps outside the signal left out (as zeros). */
function polyphase(samples: Float32Array, out: Float32Array, bank: PolyphaseBank): void {
  const { up, down, half, coefficients } = bank;
  const span = 2 * half + 1;
  const last = samples.length - 1;
  let base = 0;
  let phase = 0;
  for (let j = 0; j < out.length; j++) {
    // Output j is at input position base + phase/up.
    const first = base - half;
    const row = phase * span - first;
    const from = Math.max(phase === 0 ? first : first + 1, 0);
    const to = Math.min(base + half, last);
    let sum = 0;
    for (let i = from; i <= to; i++) sum += samples[i]! * coefficients[row + i]!;
    out[j] = sum;
    phase += down;
    while (phase >= up) {
      phase -= up;
      base++;
    }
  }
}
