// Log-F0 statistics of a voice, the Gaussian (mean-variance) mapping of an F0 contour from one voice's to another's, and a
// learned contour on top of it (training workers and rendering). No I/O.
//
// ln F0 of a speaker is close to Gaussian; matching its mean and standard deviation moves eSpeak's register and range to
// the creator's while keeping eSpeak's intonation shape. The learned contour goes further: the creator's normalised ln F0
// at a frame as a ridge-regressed linear function of eSpeak's normalised ln F0 and voicing over ±300 ms around it and of
// the frame's place in its phrase, so the creator's own accents, declination and final falls replace some of eSpeak's.
// Unvoiced frames (F0 = 0) stay unvoiced.
import { cholesky, choleskySolve } from './cholesky.js';
import { voicedInterpolatedLogF0 } from './frames.js';
import type { FramePairs } from './metrics.js';
import { FRAME_SECONDS } from './spec.js';

export interface LogF0Stats {
  /** Mean and standard deviation of ln F0 (F0 in Hz) over the voiced frames. */
  readonly mean: number;
  readonly std: number;
  /** Voiced frames counted. */
  readonly count: number;
}

/** ln F0 statistics pooled over the voiced frames (F0 > 0) of all the contours; throws when none is voiced. */
export function logF0Stats(contours: readonly ArrayLike<number>[]): LogF0Stats {
  let count = 0;
  let sum = 0;
  let sumSq = 0;
  for (const f0 of contours) {
    for (let i = 0; i < f0.length; i++) {
      if (!(f0[i]! > 0)) continue;
      const v = Math.log(f0[i]!);
      count++;
      sum += v;
      sumSq += v * v;
    }
  }
  if (count === 0) throw new Error('logF0Stats: no voiced frame');
  const mean = sum / count;
  return { mean, std: Math.sqrt(Math.max(0, sumSq / count - mean * mean)), count };
}

/**
 * exp(μ_to + (ln F0 − μ_from)·σ_to/σ_from) for each voiced frame, 0 for unvoiced ones. A source without spread (σ_from = 0,
 * a monotone voice) is only shifted.
 */
export function mapF0(f0: ArrayLike<number>, from: LogF0Stats, to: LogF0Stats): Float32Array {
  const scale = from.std > 0 ? to.std / from.std : 1;
  const out = new Float32Array(f0.length);
  for (let i = 0; i < f0.length; i++) if (f0[i]! > 0) out[i] = Math.exp(to.mean + (Math.log(f0[i]!) - from.mean) * scale);
  return out;
}

/**
 * Weights over eSpeak's contour around a frame; `weights` = bias, then (ln F0, voicing) per offset −span..span by step,
 * then, with `phrase`, the frame's place in its phrase (PHRASE_FEATURES). Models from before `phrase` have none.
 */
export interface F0Contour {
  readonly span: number;
  readonly step: number;
  readonly weights: number[];
  readonly phrase?: true;
}

/**
 * ±300 ms every 20 ms: measured on 63 aligned takes of the test creator, held-out RMSE 89 cents against 110 for the
 * mean-variance map; ±500 ms or ±750 ms did no better, and energy added under 2 cents.
 */
const CONTOUR_SPAN = 60;
const CONTOUR_STEP = 4;
/**
 * The place of a frame in its phrase (from eSpeak's first to its last voiced frame): the fraction of the way through,
 * seconds since the start and seconds to the end, each capped at PHRASE_HORIZON. Held-out RMSE on 25 takes of the test
 * creator after training on 228: 118 cents without them, 95 with (99.6 uncapped, 98.5 capped at 3 s, 95.9 at 1 s):
 * the creator's falls at phrase ends and rises at starts are not where eSpeak puts its own.
 */
const PHRASE_FEATURES = 3;
const PHRASE_HORIZON_SECONDS = 2;

/** Ridge on the normal equations (features are z-scores and 0/1): keeps the fit stable with few takes. */
const CONTOUR_RIDGE = 10;

function offsetsOf(contour: Pick<F0Contour, 'span' | 'step'>): number[] {
  const offsets: number[] = [];
  for (let o = -contour.span; o <= contour.span; o += contour.step) offsets.push(o);
  return offsets;
}

/** ln F0 with unvoiced frames filled from the voiced ones around them, as z-scores of `stats`. */
function normalisedContour(f0: ArrayLike<number>, stats: LogF0Stats): Float64Array {
  const std = stats.std || 1;
  return Float64Array.from(voicedInterpolatedLogF0(f0), (v) => (v - stats.mean) / std);
}

function featureCount(offsets: readonly number[], phrase: boolean): number {
  return 1 + 2 * offsets.length + (phrase ? PHRASE_FEATURES : 0);
}

