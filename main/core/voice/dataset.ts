// Voice-conversion training data: per-frame features, normalisation statistics and context-window examples from aligned utterance pairs; training worker (and main process for inference inputs).
import type { Dataset, Example } from '../ml/train/recipe.js';
import { MCEP_SIZE } from './spec.js';
import type { VoiceFrames } from './spec.js';

/**
 * Frames either side of the centre frame the converter sees: ±50 ms at a 5 ms hop. On a 10-minute eSpeak NG voice pair
 * (en-us → en+f4, 15 epochs) ±4, ±7 and ±10 frames gave 4.26, 4.07 and 3.96 dB held-out MCD: wider context keeps paying,
 * as it absorbs DTW slips and coarticulation, for ~28 % more arithmetic than ±4.
 */
export const DEFAULT_CONTEXT = 10;
/** Share of utterances held out for validation when none are named. */
export const DEFAULT_VALIDATION_SHARE = 0.1;
/** Normalised inputs are clipped here: a feature that barely varied in training must not swamp the network at inference. */
export const INPUT_CLIP = 8;
/** A feature whose training spread is below this is treated as constant (std 1), so it neither explodes nor informs. */
const MIN_STD = 1e-3;

/** One prompt read by eSpeak NG (source) and by the creator (target), with the DTW path of [source, target] frame pairs. */
export interface AlignedUtterance {
  readonly source: VoiceFrames;
  readonly target: VoiceFrames;
  readonly path: ReadonlyArray<readonly [number, number]>;
}

/**
 * Per-dimension normalisation of one frame's features, saved as JSON beside the weights.
 * Source frame: mcep c0..c39, interpolated log F0, voiced flag (0/1), band aperiodicity. Target frame: mcep, band aperiodicity.
 */
export interface VoiceStats {
  readonly version: 1;
  /** Context frames either side of the centre: the network input is 2·context + 1 source frames. */
  readonly context: number;
  /** Band-aperiodicity bands per frame. */
  readonly bands: number;
  readonly inputMean: number[];
  readonly inputStd: number[];
  readonly targetMean: number[];
  readonly targetStd: number[];
}

export interface VoiceDatasetOptions {
  /** Default DEFAULT_CONTEXT. */
  readonly context?: number;
  /** Indices of the utterances to hold out; default DEFAULT_VALIDATION_SHARE of them, evenly spread through the list. */
  readonly validation?: readonly number[];
  readonly validationShare?: number;
}

export interface VoiceDataset extends Dataset {
  readonly stats: VoiceStats;
  readonly trainUtterances: readonly number[];
  readonly validationUtterances: readonly number[];
}

/** Features per source frame: mcep, log F0, voiced flag, bap. */
export const sourceFrameSize = (bands: number): number => MCEP_SIZE + 2 + bands;
/** Features per target frame: mcep, bap. */
export const targetFrameSize = (bands: number): number => MCEP_SIZE + bands;
/** Network input width: the stacked context window of source frames. */
export const inputSize = (context: number, bands: number): number => (2 * context + 1) * sourceFrameSize(bands);
/** Where the centre frame's mcep starts inside an input row (its bap follows at + MCEP_SIZE + 2). */
export const centreOffset = (context: number, bands: number): number => context * sourceFrameSize(bands);

function bandsOf(frames: VoiceFrames, what: string): number {
  const n = frames.f0.length;
  if (frames.mcep.length !== n || frames.bap.length !== n) throw new Error(`${what}: ${n} F0 values but ${frames.mcep.length} mcep and ${frames.bap.length} bap frames`);
  if (n === 0) throw new Error(`${what}: no frames`);
  const bands = frames.bap[0]!.length;
  for (let i = 0; i < n; i++) {
    if (frames.mcep[i]!.length !== MCEP_SIZE) throw new Error(`${what}: frame ${i} has ${frames.mcep[i]!.length} mel-cepstral coefficients, expected ${MCEP_SIZE}`);
    if (frames.bap[i]!.length !== bands) throw new Error(`${what}: frame ${i} has ${frames.bap[i]!.length} aperiodicity bands, expected ${bands}`);
    // One NaN would silently poison the statistics and then every training step; Infinity − Infinity finds NaN and ±Infinity alike.
    let probe = frames.f0[i]! - frames.f0[i]!;
    for (const v of frames.mcep[i]!) probe += v - v;
    for (const v of frames.bap[i]!) probe += v - v;
    if (probe !== 0 || frames.f0[i]! < 0) throw new Error(`${what}: frame ${i} holds a value that is not a finite number (or a negative F0)`);
  }
  return bands;
}

