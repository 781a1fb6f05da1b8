// Band aperiodicity per frame for the voice model (main process and workers). No I/O.
//
// A simpler published measure than WORLD's D4C (M. Morise, "D4C, a band-aperiodicity estimator for high-quality speech
// synthesis", Speech Communication 84, 2016), which we do not implement: the band-wise normalised correlation between the
// signal and itself one period later, as used for the voicing degree of harmonic-plus-noise models (e.g. Stylianou's HNM and
// the multiband excitation "voiced/unvoiced per band" decisions of Griffin & Lim, 1988). For a harmonic signal plus noise
// with harmonic energy H and noise energy N in a band the correlation is ≈ H/(H + N), so aperiodicity = 1 − correlation is
// the noise's share of the band energy: 0 (periodic) .. 1 (noise). Per frame: a Hann window 3 periods long centred on the
// frame, and the same window over the signal one local period later, time-warped: each of its samples is read (windowed-sinc
// interpolation) one cycle of the F0 contour after its partner, the contour linear between frames. With a fixed lag a gliding
// F0 puts the k-th harmonic of the two windows k times the period mismatch apart, which the correlation reads as noise in the
// upper bands (a true 0.4 read 0.5 at 2–4 kHz and 0.8 over 6 kHz for 100 → 200 Hz in 0.5 s); on the warped copy a harmonic
// signal repeats whatever the glide, as in the time-warping of TANDEM-STRAIGHT and D4C. Then their cross spectrum, with a
// fractional-lag phase correction refined (±2 % of the period) to maximise the full-band correlation, which absorbs an F0
// error common to the window; per band, the real part of the summed cross spectrum over the geometric mean of the two
// energies. Unvoiced frames (f0 = 0) are 1 in every band.
//
// `aperiodicityToBins` spreads band values over FFT bins (linear between band centres) for synthesis.

import { fftOf, phasors, sampleAt, sampleAtFraction, unpackRealPair } from './dsp.js';

export interface AperiodicityOptions {
  /** Hop between frames in seconds; default 0.005 (frame i is centred at i · frameSeconds). */
  frameSeconds?: number;
  /** Band edges in Hz, increasing from 0; default `defaultBandEdges(sampleRate)`. */
  bandEdges?: number[];
}

/** Lag refinement grid: ±LAG_RANGE of the period in LAG_STEPS steps each way. */
const LAG_RANGE = 0.02;
const LAG_STEPS = 10;

/** Frames either side of the analysed one whose F0 shapes the local period (covers 2 periods of 71 Hz at 5 ms frames). */
const CONTOUR_FRAMES = 6;
/** A neighbour's F0 further than this ratio from the last one kept is a tracking jump, not a glide: the contour holds. */
const CONTOUR_JUMP = 1.15;

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
  const contour = new Float64Array(2 * CONTOUR_FRAMES + 1);
  const hop = frameSeconds * sampleRate;
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
    localContour(f0, frame, contour);
    const first = frame - CONTOUR_FRAMES;
    // F0 in Hz at sample position u, linear between frames of the held contour.
    const hzAt = (u: number): number => {
      const x = Math.min(2 * CONTOUR_FRAMES, Math.max(0, u / hop - first));
      const j = Math.min(2 * CONTOUR_FRAMES - 1, Math.floor(x));
      return contour[j]! + (contour[j + 1]! - contour[j]!) * (x - j);
    };
    const centre = Math.round(frame * frameSeconds * sampleRate);
    const a0 = centre - Math.round(period / 2);
    // z = a + j·b, split after one complex FFT.
    re.fill(0, 0, n);
    im.fill(0, 0, n);
    phasors(Math.PI / (halfLen + 1), halfLen + 1, cos, sin);
    for (let i = -halfLen; i <= halfLen; i++) {
      const w = 0.5 + 0.5 * cos[Math.abs(i)]!;
      const t = a0 + i;
      // The local period L with ∫ F0 over [t, t + L] = 1 cycle: exactly sampleRate / F0(t + L/2) for F0 linear in time.
      let local = sampleRate / hzAt(t);
      local = sampleRate / hzAt(t + local / 2);
      local = sampleRate / hzAt(t + local / 2);
      re[(i + n) % n] = w * sampleAt(samples, t);
      im[(i + n) % n] = w * sampleAtFraction(samples, t + local);
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
    // Where the contour's period is off by d, B ≈ A·e^{−jωd}; undo with e^{+jωd}, refining d over the grid d_s = s·step.
    // The full-band sum at d_s is Re Σ_k X[k]·e^{jω_k·d_first}·e^{jω_k·step·(s + LAG_STEPS)}: per bin, one rotation per grid
    // step instead of a cosine and a sine.
    const step = (LAG_RANGE * period) / LAG_STEPS;
    phasors((2 * Math.PI * (-LAG_STEPS * step)) / n, half + 1, cos, sin);
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
    let bestD = 0;
    let best = -Infinity;
    for (let s = -LAG_STEPS; s <= LAG_STEPS; s++) {
      const sum = sums[s + LAG_STEPS]!;
      if (sum > best) {
        best = sum;
        bestD = s * step;
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

/**
 * F0 of frames `frame` − CONTOUR_FRAMES .. `frame` + CONTOUR_FRAMES into `out`, walking outward from the (voiced) frame and
 * holding the last value past the signal's ends, an unvoiced frame or a jump over CONTOUR_JUMP.
 */
function localContour(f0: ArrayLike<number>, frame: number, out: Float64Array): void {
  out[CONTOUR_FRAMES] = f0[frame]!;
  for (const direction of [-1, 1]) {
    let held = false;
    for (let k = 1; k <= CONTOUR_FRAMES; k++) {
      const previous = out[CONTOUR_FRAMES + direction * (k - 1)]!;
      const j = frame + direction * k;
      const hz = j >= 0 && j < f0.length ? f0[j]! : 0;
      held ||= !(hz > 0) || hz > previous * CONTOUR_JUMP || hz < previous / CONTOUR_JUMP;
      out[CONTOUR_FRAMES + direction * k] = held ? previous : hz;
    }
  }
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