/** First and last voiced frame (0 and the last frame when none is voiced). */
function voicedExtent(f0: ArrayLike<number>): { first: number; last: number } {
  let first = 0;
  while (first < f0.length - 1 && !(f0[first]! > 0)) first++;
  let last = f0.length - 1;
  while (last > 0 && !(f0[last]! > 0)) last--;
  return { first, last: Math.max(first, last) };
}

function featuresAt(f0: ArrayLike<number>, contour: Float64Array, extent: { first: number; last: number } | undefined, i: number, offsets: readonly number[], out: Float64Array): void {
  const last = f0.length - 1;
  out[0] = 1;
  offsets.forEach((o, n) => {
    const k = Math.min(last, Math.max(0, i + o));
    out[1 + 2 * n] = contour[k]!;
    out[2 + 2 * n] = f0[k]! > 0 ? 1 : 0;
  });
  if (!extent) return;
  const at = 1 + 2 * offsets.length;
  out[at] = Math.min(1, Math.max(0, (i - extent.first) / Math.max(1, extent.last - extent.first)));
  out[at + 1] = Math.min(PHRASE_HORIZON_SECONDS, Math.max(0, i - extent.first) * FRAME_SECONDS);
  out[at + 2] = Math.min(PHRASE_HORIZON_SECONDS, Math.max(0, extent.last - i) * FRAME_SECONDS);
}

/**
 * Fits the contour on aligned [source frame, target frame] pairs of each utterance, over the pairs voiced on both sides;
 * throws when there are too few for the weights. `phrase: false` leaves out the phrase features (as models before them).
 */
export function fitF0Contour(
  utterances: readonly { source: ArrayLike<number>; target: ArrayLike<number>; path: FramePairs }[],
  from: LogF0Stats,
  to: LogF0Stats,
  options: { phrase?: boolean } = {},
): F0Contour {
  const phrase = options.phrase ?? true;
  const shape = { span: CONTOUR_SPAN, step: CONTOUR_STEP, ...(phrase ? { phrase: true as const } : {}) };
  const offsets = offsetsOf(shape);
  const d = featureCount(offsets, phrase);
  const xtx = new Float64Array(d * d);
  const xty = new Float64Array(d);
  const x = new Float64Array(d);
  let rows = 0;
  for (const { source, target, path } of utterances) {
    const contour = normalisedContour(source, from);
    const extent = phrase ? voicedExtent(source) : undefined;
    for (const [i, j] of path) {
      if (!(source[i]! > 0 && target[j]! > 0)) continue;
      featuresAt(source, contour, extent, i, offsets, x);
      const y = (Math.log(target[j]!) - to.mean) / (to.std || 1);
      for (let a = 0; a < d; a++) {
        xty[a] = xty[a]! + x[a]! * y;
        for (let b = 0; b <= a; b++) xtx[a * d + b] = xtx[a * d + b]! + x[a]! * x[b]!;
      }
      rows++;
    }
  }
  if (rows < d) throw new Error(`fitF0Contour: ${rows} voiced frame pairs are too few to fit ${d} weights`);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < a; b++) xtx[b * d + a] = xtx[a * d + b]!;
    xtx[a * d + a] = xtx[a * d + a]! + CONTOUR_RIDGE;
  }
  cholesky(xtx, d);
  choleskySolve(xtx, d, xty);
  return { ...shape, weights: Array.from(xty) };
}

/** The creator's F0 for each voiced source frame from the learned contour; unvoiced frames stay 0. */
export function contourF0(f0: ArrayLike<number>, contour: F0Contour, from: LogF0Stats, to: LogF0Stats): Float32Array {
  const offsets = offsetsOf(contour);
  const d = featureCount(offsets, contour.phrase === true);
  if (contour.weights.length !== d) throw new Error(`contourF0: ${contour.weights.length} weights for ${d} features`);
  const normalised = normalisedContour(f0, from);
  const extent = contour.phrase ? voicedExtent(f0) : undefined;
  const x = new Float64Array(d);
  const out = new Float32Array(f0.length);
  for (let i = 0; i < f0.length; i++) {
    if (!(f0[i]! > 0)) continue;
    featuresAt(f0, normalised, extent, i, offsets, x);
    let z = 0;
    for (let a = 0; a < d; a++) z += contour.weights[a]! * x[a]!;
    out[i] = Math.exp(to.mean + z * to.std);
  }
  return out;
}

/** The F0 part of a voice model: both voices' statistics and, in models trained since it existed, the learned contour. */
export interface VoiceF0 {
  readonly source: LogF0Stats;
  readonly target: LogF0Stats;
  readonly contour?: F0Contour;
}

/** The creator's F0 for a source contour: the learned contour where the model has one, the mean-variance map otherwise. */
export function creatorF0(f0: ArrayLike<number>, model: VoiceF0): Float32Array {
  return model.contour ? contourF0(f0, model.contour, model.source, model.target) : mapF0(f0, model.source, model.target);
}