/**
 * Log F0 with unvoiced gaps bridged linearly and the ends held at the nearest voiced value, so the network sees a
 * continuous pitch contour; NaN throughout when nothing is voiced (normalisation turns NaN into the mean).
 */
export function interpolatedLogF0(f0: Float32Array): Float32Array {
  const out = new Float32Array(f0.length).fill(Number.NaN);
  let last = -1;
  for (let i = 0; i < f0.length; i++) {
    if (!(f0[i]! > 0)) continue;
    const v = Math.log(f0[i]!);
    out[i] = v;
    const from = last < 0 ? v : out[last]!;
    for (let j = last + 1; j < i; j++) out[j] = last < 0 ? v : from + ((v - from) * (j - last)) / (i - last);
    last = i;
  }
  if (last >= 0) out.fill(out[last]!, last + 1);
  return out;
}

/** Raw (unnormalised) source features, one row of sourceFrameSize(bands) per frame. */
function rawSource(frames: VoiceFrames, bands: number): Float32Array {
  const size = sourceFrameSize(bands);
  const logF0 = interpolatedLogF0(frames.f0);
  const out = new Float32Array(frames.f0.length * size);
  for (let i = 0; i < frames.f0.length; i++) {
    const row = i * size;
    out.set(frames.mcep[i]!, row);
    out[row + MCEP_SIZE] = logF0[i]!;
    out[row + MCEP_SIZE + 1] = frames.f0[i]! > 0 ? 1 : 0;
    out.set(frames.bap[i]!, row + MCEP_SIZE + 2);
  }
  return out;
}

function rawTarget(frames: VoiceFrames, bands: number): Float32Array {
  const size = targetFrameSize(bands);
  const out = new Float32Array(frames.f0.length * size);
  for (let i = 0; i < frames.f0.length; i++) {
    out.set(frames.mcep[i]!, i * size);
    out.set(frames.bap[i]!, i * size + MCEP_SIZE);
  }
  return out;
}

/** Per-column mean and std over row-major matrices; NaN entries are skipped. */
function moments(matrices: readonly Float32Array[], size: number): { mean: number[]; std: number[] } {
  const sum = new Float64Array(size);
  const sq = new Float64Array(size);
  const count = new Float64Array(size);
  for (const m of matrices) {
    for (let at = 0; at < m.length; at += size) {
      for (let d = 0; d < size; d++) {
        const v = m[at + d]!;
        if (Number.isNaN(v)) continue;
        sum[d] = sum[d]! + v;
        sq[d] = sq[d]! + v * v;
        count[d] = count[d]! + 1;
      }
    }
  }
  const mean: number[] = [];
  const std: number[] = [];
  for (let d = 0; d < size; d++) {
    const n = count[d]!;
    const mu = n > 0 ? sum[d]! / n : 0;
    const sd = n > 0 ? Math.sqrt(Math.max(0, sq[d]! / n - mu * mu)) : 0;
    mean.push(mu);
    std.push(sd >= MIN_STD ? sd : 1);
  }
  return { mean, std };
}

