// Band aperiodicity per frame for the voice model (main process and workers). No I/O.
//
// A simpler published measure than WORLD's D4C (M. Morise, "D4C, a band-aperiodicity estimator for high-quality speech
// synthesis", Speech Communication 84, 2016), which we do not implement: the band-wise normalised correlation between the
// signal and itself one period later, as used for the voicing degree of harmonic-plus-noise models (e.g. Stylianou's HNM and
// the multiband excitation "voiced/unvoiced per band" decisions of Griffin & Lim, 1988). For a harmonic signal plus noise
// with harmonic energy H and noise energy N in a band the correlation is ≈ H/(H + N), so aperiodicity = 1 − correlation is
// the noise's share of the band energy: 0 (periodic) .. 1 (noise). Per frame: two Hann windows 3 periods long, one period
// apart, centred on the frame; their cross spectrum, with a fractional-lag phase correction whose lag is refined (±2 % of the
// period) to maximise the full-band correlation; per band, the real part of the summed cross spectrum over the geometric mean
// of the two energies. Unvoiced frames (f0 = 0) are 1 in every band.
//
// `aperiodicityToBins` spreads band values over FFT bins (linear between band centres) for synthesis.

import { fftOf, phasors, sampleAt, unpackRealPair } from './dsp.js';

export interface AperiodicityOptions {
  /** Hop between frames in seconds; default 0.005 (frame i is centred at i · frameSeconds). */
  frameSeconds?: number;
  /** Band edges in Hz, increasing from 0; default `defaultBandEdges(sampleRate)`. */
  bandEdges?: number[];
}

/** Lag refinement grid: ±LAG_RANGE of the period in LAG_STEPS steps each way. */
const LAG_RANGE = 0.02;
const LAG_STEPS = 10;

/** Default band edges: 0–1, 1–2, 2–4, 4–6 kHz and 6 kHz–Nyquist (5 bands at 16 kHz), dropping edges at or over Nyquist. */
export function defaultBandEdges(sampleRate: number): number[] {
  const nyquist = sampleRate / 2;
  const edges = [0, ...[1000, 2000, 4000, 6000].filter((e) => e < nyquist), nyquist];
  return edges;
}

/** Band aperiodicity per frame (one Float32Array of bands per frame of `f0`), 0 = periodic .. 1 = noise. */
export function bandAperiodicity(samples: Float32Array, sampleRate: number, f0: ArrayLike<number>, options: AperiodicityOptions = {}): Float32Array[] {
  const frameSeconds = options.frameSeconds ?? 0.005;
  const edges = options.bandEdges ?? defaultBandEdges(sampleRate);
  const bands = edges.length - 1;
  const out: Float32Array[] = [];
  let work = new FrameWork(0);
  const sums = new Float64Array(2 * LAG_STEPS + 1);
  for (let frame = 0; frame < f0.length; frame++) {
    const hz = f0[frame]!;
    const ap = new Float32Array(bands).fill(1);
    out.push(ap);
    if (!(hz > 0)) continue;
    const period = sampleRate / hz;
    const halfLen = Math.round(1.5 * period);
    const n = 2 ** Math.ceil(Math.log2(2 * halfLen + 1));
    if (work.n < n) work = new FrameWork(n);
    const { re, im, crossRe, crossIm, energyA, energyB, cos, sin, rampRe, rampIm } = work;
    const fft = fftOf(n);
    const lag = Math.round(period);
    const centre = Math.round(frame * frameSeconds * sampleRate);
    const a0 = centre - Math.round(period / 2);
    // z = a + j·b, split after one complex FFT.
    re.fill(0, 0, n);
    im.fill(0, 0, n);
    phasors(Math.PI / (halfLen + 1), halfLen + 1, cos, sin);
    for (let i = -halfLen; i <= halfLen; i++) {
      const w = 0.5 + 0.5 * cos[Math.abs(i)]!;
      re[(i + n) % n] = w * sampleAt(samples, a0 + i);
      im[(i + n) % n] = w * sampleAt(samples, a0 + lag + i);
    }
    fft.forward(re, im);
    const half = n / 2;
    unpackRealPair(re, im, n, (k, ar, ai, br, bi) => {
      // conj(A)·B
      crossRe[k] = ar * br + ai * bi;
      crossIm[k] = ar * bi - ai * br;
      energyA[k] = ar * ar + ai * ai;
      energyB[k] = br * br + bi * bi;
    });
    // B ≈ A·e^{−jωd} with d = lag − period (the shift beyond one period); undo with e^{+jωd}, refining d over the grid
    // d_s = base + s·step. The full-band sum at d_s is Re Σ_k X[k]·e^{jω_k·d_first}·e^{jω_k·step·(s + LAG_STEPS)}: per bin,
    // one rotation per grid step instead of a cosine and a sine.
    const base = lag - period;
    const step = (LAG_RANGE * period) / LAG_STEPS;
    phasors((2 * Math.PI * (base - LAG_STEPS * step)) / n, half + 1, cos, sin);
    phasors((2 * Math.PI * step) / n, half + 1, rampRe, rampIm);
    sums.fill(0);
    for (let k = 0; k <= half; k++) {
      let wr = crossRe[k]! * cos[k]! - crossIm[k]! * sin[k]!;
      let wi = crossRe[k]! * sin[k]! + crossIm[k]! * cos[k]!;
      const vr = rampRe[k]!;
      const vi = rampIm[k]!;
      for (let t = 0; t < sums.length; t++) {
        sums[t] = sums[t]! + wr;
        const r = wr * vr - wi * vi;
        wi = wr * vi + wi * vr;
        wr = r;
      }
    }
    let bestD = base;
    let best = -Infinity;
    for (let s = -LAG_STEPS; s <= LAG_STEPS; s++) {
      const sum = sums[s + LAG_STEPS]!;
      if (sum > best) {
        best = sum;
        bestD = base + (s / LAG_STEPS) * LAG_RANGE * period;
      }
    }
    phasors((2 * Math.PI * bestD) / n, half + 1, cos, sin);
    for (let b = 0; b < bands; b++) {
      const lo = Math.ceil((edges[b]! * n) / sampleRate);
      const hi = Math.min(half, Math.floor((edges[b + 1]! * n) / sampleRate - (b + 1 < bands ? 1e-9 : 0)));
      let c = 0;
      let ea = 0;
      let eb = 0;
      for (let k = lo; k <= hi; k++) {
        c += crossRe[k]! * cos[k]! - crossIm[k]! * sin[k]!;
        ea += energyA[k]!;
        eb += energyB[k]!;
      }
      const denom = Math.sqrt(ea * eb);
      if (denom > 0) ap[b] = Math.min(1, Math.max(0, 1 - c / denom));
    }
  }
  return out;
}

