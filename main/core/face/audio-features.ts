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

/** Per-band mean and standard deviation over log-mel frames; a band that never changes gets std 1 (it normalises to 0). */
export function melStatistics(mel: Float32Array): AudioNormalisation {
  const frames = mel.length / MEL_BANDS;
  if (!Number.isInteger(frames)) throw new Error(`melStatistics: ${mel.length} values are not whole frames of ${MEL_BANDS} bands`);
  const mean = new Float32Array(MEL_BANDS);
  const std = new Float32Array(MEL_BANDS).fill(1);
  // No audio at all: centre on silence, which is then all there is.
  if (frames === 0) {
    mean.set(silenceFrame());
    return { mean, std };
  }
  for (let b = 0; b < MEL_BANDS; b++) {
    let sum = 0;
    for (let k = 0; k < frames; k++) sum += mel[k * MEL_BANDS + b]!;
    const m = sum / frames;
    let sq = 0;
    for (let k = 0; k < frames; k++) sq += (mel[k * MEL_BANDS + b]! - m) ** 2;
    const s = Math.sqrt(sq / frames);
    mean[b] = m;
    std[b] = s > 1e-6 ? s : 1;
  }
  return { mean, std };
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
  const { mean, std } = normalisation;
  if (mean.length !== MEL_BANDS || std.length !== MEL_BANDS) throw new Error(`the normalisation must have ${MEL_BANDS} bands`);
  const count = mel.length / MEL_BANDS;
  const pad = silenceFrame();
  const out = new Float32Array(frames * AUDIO_WINDOW * MEL_BANDS);
  for (let f = 0; f < frames; f++) {
    // Mel frame centres (k + 0.5)·hop straddle the video frame's centre, AUDIO_WINDOW / 2 on either side.
    const start = Math.round((f + 0.5) * MEL_PER_VIDEO_FRAME) - AUDIO_WINDOW / 2;
    for (let t = 0; t < AUDIO_WINDOW; t++) {
      const k = start + t;
      const o = (f * AUDIO_WINDOW + t) * MEL_BANDS;
      for (let b = 0; b < MEL_BANDS; b++) {
        const value = k >= 0 && k < count ? mel[k * MEL_BANDS + b]! : pad[b]!;
        out[o + b] = (value - mean[b]!) / std[b]!;
      }
    }
  }
  return out;
}
