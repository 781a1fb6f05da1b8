// Waveform synthesis from F0, spectral envelope and band aperiodicity for the voice model (main process and workers). No I/O.
//
// Written from the published WORLD synthesis (M. Morise, F. Yokomori, K. Ozawa, "WORLD: a vocoder-based high-quality speech
// synthesis system for real-time applications", IEICE Trans. Inf. & Syst. E99-D(7), 2016): pulses at phase-continuous F0
// (unvoiced stretches at a default F0 with aperiodicity 1), and at each pulse one segment overlap-added to the output: the
// minimum-phase response of the periodic part of the envelope, delayed by the pulse's fractional position, plus a period of
// white noise filtered by the minimum-phase response of the aperiodic part. The envelope and aperiodicity are interpolated
// linearly between frames at the pulse time. Aperiodicity ap is the noise's share of the power: periodic power
// envelope·(1 − ap), noise power envelope·ap. Scale matches `cheapTrick`: the periodic response is scaled by √(period in
// samples), so a harmonic of amplitude A analysed to envelope ≈ A²·fs/(4·F0) comes back at amplitude A, and unit-variance
// noise per sample gives a power spectral density equal to envelope·ap. Simplifications against WORLD: no low-pass of the
// aperiodicity/time-domain DC removal of the responses, no fractional-F0 jitter handling beyond the fractional delay, and the
// seeded noise source is ours. Deterministic for a given seed.

import { aperiodicityToBins, defaultBandEdges } from './aperiodicity.js';
import { RealFft } from '../speech/fft.js';
import { fftOf, gaussianSource, minimumPhasePair, phasors } from './dsp.js';

export interface SynthesisOptions {
  /** Hop between frames in seconds; default 0.005. */
  frameSeconds?: number;
  /** Output length in samples; default frames · hop. */
  length?: number;
  /** Band edges of the aperiodicity in Hz; default `defaultBandEdges(sampleRate)`. */
  bandEdges?: number[];
  /** Pulse rate in unvoiced stretches; default 500 Hz. */
  defaultF0?: number;
  /** Noise seed; default 1. */
  seed?: number;
}

const LOG_FLOOR = 1e-30;

/**
 * Waveform from per-frame `f0` (0 = unvoiced), `envelope` (power, fftSize/2 + 1 bins, as from `cheapTrick`) and band
 * `aperiodicity` (as from `bandAperiodicity`).
 */
export function synthesize(
  f0: ArrayLike<number>,
  envelope: Float32Array[],
  aperiodicity: Float32Array[],
  sampleRate: number,
  options: SynthesisOptions = {},
): Float32Array {
  const frames = Math.min(f0.length, envelope.length, aperiodicity.length);
  const hop = (options.frameSeconds ?? 0.005) * sampleRate;
  const length = options.length ?? Math.round(frames * hop);
  const out = new Float32Array(length);
  if (frames === 0 || length === 0) return out;
  const edges = options.bandEdges ?? defaultBandEdges(sampleRate);
  const defaultF0 = options.defaultF0 ?? 500;
  const noise = gaussianSource(options.seed ?? 1);
  const n = (envelope[0]!.length - 1) * 2;
  const half = n / 2;
  const fft = fftOf(n);
  const real = new RealFft(n);
  const scratch = { re: new Float64Array(n), im: new Float64Array(n) };
  const periodic = { re: new Float64Array(half + 1), im: new Float64Array(half + 1) };
  const aperiodic = { re: new Float64Array(half + 1), im: new Float64Array(half + 1) };
  const wRe = new Float64Array(half + 1);
  const wIm = new Float64Array(half + 1);
  const rampRe = new Float64Array(half + 1);
  const rampIm = new Float64Array(half + 1);
  const signal = new Float64Array(n);
  const logP = new Float64Array(half + 1);
  const logN = new Float64Array(half + 1);
  const apBins = new Float64Array(half + 1);
  const bands = edges.length - 1;
  const apBands = new Float64Array(bands);

  const f0At = (pos: number): number => {
    const x = Math.min(frames - 1, Math.max(0, pos / hop));
    const i = Math.floor(x);
    const j = Math.min(frames - 1, i + 1);
    const a = f0[i]!;
    const b = f0[j]!;
    if (a > 0 && b > 0) return a + (b - a) * (x - i);
    const nearest = x - i < 0.5 ? a : b;
    return nearest > 0 ? nearest : 0;
  };

  const addPulse = (p: number, hz: number, voiced: boolean): void => {
    const period = sampleRate / hz;
    const x = Math.min(frames - 1, Math.max(0, p / hop));
    const i = Math.floor(x);
    const j = Math.min(frames - 1, i + 1);
    const f = x - i;
    const envA = envelope[i]!;
    const envB = envelope[j]!;
    if (voiced) {
      const apA = aperiodicity[i]!;
      const apB = aperiodicity[j]!;
      for (let b = 0; b < bands; b++) apBands[b] = apA[b]! * (1 - f) + apB[b]! * f;
      aperiodicityToBins(apBands, edges, n, sampleRate, apBins);
    } else apBins.fill(1);
    for (let k = 0; k <= half; k++) {
      const power = envA[k]! * (1 - f) + envB[k]! * f;
      const ap = Math.min(1, Math.max(0, apBins[k]!));
      logP[k] = 0.5 * Math.log(Math.max(power * (1 - ap) * period, LOG_FLOOR));
      logN[k] = 0.5 * Math.log(Math.max(power * ap, LOG_FLOOR));
    }
    // Half the transforms of doing each part alone: both minimum-phase responses from one pair of FFTs, the noise and
    // the output as real FFTs, and the fractional delay as a rotation per bin rather than a cos and sin.
    minimumPhasePair(logP, logN, fft, scratch, periodic, aperiodic);
    const start = Math.floor(p);
    const frac = p - start;
    signal.fill(0);
    const noiseLen = Math.min(n, Math.max(1, Math.round(period)));
    for (let t = 0; t < noiseLen; t++) signal[t] = noise();
    real.forward(signal, wRe, wIm);
    phasors((2 * Math.PI * frac) / n, half + 1, rampRe, rampIm);
    const { re: pRe, im: pIm } = periodic;
    const { re: nRe, im: nIm } = aperiodic;
    for (let k = 0; k <= half; k++) {
      const c = rampRe[k]!;
      const s = -rampIm[k]!;
      // periodic · e^{−jω·frac} + noiseResponse · noiseSpectrum
      const yr = pRe[k]! * c - pIm[k]! * s + (nRe[k]! * wRe[k]! - nIm[k]! * wIm[k]!);
      const yi = pRe[k]! * s + pIm[k]! * c + (nRe[k]! * wIm[k]! + nIm[k]! * wRe[k]!);
      wRe[k] = yr;
      wIm[k] = yi;
    }
    real.inverse(wRe, wIm, signal);
    // The buffer is circular: its second half holds the response just before the pulse (fractional-delay pre-ringing).
    for (let t = -half; t < half; t++) {
      const at = start + t;
      if (at >= 0 && at < length) out[at] = out[at]! + signal[t < 0 ? t + n : t]!;
    }
  };

  let phase = 0;
  for (let s = 0; s < length; s++) {
    const voicedHz = f0At(s);
    const hz = voicedHz > 0 ? voicedHz : defaultF0;
    const next = phase + (2 * Math.PI * hz) / sampleRate;
    if (next >= 2 * Math.PI) {
      const frac = (2 * Math.PI - phase) / (next - phase);
      addPulse(s + frac, hz, voicedHz > 0);
      phase = next - 2 * Math.PI;
    } else phase = next;
  }
  return out;
}