/** Scratch buffers for FFTs up to size n (frames of lower F0 need larger ones). */
class FrameWork {
  readonly re: Float64Array;
  readonly im: Float64Array;
  readonly crossRe: Float64Array;
  readonly crossIm: Float64Array;
  readonly energyA: Float64Array;
  readonly energyB: Float64Array;
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  readonly rampRe: Float64Array;
  readonly rampIm: Float64Array;

  constructor(readonly n: number) {
    const bins = n / 2 + 1;
    this.re = new Float64Array(n);
    this.im = new Float64Array(n);
    this.crossRe = new Float64Array(bins);
    this.crossIm = new Float64Array(bins);
    this.energyA = new Float64Array(bins);
    this.energyB = new Float64Array(bins);
    // Also the window's half (at most n/2 + 1 values).
    this.cos = new Float64Array(bins);
    this.sin = new Float64Array(bins);
    this.rampRe = new Float64Array(bins);
    this.rampIm = new Float64Array(bins);
  }
}

/** Band values spread over bins 0..fftSize/2: linear between band centres, constant beyond the first and last centre. */
export function aperiodicityToBins(bandValues: ArrayLike<number>, bandEdges: number[], fftSize: number, sampleRate: number, out?: Float64Array): Float64Array {
  const half = fftSize / 2;
  const result = out ?? new Float64Array(half + 1);
  const bands = bandEdges.length - 1;
  const centres = new Float64Array(bands);
  for (let b = 0; b < bands; b++) centres[b] = (bandEdges[b]! + bandEdges[b + 1]!) / 2;
  let b = 0;
  for (let k = 0; k <= half; k++) {
    const hz = (k * sampleRate) / fftSize;
    while (b < bands - 1 && hz > centres[b + 1]!) b++;
    let v: number;
    if (bands === 1 || hz <= centres[0]!) v = bandValues[0]!;
    else if (hz >= centres[bands - 1]!) v = bandValues[bands - 1]!;
    else {
      const f = (hz - centres[b]!) / (centres[b + 1]! - centres[b]!);
      v = bandValues[b]! * (1 - f) + bandValues[b + 1]! * f;
    }
    result[k] = v;
  }
  return result;
}
