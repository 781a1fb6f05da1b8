// The face model's audio input: per video frame, a window of normalised log-mel frames centred on the frame; pure, main process and workers.
import { logMelSpectrogram } from '../speech/features.js';
import type { FeatureOptions } from '../speech/features.js';
import { AUDIO_WINDOW, FACE_FPS, MEL_BANDS, MEL_HOP_SECONDS } from './spec.js';

/** The features are computed from 16 kHz mono audio. */
export const AUDIO_SAMPLE_RATE = 16_000;

const HOP = Math.round(MEL_HOP_SECONDS * AUDIO_SAMPLE_RATE);
/** The analysis window: 25 ms, the usual for speech features. */
const WINDOW_SECONDS = 0.025;
const WINDOW = Math.round(WINDOW_SECONDS * AUDIO_SAMPLE_RATE);
/**
 * Silence put before the audio so that mel frame k is centred on (k + 0.5)·hop, the middle of its own 10 ms: then a
 * video frame's centre (f + 0.5)/FACE_FPS falls exactly between two mel frames and an even window sits symmetric on it.
 */
const LEAD = WINDOW / 2 - HOP / 2;
const MEL_PER_VIDEO_FRAME = 1 / (FACE_FPS * MEL_HOP_SECONDS);

/** Per-band statistics the log-mel values are normalised with: (x − mean) / std. */
export interface AudioNormalisation {
  readonly mean: Float32Array;
  readonly std: Float32Array;
}

function melOptions(): FeatureOptions {
  return { sampleRate: AUDIO_SAMPLE_RATE, melBands: MEL_BANDS, hopSeconds: MEL_HOP_SECONDS, windowSeconds: WINDOW_SECONDS };
}

let silence: Float32Array | undefined;

/** The log-mel frame of digital silence (the feature extractor's energy floor in every band): what pads the edges. */
export function silenceFrame(): Float32Array {
  silence ??= logMelSpectrogram(new Float32Array(WINDOW), melOptions())[0]!;
  return silence.slice();
}

/** Log-mel frames (MEL_BANDS values each, row-major) of 16 kHz audio; frame k is centred on (k + 0.5)·MEL_HOP_SECONDS. */
export function logMelFrames(samples16k: Float32Array): Float32Array {
  const padded = new Float32Array(LEAD + samples16k.length);
  padded.set(samples16k, LEAD);
  const frames = logMelSpectrogram(padded, melOptions());
  const out = new Float32Array(frames.length * MEL_BANDS);
  frames.forEach((frame, k) => out.set(frame, k * MEL_BANDS));
  return out;
}

/** Per-band mean and standard deviation of log-mel frames added one at a time (in double precision). */
export class MelStatistics {
  private readonly sum = new Float64Array(MEL_BANDS);
  private readonly sumSq = new Float64Array(MEL_BANDS);
  private frames = 0;

  add(frame: ArrayLike<number>): void {
    for (let b = 0; b < MEL_BANDS; b++) {
      const v = frame[b]!;
      this.sum[b] = this.sum[b]! + v;
      this.sumSq[b] = this.sumSq[b]! + v * v;
    }
    this.frames++;
  }

  /** A band that never changes gets std 1 (it normalises to 0); no frames at all centre on silence. */
  result(): AudioNormalisation {
    const mean = new Float32Array(MEL_BANDS);
    const std = new Float32Array(MEL_BANDS).fill(1);
    if (this.frames === 0) {
      mean.set(silenceFrame());
      return { mean, std };
    }
    for (let b = 0; b < MEL_BANDS; b++) {
      const m = this.sum[b]! / this.frames;
      const s = Math.sqrt(Math.max(0, this.sumSq[b]! / this.frames - m * m));
      mean[b] = m;
      std[b] = s > 1e-6 ? s : 1;
    }
    return { mean, std };
  }
}

/** Per-band mean and standard deviation over log-mel frames (see MelStatistics). */
export function melStatistics(mel: Float32Array): AudioNormalisation {
  const frames = mel.length / MEL_BANDS;
  if (!Number.isInteger(frames)) throw new Error(`melStatistics: ${mel.length} values are not whole frames of ${MEL_BANDS} bands`);
  const statistics = new MelStatistics();
  for (let k = 0; k < frames; k++) statistics.add(mel.subarray(k * MEL_BANDS, (k + 1) * MEL_BANDS));
  return statistics.result();
}

