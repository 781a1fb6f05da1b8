// Mouth-generator training data: audio statistics, rest references, blanked crops and lazily converted examples from prepared takes; training worker (and main process for inference inputs).
import type { Dataset, Example } from '../ml/train/recipe.js';
import { lowerHalfMask, mouthMask } from './mask.js';
import { AUDIO_WINDOW, MEL_BANDS, MOUTH_SIZE } from './spec.js';
import type { PreparedFaceTake } from './spec.js';

/** Normalised audio is clipped here: a band that barely varied in training must not swamp the network at inference. */
export const AUDIO_CLIP = 8;
/** A band whose training spread is below this is treated as constant (std 1), so it neither explodes nor informs. */
const MIN_STD = 1e-3;
/** L1 weight inside the mouth mask relative to outside it, before the weights are scaled to mean 1. */
export const DEFAULT_MOUTH_WEIGHT = 4;

const PIXELS = MOUTH_SIZE * MOUTH_SIZE;
/** Values per crop (RGB) and per audio window. */
export const CROP_SIZE = PIXELS * 3;
export const WINDOW_SIZE = AUDIO_WINDOW * MEL_BANDS;
const LANDMARK_VALUES = 68 * 2;
/** What the 'masked' input keeps of the crop (1 above the blanking line, 0 from the upper lip down). */
const KEEP = lowerHalfMask(MOUTH_SIZE);

/** Per-band normalisation of the log-mel windows, saved as JSON beside the weights. */
export interface FaceStats {
  readonly version: 1;
  readonly bands: number;
  readonly window: number;
  readonly mean: number[];
  readonly std: number[];
}

export interface FaceDatasetOptions {
  /** Indices of the takes held out for validation: never trained on, not in the statistics. */
  readonly validation: readonly number[];
  /** Default DEFAULT_MOUTH_WEIGHT. */
  readonly mouthWeight?: number;
}

/** Where an example came from. */
export interface FrameRef {
  readonly take: number;
  readonly frame: number;
}

export interface FaceDataset extends Dataset {
  readonly stats: FaceStats;
  readonly trainTakes: readonly number[];
  readonly validationTakes: readonly number[];
  /** Per take index, the rest frame every example of the take uses as its reference (-1 for a take without a face). */
  readonly references: readonly number[];
  /** The source of each example, index for index. */
  readonly trainFrames: readonly FrameRef[];
  readonly validationFrames: readonly FrameRef[];
}