/** Normalisation statistics over every frame of the given utterances (pass the training ones only). */
export function voiceStats(pairs: readonly AlignedUtterance[], context = DEFAULT_CONTEXT): VoiceStats {
  if (!Number.isInteger(context) || context < 0) throw new Error(`voice stats: context must be a non-negative integer, got ${context}`);
  if (pairs.length === 0) throw new Error('voice stats: no utterances');
  const bands = bandsOf(pairs[0]!.source, 'utterance 0 source');
  const sources: Float32Array[] = [];
  const targets: Float32Array[] = [];
  pairs.forEach((p, u) => {
    if (bandsOf(p.source, `utterance ${u} source`) !== bands || bandsOf(p.target, `utterance ${u} target`) !== bands) {
      throw new Error(`voice stats: utterance ${u} does not have ${bands} aperiodicity bands throughout`);
    }
    sources.push(rawSource(p.source, bands));
    targets.push(rawTarget(p.target, bands));
  });
  const input = moments(sources, sourceFrameSize(bands));
  const target = moments(targets, targetFrameSize(bands));
  return { version: 1, context, bands, inputMean: input.mean, inputStd: input.std, targetMean: target.mean, targetStd: target.std };
}

/**
 * Normalised source frames with `context` copies of the first and last frame around them, row-major: the window of
 * frame i is rows i .. i + 2·context, one contiguous run, so examples can be views instead of copies.
 */
function paddedSource(frames: VoiceFrames, stats: VoiceStats, out: Float32Array): void {
  const size = sourceFrameSize(stats.bands);
  const raw = rawSource(frames, stats.bands);
  const n = frames.f0.length;
  for (let row = 0; row < n + 2 * stats.context; row++) {
    const from = Math.min(n - 1, Math.max(0, row - stats.context)) * size;
    for (let d = 0; d < size; d++) {
      const v = raw[from + d]!;
      const z = Number.isNaN(v) ? 0 : (v - stats.inputMean[d]!) / stats.inputStd[d]!;
      out[row * size + d] = Math.min(INPUT_CLIP, Math.max(-INPUT_CLIP, z));
    }
  }
}

function checkStats(frames: VoiceFrames, stats: VoiceStats, what: string): void {
  const bands = bandsOf(frames, what);
  if (bands !== stats.bands) throw new Error(`${what}: ${bands} aperiodicity bands, the statistics were made for ${stats.bands}`);
  if (stats.inputMean.length !== sourceFrameSize(bands) || stats.targetMean.length !== targetFrameSize(bands)) throw new Error(`${what}: the statistics do not match their band count`);
}

/** Network inputs for every frame of `frames`: frames × inputSize(context, bands) values, row-major, edge frames repeated. */
export function sourceInputs(frames: VoiceFrames, stats: VoiceStats): Float32Array {
  checkStats(frames, stats, 'source frames');
  const size = sourceFrameSize(stats.bands);
  const width = inputSize(stats.context, stats.bands);
  const padded = new Float32Array((frames.f0.length + 2 * stats.context) * size);
  paddedSource(frames, stats, padded);
  const out = new Float32Array(frames.f0.length * width);
  for (let i = 0; i < frames.f0.length; i++) out.set(padded.subarray(i * size, i * size + width), i * width);
  return out;
}

/** Normalised target features, frames × targetFrameSize(bands), row-major. */
export function targetRows(frames: VoiceFrames, stats: VoiceStats): Float32Array {
  checkStats(frames, stats, 'target frames');
  const out = rawTarget(frames, stats.bands);
  const size = targetFrameSize(stats.bands);
  for (let i = 0; i < out.length; i++) out[i] = (out[i]! - stats.targetMean[i % size]!) / stats.targetStd[i % size]!;
  return out;
}

/** Undoes targetRows: mel-cepstra and band aperiodicity per frame, aperiodicity clamped to 0..1. */
export function restoreTargets(rows: Float32Array, stats: VoiceStats): { mcep: Float32Array[]; bap: Float32Array[] } {
  const size = targetFrameSize(stats.bands);
  if (rows.length % size !== 0) throw new Error(`restore targets: ${rows.length} values are not whole frames of ${size}`);
  const mcep: Float32Array[] = [];
  const bap: Float32Array[] = [];
  for (let at = 0; at < rows.length; at += size) {
    const m = new Float32Array(MCEP_SIZE);
    for (let d = 0; d < MCEP_SIZE; d++) m[d] = rows[at + d]! * stats.targetStd[d]! + stats.targetMean[d]!;
    const b = new Float32Array(stats.bands);
    for (let d = 0; d < stats.bands; d++) {
      const k = MCEP_SIZE + d;
      b[d] = Math.min(1, Math.max(0, rows[at + k]! * stats.targetStd[k]! + stats.targetMean[k]!));
    }
    mcep.push(m);
    bap.push(b);
  }
  return { mcep, bap };
}

