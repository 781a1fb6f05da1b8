// DTW alignment of a source utterance (eSpeak NG) to a target one (the creator's take) on mel-cepstra, with iterative refinement (training workers). No I/O.
//
// Only the speech between the leading and trailing silences is aligned (trimmed by c0), so silences of different lengths
// cannot dominate the path. Frames are compared on c1..cM (the level c0 is left out: eSpeak and the microphone are not
// equally loud) by Euclidean distance scaled to dB, so the cost per step is the mel-cepstral distortion along the path.
// The DTW steps are (1,1), (1,2), (2,1) inside a Sakoe-Chiba band: the local slope stays between ½ and 2 and neither
// utterance can collapse onto a few frames of the other. Aligning synthetic speech to a real voice by spectral distance
// is unreliable, so `alignIteratively` re-aligns after converting the source with a mapping fitted on the previous
// path (e.g. the affine baseline or the network), keeping the cheapest round.
import { dtwEuclidean } from '../speech/dtw.js';
import { MCD_DB_PER_UNIT } from './metrics.js';

/** Frames [start, end) of an utterance. */
export interface SpeechRange {
  readonly start: number;
  readonly end: number;
}

export interface Alignment {
  /** Aligned [source frame, target frame] pairs (whole-utterance indices), monotone, from both ranges' starts to their ends. */
  readonly path: Array<[number, number]>;
  /** Mean local cost per path step: the mel-cepstral distortion (dB) between the paired frames. */
  readonly cost: number;
  readonly source: SpeechRange;
  readonly target: SpeechRange;
}

export interface IterativeAlignment extends Alignment {
  /** The cost of each round run, the raw features' first; the alignment returned is the cheapest round's. */
  readonly costs: number[];
}

export interface AlignOptions {
  /** Sakoe-Chiba band half-width as a share of the longer speech range (see speech/dtw.ts); default 0.25. */
  band?: number;
}

/** Maps source mel-cepstra towards the target's, given the best alignment so far; must return one frame per input frame. */
export type SourceConverter = (mcep: Float32Array[], previous: Alignment) => Float32Array[];

/** c0 is in nepers of amplitude: dB = c0 · 20 / ln 10. */
const DB_PER_NEPER = 20 / Math.LN10;
/**
 * The speech threshold: 10 dB over the quiet frames (5th percentile of c0), but at most 40 dB under the loud ones (95th
 * percentile), or eSpeak's digital silence would drop it into the noise, and at least 6 dB under them, so an utterance
 * without silence is kept whole.
 */
const OVER_FLOOR_DB = 10;
const MAX_UNDER_PEAK_DB = 40;
const MIN_UNDER_PEAK_DB = 6;
/** A run this long over the threshold starts (or ends) speech, so a click does not. */
const MIN_RUN_FRAMES = 3;
/** Frames kept beyond the first and last run: onsets and releases sit near the threshold. */
const MARGIN_FRAMES = 3;
const DEFAULT_BAND = 0.25;

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.round(p * (sorted.length - 1))]!;
}

/** The c0 over which a frame counts as speech (see OVER_FLOOR_DB); −∞ for no frames. */
export function speechThreshold(mcep: readonly ArrayLike<number>[]): number {
  if (mcep.length === 0) return -Infinity;
  const sorted = Float64Array.from(mcep, (c) => c[0]!).sort();
  const floor = percentile(sorted, 0.05);
  const peak = percentile(sorted, 0.95);
  return Math.min(peak - MIN_UNDER_PEAK_DB / DB_PER_NEPER, Math.max(floor + OVER_FLOOR_DB / DB_PER_NEPER, peak - MAX_UNDER_PEAK_DB / DB_PER_NEPER));
}

/** The frames from the first to the last stretch of speech, judged by c0 (the frame's mean log amplitude); all of them when none stands out. */
export function speechRange(mcep: readonly ArrayLike<number>[]): SpeechRange {
  const n = mcep.length;
  if (n === 0) return { start: 0, end: 0 };
  const c0 = Float64Array.from(mcep, (c) => c[0]!);
  const threshold = speechThreshold(mcep);
  const run = Math.min(MIN_RUN_FRAMES, n);
  const loudRun = (i: number): boolean => {
    for (let k = i; k < i + run; k++) if (!(c0[k]! > threshold)) return false;
    return true;
  };
  let first = 0;
  while (first + run <= n && !loudRun(first)) first++;
  if (first + run > n) return { start: 0, end: n };
  let last = n - run;
  while (!loudRun(last)) last--;
  return { start: Math.max(0, first - MARGIN_FRAMES), end: Math.min(n, last + run + MARGIN_FRAMES) };
}

/**
 * Aligns the speech of `source` to the speech of `target` (mel-cepstra, one array per frame). Throws when one speech
 * range is at least twice as long as the other, which the slope limit cannot bridge: render the source at a matched
 * speaking rate (rate.ts) instead. `ranges` default to each side's `speechRange`.
 */
export function alignUtterances(
  source: readonly Float32Array[],
  target: readonly Float32Array[],
  options: AlignOptions = {},
  ranges: { source: SpeechRange; target: SpeechRange } = { source: speechRange(source), target: speechRange(target) },
): Alignment {
  const { source: sr, target: tr } = ranges;
  const n = sr.end - sr.start;
  const m = tr.end - tr.start;
  if (n < 1 || m < 1) throw new Error(`alignUtterances: no speech to align (${n} source and ${m} target frames)`);
  if (Math.max(n, m) > 2 * Math.min(n, m) - 1) {
    throw new Error(`alignUtterances: speech lengths ${n} and ${m} frames differ by 2× or more; match the speaking rate first`);
  }
  // c1..cM by Euclidean distance in dB: metrics.ts `cepstralDistance` times MCD_DB_PER_UNIT, computed inside the DTW.
  const result = dtwEuclidean(source.slice(sr.start, sr.end), target.slice(tr.start, tr.end), {
    band: options.band ?? DEFAULT_BAND,
    steps: 'slope2',
    from: 1,
    scale: MCD_DB_PER_UNIT,
  });
  return {
    path: result.path.map(([i, j]) => [sr.start + i, tr.start + j]),
    cost: result.cost,
    source: sr,
    target: tr,
  };
}

/**
 * Aligns raw features first, then up to `rounds − 1` times aligns `convert(source, best so far)` to the target within
 * the same speech ranges, stopping at the first round that is not cheaper. Without `convert` only the raw round runs.
 */
export function alignIteratively(
  source: readonly Float32Array[],
  target: readonly Float32Array[],
  convert?: SourceConverter,
  rounds = 3,
  options: AlignOptions = {},
): IterativeAlignment {
  const ranges = { source: speechRange(source), target: speechRange(target) };
  let best = alignUtterances(source, target, options, ranges);
  const costs = [best.cost];
  for (let round = 1; convert && round < rounds; round++) {
    const converted = convert([...source], best);
    if (converted.length !== source.length) throw new Error(`alignIteratively: the converter returned ${converted.length} frames for ${source.length}`);
    const next = alignUtterances(converted, target, options, ranges);
    costs.push(next.cost);
    if (!(next.cost < best.cost)) break;
    best = next;
  }
  return { ...best, costs };
}
