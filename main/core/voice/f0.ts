// F0 (pitch) estimation for the voice model (main process and workers): YIN with pYIN-style candidates and Viterbi smoothing. No I/O.
//
// Written from the published algorithms: de Cheveigné & Kawahara, "YIN, a fundamental frequency estimator for speech and
// music" (JASA 2002) and Mauch & Dixon, "pYIN: a fundamental frequency estimator using probabilistic threshold
// distributions" (ICASSP 2014). Per frame: the YIN difference function (its cross term from an FFT correlation), the
// cumulative mean normalised difference (CMND), its local minima as period candidates, each weighted by the share of a
// Beta-distributed threshold for which it is the first minimum under the threshold (the YIN absolute-threshold rule), with
// parabolic interpolation. A Viterbi pass over candidates plus an unvoiced state, with a log-frequency transition cost and a
// voicing-switch cost, picks the track; frame energy gates the voicing.
import { type ComplexFft, fftOf } from '../speech/fft.js';

export interface F0Options {
  /** Hop between frames in seconds; default 0.005. */
  frameSeconds?: number;
  /** Lowest and highest F0 searched in Hz; default 60 and 500. */
  minHz?: number;
  maxHz?: number;
  /** Mean of the YIN threshold distribution (CMND value); default 0.15. */
  threshold?: number;
}

export interface F0Track {
  /** Frame centres in seconds: i · frameSeconds. */
  times: Float32Array;
  /** F0 in Hz per frame, 0 where unvoiced. */
  f0: Float32Array;
  /** Periodicity 0..1 per frame: 1 − CMND at the chosen period (at the best period where unvoiced). */
  periodicity: Float32Array;
}

/** Integration window of the difference function in seconds (at least one longest period). */
const WINDOW_SECONDS = 0.025;
/** Discrete thresholds 0.01..0.99 of the pYIN threshold distribution. */
const THRESHOLD_STEPS = 99;
/** Beta α of the threshold distribution; β follows from the requested mean. */
const BETA_ALPHA = 2;
/** Probability kept by the global minimum when no minimum lies under a threshold (pYIN). */
const GLOBAL_MIN_SHARE = 0.01;
/** Viterbi costs (negative log probabilities). */
const SWITCH_COST = 3;
const OCTAVE_COST = 20;
const FREE_OCTAVES = 0.03;
const MIN_PROB = 1e-4;
/** Frames below this RMS are silence. */
const SILENCE_RMS = 1e-4;
/** Energy gate: the noise floor is at most this far under the loudest frame; the gate opens from +3 to +9 dB over it. */
const NOISE_FLOOR_MAX_DB = 30;
const GATE_CLOSED_DB = 3;
const GATE_OPEN_DB = 9;
/** Width of the logistic that maps the best CMND value to a voicing probability. */
const VOICING_SLOPE = 0.05;