/** Evenly spread held-out utterances: always one at least, and one fewer than all when there are two or more. */
function heldOut(count: number, share: number): number[] {
  if (!(share > 0 && share < 1)) throw new Error(`voice dataset: the validation share must be between 0 and 1, got ${share}`);
  const n = Math.min(Math.max(1, Math.round(count * share)), Math.max(1, count - 1));
  return Array.from({ length: n }, (_, k) => Math.floor(((k + 0.5) * count) / n));
}

function examplesOf(pairs: readonly AlignedUtterance[], indices: readonly number[], stats: VoiceStats): Example[] {
  const sSize = sourceFrameSize(stats.bands);
  const tSize = targetFrameSize(stats.bands);
  const width = inputSize(stats.context, stats.bands);
  let sourceRows = 0;
  let targetCount = 0;
  for (const u of indices) {
    sourceRows += pairs[u]!.source.f0.length + 2 * stats.context;
    targetCount += pairs[u]!.target.f0.length;
  }
  // Two shared buffers: every example is a pair of views, so 10 minutes of speech costs ~25 MB rather than ~250 MB.
  const sources = new Float32Array(sourceRows * sSize);
  const targets = new Float32Array(targetCount * tSize);
  const examples: Example[] = [];
  let sAt = 0;
  let tAt = 0;
  for (const u of indices) {
    const { source, target, path } = pairs[u]!;
    const n = source.f0.length;
    const m = target.f0.length;
    checkStats(source, stats, `utterance ${u} source`);
    const padded = sources.subarray(sAt * sSize, (sAt + n + 2 * stats.context) * sSize);
    paddedSource(source, stats, padded);
    const rows = targets.subarray(tAt * tSize, (tAt + m) * tSize);
    rows.set(targetRows(target, stats));
    for (const [i, j] of path) {
      if (!(Number.isInteger(i) && Number.isInteger(j) && i >= 0 && i < n && j >= 0 && j < m)) {
        throw new Error(`voice dataset: utterance ${u} pairs source frame ${i} with target frame ${j}, outside its ${n} and ${m} frames`);
      }
      examples.push({ x: padded.subarray(i * sSize, i * sSize + width), t: rows.subarray(j * tSize, (j + 1) * tSize) });
    }
    sAt += n + 2 * stats.context;
    tAt += m;
  }
  return examples;
}

/** Training and held-out examples (x: normalised source context window, t: normalised target frame), one per aligned pair. */
export function buildVoiceDataset(pairs: readonly AlignedUtterance[], options: VoiceDatasetOptions = {}): VoiceDataset {
  if (pairs.length < 2) throw new Error(`voice dataset: ${pairs.length} utterance(s); at least two are needed, one to train on and one to hold out`);
  const validation = [...new Set(options.validation ?? heldOut(pairs.length, options.validationShare ?? DEFAULT_VALIDATION_SHARE))].sort((a, b) => a - b);
  for (const u of validation) if (!(Number.isInteger(u) && u >= 0 && u < pairs.length)) throw new Error(`voice dataset: no utterance ${u} to hold out`);
  const held = new Set(validation);
  const train = pairs.map((_, u) => u).filter((u) => !held.has(u));
  if (train.length === 0 || validation.length === 0) throw new Error('voice dataset: both the training and the held-out set need at least one utterance');
  const stats = voiceStats(
    train.map((u) => pairs[u]!),
    options.context ?? DEFAULT_CONTEXT,
  );
  return { stats, trainUtterances: train, validationUtterances: validation, train: examplesOf(pairs, train, stats), validation: examplesOf(pairs, validation, stats) };
}
