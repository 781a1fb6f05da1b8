// Prepares a recorded take for the face model (landmarks, alignment, mouth crops, audio windows, openness) and caches it as bytes; studio workers, which decode with ffmpeg and run the face tracker.
import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import { decodeAudioToArray } from '../media/ffmpeg.js';
import { decodeVideoFrames } from '../media/video-frames.js';
import type { VideoDecodeResult, VideoFrame } from '../media/video-frames.js';
import type { FaceDetector } from '../vision/video-analysis.js';
import { AUDIO_SAMPLE_RATE, logMelFrames, melStatistics, melWindows } from './audio-features.js';
import type { AudioNormalisation } from './audio-features.js';
import { landmarkSmoothingReach, smoothLandmarks } from './smooth.js';
import type { LandmarkSmoothOptions } from './smooth.js';
import { ALIGNMENT_POINTS, CANONICAL_TEMPLATE, alignToCanonical, interleaved, warpToCanonical } from './transform.js';
import type { Points } from './transform.js';
import { AUDIO_WINDOW, CANONICAL_SIZE, FACE_FPS, MEL_BANDS, MEL_HOP_SECONDS, MOUTH_BOX, MOUTH_SIZE } from './spec.js';
import type { PreparedFaceTake } from './spec.js';

const POINTS = 68;
const ROW = 2 * POINTS;
const CROP_BYTES = MOUTH_SIZE * MOUTH_SIZE * 3;
const AUDIO_VALUES = AUDIO_WINDOW * MEL_BANDS;

export interface PrepareFaceTakeOptions {
  /** Where the take's sound is; default the video file's own audio track. */
  readonly audioPath?: string;
  /** Frames are fitted within maxWidth × maxHeight (aspect kept, never enlarged); default 640 × 640. */
  readonly maxWidth?: number;
  readonly maxHeight?: number;
  readonly smoothing?: LandmarkSmoothOptions;
  /** Log-mel statistics to normalise with; default the take's own. */
  readonly normalisation?: AudioNormalisation;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  /** Called after each frame is tracked, with its index. */
  readonly onProgress?: (frame: number) => void;
}

/** A prepared take with what the preparation saw along the way; the cache keeps all of it. */
export interface PreparedTake extends PreparedFaceTake {
  /** Faces the tracker found in each frame (255 stands for 255 or more); landmarks come only from frames with exactly one. */
  readonly faceCounts: Uint8Array;
  /** The per-band statistics `audio` was normalised with. */
  readonly normalisation: AudioNormalisation;
}

/**
 * Mouth openness from one face's 68 landmarks: the inner lips' mean gap (61-67, 62-66, 63-65) over the mouth's width
 * (48-54). About 0 with the lips together, 0.3-0.5 wide open; NaN without landmarks.
 */
export function mouthOpenness(landmarks: Points): number {
  const p = interleaved(landmarks);
  const dist = (i: number, j: number): number => Math.hypot(p[2 * i]! - p[2 * j]!, p[2 * i + 1]! - p[2 * j + 1]!);
  const width = dist(48, 54);
  return (dist(61, 67) + dist(62, 66) + dist(63, 65)) / 3 / width;
}

/** Frames with a face (finite transform), in order: those a model can learn from. */
export function usableFrames(p: PreparedFaceTake): Int32Array {
  const usable: number[] = [];
  for (let f = 0; f < p.frames; f++) {
    const t = p.transforms.subarray(4 * f, 4 * f + 4);
    if (t.every(Number.isFinite)) usable.push(f);
  }
  return Int32Array.from(usable);
}

/**
 * Reads a take and prepares it for the face model: frames at FACE_FPS (fitted within 640 × 640 by default), the
 * tracker's 68 landmarks where it finds exactly one face (NaN elsewhere, the face count kept), landmark tracks smoothed
 * over time (short gaps bridged), a frame → canonical transform per frame from the stable landmarks, the MOUTH_BOX crop
 * at MOUTH_SIZE², the normalised log-mel window and the mouth's openness.
 *
 * Memory stays flat for long takes: a frame is cropped, and let go, as soon as the frames after it that its smoothed
 * landmarks depend on have been tracked (landmarkSmoothingReach, about half a second).
 */