interface Candidate {
  hz: number;
  cmnd: number;
  prob: number;
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9).
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Weights of thresholds 0.01..0.99 under a Beta(α, β) with the given mean, normalised to sum 1. */
function thresholdWeights(mean: number): Float64Array {
  const m = Math.min(0.9, Math.max(0.02, mean));
  const beta = (BETA_ALPHA * (1 - m)) / m;
  const logNorm = logGamma(BETA_ALPHA + beta) - logGamma(BETA_ALPHA) - logGamma(beta);
  const w = new Float64Array(THRESHOLD_STEPS);
  let sum = 0;
  for (let i = 0; i < THRESHOLD_STEPS; i++) {
    const s = (i + 1) / (THRESHOLD_STEPS + 1);
    w[i] = Math.exp(logNorm + (BETA_ALPHA - 1) * Math.log(s) + (beta - 1) * Math.log(1 - s));
    sum += w[i]!;
  }
  for (let i = 0; i < THRESHOLD_STEPS; i++) w[i] = w[i]! / sum;
  return w;
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

/**
 * Estimates F0 every `frameSeconds` with YIN candidates and Viterbi smoothing. Pure; the result has
 * floor((length − 1) / hop) + 1 frames (none for an empty signal).
 */
export function estimateF0(samples: Float32Array, sampleRate: number, options: F0Options = {}): F0Track {
  const frameSeconds = options.frameSeconds ?? 0.005;
  const minHz = options.minHz ?? 60;
  const maxHz = options.maxHz ?? 500;
  const threshold = options.threshold ?? 0.15;
  if (!(sampleRate > 0)) throw new Error(`estimateF0: bad sample rate ${sampleRate}`);
  if (!(frameSeconds > 0)) throw new Error(`estimateF0: bad frameSeconds ${frameSeconds}`);
  if (!(minHz > 0 && maxHz > minHz && maxHz < sampleRate / 2)) throw new Error(`estimateF0: bad range ${minHz}..${maxHz} Hz`);

  const hop = Math.max(1, Math.round(frameSeconds * sampleRate));
  const frames = samples.length === 0 ? 0 : Math.floor((samples.length - 1) / hop) + 1;
  const times = new Float32Array(frames);
  const f0 = new Float32Array(frames);
  const periodicity = new Float32Array(frames);
  for (let i = 0; i < frames; i++) times[i] = (i * hop) / sampleRate;
  if (frames === 0) return { times, f0, periodicity };

  const minLag = Math.max(2, Math.floor(sampleRate / maxHz));
  const maxLag = Math.ceil(sampleRate / minHz) + 1; // one extra lag so every candidate lag has a right neighbour
  const win = Math.max(maxLag, Math.round(WINDOW_SECONDS * sampleRate));
  const span = win + maxLag;
  const fft = fftOf(nextPowerOfTwo(span));
  const n = fft.n;
  const weights = thresholdWeights(threshold);

  // Zero-padded signal and prefix sums of squares (for the energy terms of the difference function).
  const offset = Math.floor(win / 2);
  const padded = new Float64Array(offset + samples.length + span);
  for (let i = 0; i < samples.length; i++) padded[offset + i] = samples[i]!;
  const squares = new Float64Array(padded.length + 1);
  for (let i = 0; i < padded.length; i++) squares[i + 1] = squares[i]! + padded[i]! * padded[i]!;

  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const cmnd = new Float64Array(maxLag + 1);
  const candidates: Candidate[][] = new Array<Candidate[]>(frames).fill([]);
  const rmsOf = new Float64Array(frames);
  const bestCmnd = new Float64Array(frames).fill(1);

  // Window [start, start + win) of `padded` is centred on sample f · hop.
  const audible: number[] = [];
  for (let f = 0; f < frames; f++) {
    const start = f * hop;
    let mean = 0;
    for (let j = 0; j < win; j++) mean += padded[start + j]!;
    mean /= win;
    const energy = squares[start + win]! - squares[start]!;
    rmsOf[f] = Math.sqrt(Math.max(0, energy / win - mean * mean));
    if (rmsOf[f]! >= SILENCE_RMS) audible.push(f);
  }

  // Cross term r(τ) = Σ_{j<win} x[j]·x[j+τ] of each frame as conj(A)·B, A and B the FFTs of a = x[0, win) and
  // b = x[0, span), packed as the real and imaginary parts of one FFT. r is real, so two frames share the inverse FFT:
  // the first frame's product P and the second's Q go in as P + j·Q and come out as the real and imaginary parts.
  const half = n / 2;
  const pRe = new Float64Array(half + 1);
  const pIm = new Float64Array(half + 1);
  const qRe = new Float64Array(half + 1);
  const qIm = new Float64Array(half + 1);
  for (let p = 0; p < audible.length; p += 2) {
    const paired = p + 1 < audible.length;
    crossSpectrum(fft, padded, audible[p]! * hop, win, span, re, im, pRe, pIm);
    if (paired) crossSpectrum(fft, padded, audible[p + 1]! * hop, win, span, re, im, qRe, qIm);
    else {
      qRe.fill(0);
      qIm.fill(0);
    }
    for (let k = 0; k <= half; k++) {
      const m = (n - k) % n;
      const pr = pRe[k]!;
      const pi = pIm[k]!;
      const qr = qRe[k]!;
      const qi = qIm[k]!;
      re[k] = pr - qi;
      im[k] = pi + qr;
      if (m !== k) {
        // Bin n−k of a real signal's spectrum is the conjugate of bin k: P[n−k] + j·Q[n−k] = conj P[k] + j·conj Q[k].
        re[m] = pr + qi;
        im[m] = qr - pi;
      }
    }
    fft.run(re, im, true);
    for (let side = 0; side < (paired ? 2 : 1); side++) {
      const f = audible[p + side]!;
      const r = side === 0 ? re : im;
      const start = f * hop;
      const e0 = squares[start + win]! - squares[start]!;
      let running = 0;
      cmnd[0] = 1;
      for (let tau = 1; tau <= maxLag; tau++) {
        const eTau = squares[start + tau + win]! - squares[start + tau]!;
        const d = Math.max(0, e0 + eTau - (2 * r[tau]!) / n);
        running += d;
        cmnd[tau] = running > 0 ? (d * tau) / running : 1;
      }
      candidates[f] = frameCandidates(cmnd, minLag, maxLag, sampleRate, weights);
      let best = 1;
      for (let tau = minLag; tau < maxLag; tau++) best = Math.min(best, cmnd[tau]!);
      bestCmnd[f] = best;
    }
  }

  // Voicing probability per frame: a logistic in the best CMND value (midpoint 2 × threshold) times an energy gate that
  // opens between 3 and 9 dB over the noise floor (the 10th percentile of frame levels, at most 30 dB under the loudest).
  const levels: number[] = [];
  for (let f = 0; f < frames; f++) levels.push(20 * Math.log10(Math.max(rmsOf[f]!, 1e-12)));
  const sorted = [...levels].sort((a, b) => a - b);
  const loudest = sorted[sorted.length - 1]!;
  const floorDb = Math.min(sorted[Math.floor(0.1 * (sorted.length - 1))]!, loudest - NOISE_FLOOR_MAX_DB);
  const voicing = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    if (rmsOf[f]! < SILENCE_RMS || candidates[f]!.length === 0) continue;
    const gate = Math.min(1, Math.max(0, (levels[f]! - floorDb - GATE_CLOSED_DB) / (GATE_OPEN_DB - GATE_CLOSED_DB)));
    const periodic = 1 / (1 + Math.exp((bestCmnd[f]! - 2 * threshold) / VOICING_SLOPE));
    voicing[f] = gate * periodic;
  }

  const path = viterbi(candidates, voicing);
  for (let f = 0; f < frames; f++) {
    const choice = path[f]!;
    const c = choice >= 0 ? candidates[f]![choice] : undefined;
    f0[f] = c ? c.hz : 0;
    periodicity[f] = Math.min(1, Math.max(0, 1 - (c ? c.cmnd : bestCmnd[f]!)));
  }
  return { times, f0, periodicity };
}