function checkTake(take: PreparedFaceTake, what: string): void {
  const n = take.frames;
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what}: invalid frame count ${n}`);
  const sizes: [string, number, number][] = [
    ['mouth crop values', take.mouths.length, n * CROP_SIZE],
    ['audio values', take.audio.length, n * WINDOW_SIZE],
    ['openness values', take.openness.length, n],
    ['landmark values', take.landmarks.length, n * LANDMARK_VALUES],
  ];
  for (const [name, actual, expected] of sizes) if (actual !== expected) throw new Error(`${what}: ${actual} ${name} for ${n} frames, expected ${expected}`);
}

/** Frames where one face was found (preparation leaves NaN landmarks elsewhere and their crops mean nothing). */
export function faceFrames(take: PreparedFaceTake): number[] {
  const out: number[] = [];
  for (let i = 0; i < take.frames; i++) if (Number.isFinite(take.landmarks[i * LANDMARK_VALUES]!) && Number.isFinite(take.openness[i]!)) out.push(i);
  return out;
}

/**
 * The take's reference: its face frame with the lowest mouth openness (the first of equals). A closed mouth shows lips,
 * skin and lighting but no mouth shape to copy, so the network must take the shape from the audio; the renderer passes
 * the rest frame of the take it draws on, the same choice.
 */
export function restFrame(take: PreparedFaceTake): number {
  let best = -1;
  for (const i of faceFrames(take)) if (best < 0 || take.openness[i]! < take.openness[best]!) best = i;
  if (best < 0) throw new Error('face dataset: the take has no frame with a face');
  return best;
}

/** Per-band mean and std over the audio windows of the given frames (pass training frames only). */
export function faceStats(takes: readonly PreparedFaceTake[], frames: readonly FrameRef[]): FaceStats {
  if (frames.length === 0) throw new Error('face stats: no frames');
  const sum = new Float64Array(MEL_BANDS);
  const sq = new Float64Array(MEL_BANDS);
  for (const { take, frame } of frames) {
    const audio = takes[take]!.audio;
    const at = frame * WINDOW_SIZE;
    for (let k = 0; k < WINDOW_SIZE; k++) {
      const v = audio[at + k]!;
      // One NaN would silently poison the statistics and then every training step.
      if (!Number.isFinite(v)) throw new Error(`face stats: take ${take} frame ${frame} has an audio value that is not a finite number`);
      const band = k % MEL_BANDS;
      sum[band] = sum[band]! + v;
      sq[band] = sq[band]! + v * v;
    }
  }
  const count = frames.length * AUDIO_WINDOW;
  const mean = Array.from(sum, (s) => s / count);
  const std = Array.from(sq, (s, b) => {
    const sd = Math.sqrt(Math.max(0, s / count - mean[b]! ** 2));
    return sd >= MIN_STD ? sd : 1;
  });
  return { version: 1, bands: MEL_BANDS, window: AUDIO_WINDOW, mean, std };
}

/** A raw log-mel window (AUDIO_WINDOW × MEL_BANDS, time-major) normalised per band and clipped: the network's 'audio' input. */
export function normaliseAudio(window: Float32Array, stats: FaceStats): Float32Array {
  if (window.length !== WINDOW_SIZE) throw new Error(`face audio: the window has ${window.length} values, expected ${AUDIO_WINDOW} × ${MEL_BANDS}`);
  if (stats.bands !== MEL_BANDS || stats.window !== AUDIO_WINDOW || stats.mean.length !== MEL_BANDS || stats.std.length !== MEL_BANDS) {
    throw new Error(`face audio: the statistics are for ${stats.window} × ${stats.bands} windows, expected ${AUDIO_WINDOW} × ${MEL_BANDS}`);
  }
  const out = new Float32Array(WINDOW_SIZE);
  for (let k = 0; k < WINDOW_SIZE; k++) {
    const band = k % MEL_BANDS;
    const z = (window[k]! - stats.mean[band]!) / stats.std[band]!;
    out[k] = Number.isNaN(z) ? 0 : Math.min(AUDIO_CLIP, Math.max(-AUDIO_CLIP, z));
  }
  return out;
}

/** The crop with everything from the upper lip down blacked out (lowerHalfMask): the network's 'masked' input. */
export function blankMouth(crop: Uint8Array): Uint8Array {
  if (crop.length !== CROP_SIZE) throw new Error(`face crop: ${crop.length} values, expected ${MOUTH_SIZE}×${MOUTH_SIZE}×3`);
  const out = new Uint8Array(CROP_SIZE);
  for (let p = 0; p < PIXELS; p++) {
    const keep = KEEP[p]!;
    for (let c = 0; c < 3; c++) out[p * 3 + c] = Math.round(crop[p * 3 + c]! * keep);
  }
  return out;
}

/** An RGB crop (height × width × 3, uint8) as a planar [3, 96, 96] image in 0..1, the network's layout. */
export function cropToPlanar(crop: Uint8Array): Float32Array {
  if (crop.length !== CROP_SIZE) throw new Error(`face crop: ${crop.length} values, expected ${MOUTH_SIZE}×${MOUTH_SIZE}×3`);
  const out = new Float32Array(CROP_SIZE);
  for (let p = 0; p < PIXELS; p++) {
    out[p] = crop[p * 3]! / 255;
    out[PIXELS + p] = crop[p * 3 + 1]! / 255;
    out[2 * PIXELS + p] = crop[p * 3 + 2]! / 255;
  }
  return out;
}

/** The inverse of cropToPlanar, rounding and clamping: a generated crop as RGB bytes. */
export function planarToCrop(image: Float32Array): Uint8Array {
  if (image.length !== CROP_SIZE) throw new Error(`face image: ${image.length} values, expected 3×${MOUTH_SIZE}×${MOUTH_SIZE}`);
  const out = new Uint8Array(CROP_SIZE);
  for (let p = 0; p < PIXELS; p++) for (let c = 0; c < 3; c++) out[p * 3 + c] = Math.min(255, Math.max(0, Math.round(image[c * PIXELS + p]! * 255)));
  return out;
}

/**
 * The per-pixel L1 weight: 1 + mouthWeight · mouthMask (the blend mask, so errors count most where the drawn mouth is
 * pasted back), scaled to mean 1 so the loss keeps a plain L1's scale.
 */
export function lossWeight(mouthWeight: number = DEFAULT_MOUTH_WEIGHT): Float32Array {
  if (!(mouthWeight >= 0)) throw new Error(`face dataset: the mouth weight must be non-negative, got ${mouthWeight}`);
  const raw = Float32Array.from(mouthMask(MOUTH_SIZE), (m) => 1 + mouthWeight * m);
  const mean = raw.reduce((a, b) => a + b, 0) / PIXELS;
  return raw.map((w) => w / mean);
}

function crop(take: PreparedFaceTake, frame: number): Uint8Array {
  return take.mouths.subarray(frame * CROP_SIZE, (frame + 1) * CROP_SIZE);
}

/**
 * Examples keep only references into the takes' uint8 crops: 'audio', 'masked' and 't' are own enumerable getters that
 * convert on each read (batches.ts stacks examples through Object.entries, which reads getters). Eager float32 would be
 * 3 × 110 KB per frame, ~1.5 GB for three minutes of video, against the 124 MB the crops already take; converting a
 * batch of 16 takes a few milliseconds, 1–2% of a training step. 'reference' and 'weight' are shared, not copied.
 */
function examplesOf(takes: readonly PreparedFaceTake[], frames: readonly FrameRef[], references: readonly Float32Array[], weight: Float32Array, stats: FaceStats): Example[] {
  return frames.map(({ take, frame }): Example => {
    const source = takes[take]!;
    const reference = references[take]!;
    return {
      get audio() {
        return normaliseAudio(source.audio.subarray(frame * WINDOW_SIZE, (frame + 1) * WINDOW_SIZE), stats);
      },
      reference,
      get masked() {
        return cropToPlanar(blankMouth(crop(source, frame)));
      },
      get t() {
        return cropToPlanar(crop(source, frame));
      },
      weight,
    };
  });
}

/**
 * Training and held-out examples, one per face frame: audio (normalised window), reference (the take's rest frame),
 * masked (the frame blanked by blankMouth), t (the frame), weight (the L1 weight map).
 */
export function buildFaceDataset(takes: readonly PreparedFaceTake[], options: FaceDatasetOptions): FaceDataset {
  takes.forEach((take, i) => checkTake(take, `take ${i}`));
  const validation = [...new Set(options.validation)].sort((a, b) => a - b);
  for (const k of validation) if (!(Number.isInteger(k) && k >= 0 && k < takes.length)) throw new Error(`face dataset: no take ${k} to hold out`);
  const held = new Set(validation);
  const train = takes.map((_, k) => k).filter((k) => !held.has(k));
  const framesOf = (indices: readonly number[]): FrameRef[] => indices.flatMap((take) => faceFrames(takes[take]!).map((frame) => ({ take, frame })));
  const trainFrames = framesOf(train);
  const validationFrames = framesOf(validation);
  if (trainFrames.length === 0 || validationFrames.length === 0) throw new Error('face dataset: both the training and the held-out takes need frames with a face');
  const stats = faceStats(takes, trainFrames);
  const references = takes.map((take) => (faceFrames(take).length > 0 ? restFrame(take) : -1));
  const planar = takes.map((take, k) => (references[k]! >= 0 ? cropToPlanar(crop(take, references[k]!)) : new Float32Array(0)));
  const weight = lossWeight(options.mouthWeight);
  return {
    stats,
    trainTakes: train,
    validationTakes: validation,
    references,
    trainFrames,
    validationFrames,
    train: examplesOf(takes, trainFrames, planar, weight, stats),
    validation: examplesOf(takes, validationFrames, planar, weight, stats),
  };
}