export async function prepareFaceTake(videoPath: string, tracker: FaceDetector, options: PrepareFaceTakeOptions = {}): Promise<PreparedTake> {
  const timeout = options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {};
  // The sound is decoded beside the video, and stopped if the video fails.
  const stopSound = new AbortController();
  const soundSignal = options.signal ? AbortSignal.any([options.signal, stopSound.signal]) : stopSound.signal;
  const sound = decodeAudioToArray(options.audioPath ?? videoPath, { ...timeout, signal: soundSignal, sampleRate: AUDIO_SAMPLE_RATE, channels: 1 });
  // A take without usable sound cannot be learnt from: stop tracking as soon as that is known.
  let soundFailed = false;
  sound.catch(() => {
    soundFailed = true;
  });

  const reach = landmarkSmoothingReach(options.smoothing);
  const raw: Float32Array[] = [];
  const counts: number[] = [];
  const pending = new Map<number, VideoFrame>();
  const smoothed: Float32Array[] = [];
  const transforms: Float32Array[] = [];
  const mouths: Uint8Array[] = [];
  const openness: number[] = [];

  // Frame f's smoothed landmarks are final once frames up to f + reach are known (or the take has ended at `last`).
  const finish = (f: number, last: number): void => {
    const from = Math.max(0, f - reach);
    const to = Math.min(last, f + reach);
    const span = new Float32Array((to - from + 1) * ROW);
    for (let g = from; g <= to; g++) span.set(raw[g]!, (g - from) * ROW);
    const row = smoothLandmarks(span, options.smoothing).slice((f - from) * ROW, (f - from + 1) * ROW);
    const s = alignToCanonical(row);
    const frame = pending.get(f)!;
    pending.delete(f);
    const found = Number.isFinite(s.a);
    smoothed.push(row);
    transforms.push(Float32Array.of(s.a, s.b, s.tx, s.ty));
    mouths.push(found ? warpToCanonical(frame, s, MOUTH_BOX, MOUTH_SIZE) : new Uint8Array(CROP_BYTES));
    openness.push(found ? mouthOpenness(row) : Number.NaN);
  };

  const onFrame = async (frame: VideoFrame): Promise<void> => {
    if (soundFailed) throw new Error('the sound could not be read');
    const faces = await tracker.detect(frame);
    const row = new Float32Array(ROW).fill(Number.NaN);
    if (faces.length === 1) {
      faces[0]!.landmarks.forEach(([x, y], k) => {
        row[2 * k] = x;
        row[2 * k + 1] = y;
      });
    }
    raw.push(row);
    counts.push(Math.min(255, faces.length));
    pending.set(frame.index, frame);
    options.onProgress?.(frame.index);
    const ready = frame.index - reach;
    if (ready >= 0) finish(ready, frame.index);
  };
  const decodeOptions = { ...timeout, ...(options.signal ? { signal: options.signal } : {}), fps: FACE_FPS, maxWidth: options.maxWidth ?? 640, maxHeight: options.maxHeight ?? 640 };
  let video: VideoDecodeResult;
  try {
    video = await decodeVideoFrames(videoPath, decodeOptions, onFrame);
  } catch (error) {
    // When the sound failed first, its error is the one to report.
    if (soundFailed) await sound;
    stopSound.abort();
    throw error;
  }
  const last = raw.length - 1;
  for (let f = smoothed.length; f <= last; f++) finish(f, last);

  const { samples } = await sound;
  const mel = logMelFrames(samples);
  const normalisation = options.normalisation ?? melStatistics(mel);
  return {
    frames: raw.length,
    width: video.width,
    height: video.height,
    landmarks: concat(Float32Array, smoothed, ROW),
    transforms: concat(Float32Array, transforms, 4),
    mouths: concat(Uint8Array, mouths, CROP_BYTES),
    audio: melWindows(mel, raw.length, normalisation),
    openness: Float32Array.from(openness),
    faceCounts: Uint8Array.from(counts),
    normalisation,
  };
}

function concat<T extends Float32Array | Uint8Array>(Type: { new (length: number): T }, parts: readonly T[], each: number): T {
  const out = new Type(parts.length * each);
  parts.forEach((part, i) => out.set(part, i * each));
  return out;
}

const MAGIC = 'LKFT';
/** Bump when the preparation changes in a way the fingerprint below does not see (smoothing, crops, openness). */
const FORMAT_VERSION = 1;

/** What a cached take depends on besides FORMAT_VERSION: the spec's geometry and rates, and the template. */
function fingerprint(): string {
  const geometry = { FACE_FPS, CANONICAL_SIZE, MOUTH_SIZE, MOUTH_BOX, MEL_BANDS, MEL_HOP_SECONDS, AUDIO_WINDOW, AUDIO_SAMPLE_RATE, CANONICAL_TEMPLATE, ALIGNMENT_POINTS };
  return createHash('sha256').update(JSON.stringify(geometry)).digest('hex').slice(0, 16);
}

type ArrayName = 'landmarks' | 'transforms' | 'mouths' | 'audio' | 'openness' | 'faceCounts' | 'normalisationMean' | 'normalisationStd';

interface Header {
  format: typeof MAGIC;
  version: number;
  fingerprint: string;
  frames: number;
  width: number;
  height: number;
  arrays: Record<ArrayName, { type: 'f32' | 'u8'; offset: number; length: number }>;
}

function checkLittleEndian(): void {
  // The arrays are written as the host holds them; every platform the studio ships on is little-endian.
  if (endianness() !== 'LE') throw new Error('the face take cache needs a little-endian machine');
}