/**
 * conj(A)·B on bins 0..n/2 into outRe/outIm, A and B the spectra of a = x[start, start + win) and b = x[start, start + span)
 * (zero-padded to the FFT size), from one FFT of a + j·b in re/im.
 */
function crossSpectrum(fft: ComplexFft, x: Float64Array, start: number, win: number, span: number, re: Float64Array, im: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
  const n = fft.n;
  for (let j = 0; j < n; j++) {
    re[j] = j < win ? x[start + j]! : 0;
    im[j] = j < span ? x[start + j]! : 0;
  }
  fft.run(re, im, false);
  for (let k = 0; k <= n / 2; k++) {
    const m = (n - k) % n;
    const zr = re[k]!;
    const zi = im[k]!;
    const cr = re[m]!;
    const ci = im[m]!;
    // A = (Z[k] + conj Z[n−k]) / 2, B = (Z[k] − conj Z[n−k]) / 2i
    const ar = (zr + cr) / 2;
    const ai = (zi - ci) / 2;
    const br = (zi + ci) / 2;
    const bi = -(zr - cr) / 2;
    outRe[k] = ar * br + ai * bi;
    outIm[k] = ar * bi - ai * br;
  }
}

/**
 * The local minima of the CMND in [minLag, maxLag) that are, for some threshold, the first minimum under it, each with the
 * probability mass of those thresholds; the global minimum keeps a small share of the thresholds that nothing passes.
 */