/**
 * One window of AUDIO_WINDOW mel frames per video frame (frames × AUDIO_WINDOW × MEL_BANDS, time-major, float32):
 * window f holds mel frames 4f − 18 … 4f + 21 (at 25 fps and a 10 ms hop), centred on (f + 0.5)/FACE_FPS, with the
 * log-mel of silence where that reaches before or past the audio. Values are normalised per band by `normalisation`,
 * by default the statistics of this audio itself (so training takes and render-time speech are each normalised over
 * themselves). `frames` is the number of video frames; it need not match the audio's length.
 */
export function audioWindows(samples16k: Float32Array, frames: number, normalisation?: AudioNormalisation): Float32Array {
  const mel = logMelFrames(samples16k);
  return melWindows(mel, frames, normalisation ?? melStatistics(mel));
}

/** audioWindows from log-mel frames already computed (logMelFrames) and the statistics to normalise with. */
export function melWindows(mel: Float32Array, frames: number, normalisation: AudioNormalisation): Float32Array {
  if (!Number.isInteger(frames) || frames < 0) throw new Error(`frames must be a non-negative integer, got ${frames}`);
  if (mel.length % MEL_BANDS !== 0) throw new Error(`melWindows: ${mel.length} values are not whole frames of ${MEL_BANDS} bands`);
  checkNormalisation(normalisation);
  const count = mel.length / MEL_BANDS;
  const out = new Float32Array(frames * AUDIO_WINDOW * MEL_BANDS);
  for (let f = 0; f < frames; f++) writeWindow(f, (k) => (k >= 0 && k < count ? mel.subarray(k * MEL_BANDS, (k + 1) * MEL_BANDS) : undefined), normalisation, out, f * AUDIO_WINDOW * MEL_BANDS);
  return out;
}

function checkNormalisation({ mean, std }: AudioNormalisation): void {
  if (mean.length !== MEL_BANDS || std.length !== MEL_BANDS) throw new Error(`the normalisation must have ${MEL_BANDS} bands`);
}

/** The first mel frame of video frame f's window: mel frame centres (k + 0.5)·hop straddle the video frame's centre, AUDIO_WINDOW / 2 on either side. */
function windowStart(f: number): number {
  return Math.round((f + 0.5) * MEL_PER_VIDEO_FRAME) - AUDIO_WINDOW / 2;
}

/** Video frame f's window into `out` at `at`; `melAt(k)` is mel frame k, or undefined before or past the audio (silence). */
function writeWindow(f: number, melAt: (k: number) => ArrayLike<number> | undefined, { mean, std }: AudioNormalisation, out: Float32Array, at: number): void {
  const pad = silenceFrame();
  const start = windowStart(f);
  for (let t = 0; t < AUDIO_WINDOW; t++) {
    const frame = melAt(start + t) ?? pad;
    const o = at + t * MEL_BANDS;
    for (let b = 0; b < MEL_BANDS; b++) out[o + b] = (frame[b]! - mean[b]!) / std[b]!;
  }
}

/**
 * Log-mel frames of 16 kHz audio handed over in pieces of any size: the same frames logMelFrames gives for the whole,
 * each as soon as its window is complete, so a soundtrack of any length is never held whole.
 */
export class LogMelStream {
  /** Padded samples (LEAD of silence, then the audio) from padded offset `base`. */
  private buffer: Float32Array = new Float32Array(LEAD);
  private base = 0;
  private next = 0;

  push(samples: Float32Array): Float32Array[] {
    const joined = new Float32Array(this.buffer.length + samples.length);
    joined.set(this.buffer);
    joined.set(samples, this.buffer.length);
    // Start one hop early (past the first frame) so the first new frame's pre-emphasis sees the sample before it.
    const from = this.next === 0 ? 0 : (this.next - 1) * HOP;
    const frames = logMelSpectrogram(joined.subarray(from - this.base), melOptions()).slice(this.next === 0 ? 0 : 1);
    this.next += frames.length;
    const keep = this.next === 0 ? 0 : (this.next - 1) * HOP;
    this.buffer = joined.slice(keep - this.base);
    this.base = keep;
    return frames;
  }
}