/** The take as bytes: "LKFT", the JSON header's length (uint32 LE), the header, then the arrays, each 8-byte aligned. */
export function encodePrepared(p: PreparedTake): Uint8Array {
  checkLittleEndian();
  const parts: Record<ArrayName, Float32Array | Uint8Array> = {
    landmarks: p.landmarks,
    transforms: p.transforms,
    mouths: p.mouths,
    audio: p.audio,
    openness: p.openness,
    faceCounts: p.faceCounts,
    normalisationMean: p.normalisation.mean,
    normalisationStd: p.normalisation.std,
  };
  checkShapes(p.frames, parts);
  const names = Object.keys(parts) as ArrayName[];
  const layout = (start: number): Header['arrays'] => {
    let offset = start;
    const arrays = {} as Header['arrays'];
    for (const name of names) {
      const a = parts[name];
      arrays[name] = { type: a instanceof Float32Array ? 'f32' : 'u8', offset, length: a.length };
      offset = align(offset + a.byteLength);
    }
    return arrays;
  };
  const header: Header = { format: MAGIC, version: FORMAT_VERSION, fingerprint: fingerprint(), frames: p.frames, width: p.width, height: p.height, arrays: layout(0) };
  // Offsets are from the start of the bytes; the header's own length depends on them, so settle it by iterating.
  let json = '';
  for (let start = 0, previous = -1; start !== previous; ) {
    previous = start;
    header.arrays = layout(start);
    json = JSON.stringify(header);
    start = align(8 + Buffer.byteLength(json));
  }
  const headerBytes = new TextEncoder().encode(json);
  const last = header.arrays[names.at(-1)!];
  const out = new Uint8Array(last.offset + parts[names.at(-1)!].byteLength);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(4, headerBytes.length, true);
  out.set(headerBytes, 8);
  for (const name of names) {
    const a = parts[name];
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), header.arrays[name].offset);
  }
  return out;
}

/** A take from encodePrepared's bytes; throws when they are not one, or were made with other geometry or another version (prepare it again). */
export function decodePrepared(bytes: Uint8Array): PreparedTake {
  checkLittleEndian();
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) throw new Error('not a prepared face take');
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (8 + length > bytes.length) throw new Error('the prepared face take is truncated (header)');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Header;
  if (header.format !== MAGIC || header.version !== FORMAT_VERSION || header.fingerprint !== fingerprint()) {
    throw new Error(`the prepared face take is from another version (${header.version}, ${header.fingerprint}); prepare the take again`);
  }
  const bytesOf = (name: ArrayName, type: 'f32' | 'u8'): Uint8Array => {
    const entry = header.arrays?.[name];
    if (entry?.type !== type) throw new Error(`the prepared face take has no ${type} array '${name}'`);
    const end = entry.offset + entry.length * (type === 'f32' ? 4 : 1);
    if (end > bytes.length) throw new Error(`the prepared face take is truncated (${name})`);
    // Copied, so that the arrays are aligned and do not pin the whole file.
    return bytes.slice(entry.offset, end);
  };
  const f32 = (name: ArrayName): Float32Array => new Float32Array(bytesOf(name, 'f32').buffer);
  const u8 = (name: ArrayName): Uint8Array => bytesOf(name, 'u8');
  const take: PreparedTake = {
    frames: header.frames,
    width: header.width,
    height: header.height,
    landmarks: f32('landmarks'),
    transforms: f32('transforms'),
    mouths: u8('mouths'),
    audio: f32('audio'),
    openness: f32('openness'),
    faceCounts: u8('faceCounts'),
    normalisation: { mean: f32('normalisationMean'), std: f32('normalisationStd') },
  };
  checkShapes(take.frames, {
    landmarks: take.landmarks,
    transforms: take.transforms,
    mouths: take.mouths,
    audio: take.audio,
    openness: take.openness,
    faceCounts: take.faceCounts,
    normalisationMean: take.normalisation.mean,
    normalisationStd: take.normalisation.std,
  });
  return take;
}

function align(offset: number): number {
  return Math.ceil(offset / 8) * 8;
}

function checkShapes(frames: number, arrays: Record<ArrayName, Float32Array | Uint8Array>): void {
  const expected: Record<ArrayName, number> = {
    landmarks: frames * ROW,
    transforms: frames * 4,
    mouths: frames * CROP_BYTES,
    audio: frames * AUDIO_VALUES,
    openness: frames,
    faceCounts: frames,
    normalisationMean: MEL_BANDS,
    normalisationStd: MEL_BANDS,
  };
  for (const name of Object.keys(expected) as ArrayName[]) {
    if (arrays[name].length !== expected[name]) throw new Error(`prepared face take: ${name} holds ${arrays[name].length} values, ${frames} frames need ${expected[name]}`);
  }
}