function frameCandidates(cmnd: Float64Array, minLag: number, maxLag: number, sampleRate: number, weights: Float64Array): Candidate[] {
  const lags: number[] = [];
  const values: number[] = [];
  let globalIndex = -1;
  for (let tau = Math.max(1, minLag); tau < maxLag; tau++) {
    const v = cmnd[tau]!;
    if (v < cmnd[tau - 1]! && v <= cmnd[tau + 1]!) {
      // Parabolic interpolation through (τ−1, τ, τ+1).
      const a = cmnd[tau - 1]!;
      const c = cmnd[tau + 1]!;
      const den = a - 2 * v + c;
      const delta = den > 0 ? Math.max(-0.5, Math.min(0.5, (a - c) / (2 * den))) : 0;
      lags.push(tau + delta);
      values.push(Math.max(0, v - ((a - c) * delta) / 4));
      if (globalIndex < 0 || values[values.length - 1]! < values[globalIndex]!) globalIndex = values.length - 1;
    }
  }
  if (lags.length === 0) return [];
  const probs = new Float64Array(lags.length);
  // Walk thresholds up: the first minimum under s is the lowest-index minimum with value < s.
  for (let t = 0; t < weights.length; t++) {
    const s = (t + 1) / (weights.length + 1);
    let chosen = -1;
    for (let i = 0; i < values.length; i++) {
      if (values[i]! < s) {
        chosen = i;
        break;
      }
    }
    if (chosen >= 0) probs[chosen] = probs[chosen]! + weights[t]!;
    else probs[globalIndex] = probs[globalIndex]! + weights[t]! * GLOBAL_MIN_SHARE;
  }
  const out: Candidate[] = [];
  for (let i = 0; i < lags.length; i++) {
    if (probs[i]! > 0) out.push({ hz: sampleRate / lags[i]!, cmnd: values[i]!, prob: probs[i]! });
  }
  return out;
}

/**
 * Best path over per-frame candidates plus an unvoiced state (−1); returns the chosen candidate index per frame. A voiced
 * candidate emits voicing × its share of the candidates' threshold mass, the unvoiced state 1 − voicing.
 */
function viterbi(candidates: Candidate[][], voicing: Float64Array): Int32Array {
  const frames = candidates.length;
  const back: Int32Array[] = new Array<Int32Array>(frames);
  let prevCost: Float64Array = new Float64Array(0);
  let prevCands: Candidate[] = [];
  let prevUnvoiced = 0;
  for (let f = 0; f < frames; f++) {
    const cands = candidates[f]!;
    let mass = 0;
    for (const c of cands) mass += c.prob;
    const voiced = voicing[f]!;
    const unvoicedEmit = -Math.log(Math.max(MIN_PROB, 1 - voiced));
    const cost = new Float64Array(cands.length);
    const from = new Int32Array(cands.length + 1); // last slot: the unvoiced state
    for (let i = 0; i < cands.length; i++) {
      const c = cands[i]!;
      const emit = -Math.log(Math.max(MIN_PROB, (voiced * c.prob) / mass));
      if (f === 0) {
        cost[i] = emit;
        from[i] = -1;
        continue;
      }
      let best = prevUnvoiced + SWITCH_COST;
      let arg = -1;
      for (let j = 0; j < prevCands.length; j++) {
        const jump = Math.abs(Math.log2(c.hz / prevCands[j]!.hz));
        const total = prevCost[j]! + OCTAVE_COST * Math.max(0, jump - FREE_OCTAVES);
        if (total < best) {
          best = total;
          arg = j;
        }
      }
      cost[i] = best + emit;
      from[i] = arg;
    }
    let unvoiced = unvoicedEmit;
    from[cands.length] = -1;
    if (f > 0) {
      let best = prevUnvoiced;
      let arg = -1;
      for (let j = 0; j < prevCands.length; j++) {
        const total = prevCost[j]! + SWITCH_COST;
        if (total < best) {
          best = total;
          arg = j;
        }
      }
      unvoiced += best;
      from[cands.length] = arg;
    }
    back[f] = from;
    prevCost = cost;
    prevCands = cands;
    prevUnvoiced = unvoiced;
  }
  // Trace back from the cheapest final state.
  const path = new Int32Array(frames).fill(-1);
  if (frames === 0) return path;
  let state = -1;
  let best = prevUnvoiced;
  for (let j = 0; j < prevCands.length; j++) {
    if (prevCost[j]! < best) {
      best = prevCost[j]!;
      state = j;
    }
  }
  for (let f = frames - 1; f >= 0; f--) {
    path[f] = state;
    const from = back[f]!;
    state = state >= 0 ? from[state]! : from[candidates[f]!.length]!;
  }
  return path;
}
