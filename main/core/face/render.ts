// Renders the talking head: for each 25 fps frame of any audio, the idle loop's frame with the mouth drawn from that audio, feathered in, piped to the encoder; workers and CLI.
import { decodeAudioToArray } from '../media/ffmpeg.js';
import { decodeVideoFrames } from '../media/video-frames.js';
import { VideoEncoder } from '../media/video-encoder.js';
import { AUDIO_SAMPLE_RATE, audioWindows } from './audio-features.js';
import { MouthGenerator } from './generator.js';
import { idleFrameAt } from './idle.js';
import { mouthMask } from './mask.js';
import { decodeFaceModel } from './model-file.js';
import { AUDIO_WINDOW, FACE_FPS, MEL_BANDS, MOUTH_BOX, MOUTH_SIZE, type Similarity } from './spec.js';
import type { FaceModelParts } from './training.js';
import { pasteFromCanonical, warpToCanonical } from './transform.js';

/** Under this level (dBFS RMS over ±40 ms) a frame is silence: the idle loop's resting mouth stays as it is. */
export const SILENCE_DBFS = -50;
/** The longest soundtrack rendered at once: its audio windows are computed ahead (about 100 MB for 10 minutes). */
export const MAX_AUDIO_SECONDS = 10 * 60;

export interface RenderOptions {
  signal?: AbortSignal;
  onProgress?: (frame: number, frames: number) => void;
}

export class TalkingHead {
  private readonly mask = mouthMask(MOUTH_SIZE);

  private constructor(
    private readonly generator: MouthGenerator,
    private readonly parts: FaceModelParts,
    private readonly reference: Uint8Array,
    private readonly idle: Uint8Array[],
  ) {}

  /** The model file and its idle-loop video (both as stored by training). */
  static async open(model: Uint8Array, idleVideo: string, options: { threads?: number } = {}): Promise<TalkingHead> {
    const { weights, parts } = decodeFaceModel(model);
    const idle: Uint8Array[] = [];
    await decodeVideoFrames(idleVideo, { fps: FACE_FPS, maxWidth: parts.idle.size, maxHeight: parts.idle.size }, (frame) => void idle.push(frame.data));
    if (idle.length < parts.idle.length) throw new Error(`the idle loop has ${idle.length} frames, its model ${parts.idle.length}: the video is damaged`);
    const generator = await MouthGenerator.open(weights, parts.stats, parts.dims, options);
    return new TalkingHead(generator, parts, new Uint8Array(Buffer.from(parts.reference, 'base64')), idle.slice(0, parts.idle.length));
  }

  get size(): number {
    return this.parts.idle.size;
  }

  private transformAt(k: number): Similarity {
    const t = this.parts.idle.transforms;
    return { a: t[4 * k]!, b: t[4 * k + 1]!, tx: t[4 * k + 2]!, ty: t[4 * k + 3]! };
  }

  /** Output frame `i` (size² RGB): the idle loop's frame, with a mouth drawn from `window` unless `silent`. */
  async frame(i: number, window: Float32Array, silent: boolean): Promise<Uint8Array> {
    const k = idleFrameAt(i, this.parts.idle.length);
    const out = this.idle[k]!.slice();
    if (silent) return out;
    const image = { data: out, width: this.size, height: this.size };
    const s = this.transformAt(k);
    const current = warpToCanonical(image, s, MOUTH_BOX, MOUTH_SIZE);
    const mouth = await this.generator.generate(window, this.reference, current);
    pasteFromCanonical(image, mouth, s, MOUTH_BOX, this.mask);
    return out;
  }

  /** The whole video for `audio` (any file ffmpeg reads): one frame per 1/25 s of it; the loop repeats as long as needed. */
  async render(audio: string, output: string, options: RenderOptions = {}): Promise<{ frames: number; seconds: number }> {
    const sound = await decodeAudioToArray(audio, { sampleRate: AUDIO_SAMPLE_RATE, maxSeconds: MAX_AUDIO_SECONDS, signal: options.signal });
    const samples = sound.samples;
    const frames = Math.max(1, Math.ceil((samples.length / AUDIO_SAMPLE_RATE) * FACE_FPS));
    const encoder = new VideoEncoder({ width: this.size, height: this.size, fps: FACE_FPS, audio, output });
    try {
      await this.renderFrames(samples, 0, frames, (frame) => encoder.write(frame), options);
      await encoder.finish();
    } catch (error) {
      await encoder.abort();
      throw error;
    }
    return { frames, seconds: samples.length / AUDIO_SAMPLE_RATE };
  }

  /**
   * `frames` frames for 16 kHz `samples`, numbered from `firstFrame` in the idle loop (so pieces rendered one after
   * another continue its motion), each handed to `write` in order.
   */
  async renderFrames(samples: Float32Array, firstFrame: number, frames: number, write: (frame: Uint8Array) => Promise<void>, options: RenderOptions = {}): Promise<void> {
    const windows = audioWindows(samples, frames);
    const size = AUDIO_WINDOW * MEL_BANDS;
    for (let i = 0; i < frames; i++) {
      options.signal?.throwIfAborted();
      await write(await this.frame(firstFrame + i, windows.subarray(i * size, (i + 1) * size), isSilent(samples, i)));
      options.onProgress?.(i + 1, frames);
    }
  }

  async close(): Promise<void> {
    await this.generator.close();
  }
}

/** Whether frame i's ±40 ms of audio is under SILENCE_DBFS. */
export function isSilent(samples16k: Float32Array, i: number): boolean {
  const centre = Math.round(((i + 0.5) / FACE_FPS) * AUDIO_SAMPLE_RATE);
  const half = Math.round(0.04 * AUDIO_SAMPLE_RATE);
  let sum = 0;
  let n = 0;
  for (let k = Math.max(0, centre - half); k < Math.min(samples16k.length, centre + half); k++, n++) sum += samples16k[k]! * samples16k[k]!;
  return n === 0 || 10 * Math.log10(sum / n + 1e-20) < SILENCE_DBFS;
}
