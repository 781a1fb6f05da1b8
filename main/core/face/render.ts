// Renders the talking head: for each 25 fps frame of any audio, the idle loop's frame with the mouth drawn from that audio, feathered in, piped to the encoder; workers and CLI.
import { decodeAudio } from '../media/ffmpeg.js';
import { decodeVideoFrames } from '../media/video-frames.js';
import { VideoEncoder } from '../media/video-encoder.js';
import { AUDIO_SAMPLE_RATE, FrameAudioStream, LogMelStream, MelStatistics, audioWindows, isSilent } from './audio-features.js';
import type { FrameAudio } from './audio-features.js';
import { MouthGenerator } from './generator.js';
import { idleFrameAt } from './idle.js';
import { mouthMask } from './mask.js';
import { decodeFaceModel } from './model-file.js';
import { AUDIO_WINDOW, FACE_FPS, MEL_BANDS, MOUTH_BOX, MOUTH_SIZE, type Similarity } from './spec.js';
import type { FaceModelParts } from './training.js';
import { pasteFromCanonical, warpToCanonical } from './transform.js';

/**
 * A render reads its soundtrack twice, the second time at the pace frames are drawn (about 3 frames per second of
 * audio per second): this bounds the reading, not the length, of even a day-long soundtrack.
 */
const DECODE_TIMEOUT_MS = 24 * 3600_000;

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

  /**
   * The whole video for `audio` (any file ffmpeg reads, of any length): one frame per 1/25 s of it; the loop repeats as
   * long as needed. The audio is read twice and never held whole: once for its length and feature statistics, then
   * again while frames are drawn from it.
   */
  async render(audio: string, output: string, options: RenderOptions = {}): Promise<{ frames: number; seconds: number }> {
    const decode = { sampleRate: AUDIO_SAMPLE_RATE, signal: options.signal, timeoutMs: DECODE_TIMEOUT_MS };
    const statistics = new MelStatistics();
    const mel = new LogMelStream();
    const { frames: samples } = await decodeAudio(audio, decode, (chunk) => {
      for (const frame of mel.push(chunk)) statistics.add(frame);
    });
    const frames = Math.max(1, Math.ceil((samples / AUDIO_SAMPLE_RATE) * FACE_FPS));
    const features = new FrameAudioStream(frames, statistics.result());
    const encoder = new VideoEncoder({ width: this.size, height: this.size, fps: FACE_FPS, audio, output });
    let drawn = 0;
    const draw = async (ready: FrameAudio[]): Promise<void> => {
      for (const { window, silent } of ready) {
        options.signal?.throwIfAborted();
        await encoder.write(await this.frame(drawn, window, silent));
        options.onProgress?.(++drawn, frames);
      }
    };
    try {
      await decodeAudio(audio, decode, (chunk) => draw(features.push(chunk)));
      await draw(features.end());
      await encoder.finish();
    } catch (error) {
      await encoder.abort();
      throw error;
    }
    return { frames, seconds: samples / AUDIO_SAMPLE_RATE };
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