/** The 16 kHz sample at the centre of video frame i. */
function centreSample(i: number): number {
  return Math.round(((i + 0.5) / FACE_FPS) * AUDIO_SAMPLE_RATE);
}

/** Samples of 16 kHz audio from absolute index `offset`; the audio's end is offset + length once the stream has ended. */
function silentIn(samples: Float32Array, offset: number, i: number): boolean {
  const centre = centreSample(i);
  let sum = 0;
  let n = 0;
  for (let k = Math.max(0, centre - SILENCE_HALF_WINDOW); k < Math.min(offset + samples.length, centre + SILENCE_HALF_WINDOW); k++, n++) sum += samples[k - offset]! ** 2;
  return n === 0 || 10 * Math.log10(sum / n + 1e-20) < SILENCE_DBFS;
}

/** Under this level (dBFS RMS over ±40 ms) a frame is silence: the idle loop's resting mouth stays as it is. */
export const SILENCE_DBFS = -50;
const SILENCE_HALF_WINDOW = Math.round(0.04 * AUDIO_SAMPLE_RATE);

/** Whether video frame i's ±40 ms of 16 kHz audio is under SILENCE_DBFS. */
export function isSilent(samples16k: Float32Array, i: number): boolean {
  return silentIn(samples16k, 0, i);
}

/** What the renderer needs for one video frame. */
export interface FrameAudio {
  /** AUDIO_WINDOW × MEL_BANDS normalised log-mel values (as melWindows). */
  window: Float32Array;
  silent: boolean;
}

/**
 * Per-video-frame windows and silence for a soundtrack handed over in pieces: frames come out in order as soon as the
 * audio they look at has arrived (the rest at `end`), equal to audioWindows and isSilent over the whole, holding only
 * the audio around the frame being made. `frames` and `normalisation` come from a first pass over the same audio.
 */
export class FrameAudioStream {
  private readonly mel = new LogMelStream();
  /** Mel frames from index melBase on. */
  private melFrames: Float32Array[] = [];
  private melBase = 0;
  private samples: Float32Array = new Float32Array(0);
  private sampleBase = 0;
  private frame = 0;

  constructor(
    private readonly frames: number,
    private readonly normalisation: AudioNormalisation,
  ) {
    if (!Number.isInteger(frames) || frames < 0) throw new Error(`frames must be a non-negative integer, got ${frames}`);
    checkNormalisation(normalisation);
  }

  push(chunk: Float32Array): FrameAudio[] {
    this.melFrames.push(...this.mel.push(chunk));
    const joined = new Float32Array(this.samples.length + chunk.length);
    joined.set(this.samples);
    joined.set(chunk, this.samples.length);
    this.samples = joined;
    return this.ready(false);
  }

  end(): FrameAudio[] {
    return this.ready(true);
  }

  private ready(ended: boolean): FrameAudio[] {
    const out: FrameAudio[] = [];
    const melKnown = this.melBase + this.melFrames.length;
    const samplesKnown = this.sampleBase + this.samples.length;
    for (; this.frame < this.frames; this.frame++) {
      const f = this.frame;
      const centre = centreSample(f);
      if (!ended && (melKnown < windowStart(f) + AUDIO_WINDOW || samplesKnown < centre + SILENCE_HALF_WINDOW)) break;
      const window = new Float32Array(AUDIO_WINDOW * MEL_BANDS);
      writeWindow(f, (k) => (k >= this.melBase && k < melKnown ? this.melFrames[k - this.melBase] : undefined), this.normalisation, window, 0);
      out.push({ window, silent: silentIn(this.samples, this.sampleBase, f) });
    }
    // Drop what no later frame looks at.
    const firstMel = Math.max(this.melBase, Math.min(melKnown, windowStart(this.frame)));
    this.melFrames = this.melFrames.slice(firstMel - this.melBase);
    this.melBase = firstMel;
    const firstSample = Math.max(this.sampleBase, Math.min(samplesKnown, centreSample(this.frame) - SILENCE_HALF_WINDOW));
    this.samples = this.samples.slice(firstSample - this.sampleBase);
    this.sampleBase = firstSample;
    return out;
  }
}
