// Whole-utterance voice analysis and synthesis at VOICE_RATE in the model's frame representation (main process and workers). No I/O.
import { resample } from '../speech/features.js';
import { bandAperiodicity } from './aperiodicity.js';
import { defaultFftSize } from './dsp.js';
import { cheapTrick } from './envelope.js';
import { estimateF0 } from './f0.js';
import { defaultAlpha, envelopeToMcep, mcepToEnvelope } from './mcep.js';
import { FRAME_SECONDS, MCEP_ORDER, VOICE_RATE } from './spec.js';
import type { VoiceFrames } from './spec.js';
import { synthesize } from './synthesis.js';

export interface VoiceSynthesisOptions {
  /** Output length in samples at VOICE_RATE; default frames · hop. */
  length?: number;
  /** Noise seed of the aperiodic part; default 1 (synthesis is deterministic per seed). */
  seed?: number;
}

/** The envelope resolution analysis uses. */
const FFT_SIZE = defaultFftSize(VOICE_RATE);
/**
 * Synthesis decodes the mel-cepstrum onto half as many bins: each pulse's responses then span 21 ms (a formant of 80 Hz
 * bandwidth has decayed by 45 dB by then) and its four FFTs cost under half as much. The JFK round trip stayed at
 * 1.70 dB (1.69 at the analysis size) and the first text a speaker says went from 0.22 to 0.18 s per second of speech.
 */
const SYNTHESIS_FFT_SIZE = FFT_SIZE / 2;
const ALPHA = defaultAlpha(VOICE_RATE);
/**
 * Each frame's envelope is raised to at least this far under its own peak before the mel-cepstrum. Deeper valleys are
 * inaudible, and they are not what a recording says about the voice: the empty band over 8 kHz of a 16 kHz source, over
 * 11 kHz of eSpeak's 22.05 kHz, or CheapTrick's −90 dB numerical floor. Left in, they dominate the cepstral distance (which
 * weighs every part of the warped axis alike) and a resynthesis cannot reproduce them. With the floor the analysis →
 * synthesis → analysis MCD of a clean gliding vowel dropped from 2.7 to 1.1 dB, of the JFK clip's speech from 4.1 to 3.6 dB
 * (measured before the unvoiced-window and time-smoothing changes below, which take them to 0.98 and 1.69 dB; 0.91 and
 * 1.70 since synthesis decodes onto half the bins; 1.46 for JFK with the sine tapers).
 */
const ENVELOPE_RANGE_DB = 60;
/**
 * Unvoiced frames: CheapTrick's smoothing and lifters for a default F0 of 700 Hz (spectral detail finer than that is the
 * noise's scatter, not the speaker) over a window of 3 periods of 100 Hz (30 ms instead of 6 ms).
 */
const UNVOICED_SMOOTHING_F0 = 700;
const UNVOICED_WINDOW_F0 = 100;
/**
 * Sine tapers per frame (envelope.ts): three for voiced frames, over CheapTrick's own 3 periods and with its resolution,
 * five over the unvoiced 30 ms. They took the JFK round trip from 1.70 to 1.52 dB (voiced frames 1.88 → 1.56, unvoiced
 * 1.52 → 1.44) and its F0 error from 153 to 12 cents RMS, as the resynthesis no longer carries the scatter of one window's
 * estimate into octave errors. More voiced tapers need a longer window (3·(K + 1)/4 periods): 4 and 5 lowered the round
 * trip further but misled the alignment of a re-warped voice (align.test.ts) by up to 9 and 24 frames.
 */
const VOICED_TAPERS = 3;
const UNVOICED_TAPERS = 5;
/**
 * Half-widths in frames of the triangular time smoothing of the envelope (power), by the voicing of the centre frame, and of
 * the band aperiodicity (over voiced frames only). A spectrum estimate from one short window scatters: noise by several dB
 * per frame, the aperiodic bands of voiced frames nearly as much, and per-frame aperiodicity swings between 0 and 1. A
 * resynthesis draws fresh noise, so that scatter comes back different in every analysis of it. Triangular weights ±3 frames
 * (±15 ms) for unvoiced, ±2 for voiced, ±2 for aperiodicity: with the tapers, the JFK round trip measures 1.46 dB (1.52 at
 * ±2/±1). The envelopes are then smoother in time, and DTW finds a known warp less sharply inside a sustained vowel (up to
 * 8 frames off, align.test.ts); the held-out MCD of the voice benchmark, which that alignment trains for, still fell from
 * 3.06 to 2.86 dB.
 */
const UNVOICED_SMOOTHING_FRAMES = 3;
const VOICED_SMOOTHING_FRAMES = 2;
const APERIODICITY_SMOOTHING_FRAMES = 2;

/**
 * Which analysis `analyseVoice` is: raised whenever it gives other frames for the same samples (2: sine tapers and wider
 * time smoothing), so that features cached by an earlier one are made again rather than mixed with these.
 */
export const VOICE_ANALYSIS_VERSION = 2;

/** F0, mel-cepstrum and band aperiodicity of an utterance at any sample rate (resampled to VOICE_RATE first). */
export function analyseVoice(samples: Float32Array, sampleRate: number): VoiceFrames {
  const x = sampleRate === VOICE_RATE ? samples : resample(samples, sampleRate, VOICE_RATE);
  const f0 = estimateF0(x, VOICE_RATE, { frameSeconds: FRAME_SECONDS }).f0;
  const raw = cheapTrick(x, VOICE_RATE, f0, {
    frameSeconds: FRAME_SECONDS,
    fftSize: FFT_SIZE,
    defaultF0: UNVOICED_SMOOTHING_F0,
    unvoicedWindowF0: UNVOICED_WINDOW_F0,
    tapers: VOICED_TAPERS,
    unvoicedTapers: UNVOICED_TAPERS,
  });
  const envelope = smoothEnvelopes(raw, f0).map(floorEnvelope);
  const mcep = envelopeToMcep(envelope, VOICE_RATE, { order: MCEP_ORDER, alpha: ALPHA });
  const bap = smoothAperiodicity(bandAperiodicity(x, VOICE_RATE, f0, { frameSeconds: FRAME_SECONDS }), f0);
  return { f0, mcep, bap };
}

/** Triangular weight of a neighbour `distance` frames away for half-width `width` (1 at the centre, 0 at width + 1). */
function triangle(distance: number, width: number): number {
  return 1 - Math.abs(distance) / (width + 1);
}

/** Each frame's power envelope averaged with its neighbours' (see VOICED_SMOOTHING_FRAMES); power, so noise averages unbiased. */
function smoothEnvelopes(envelope: Float32Array[], f0: Float32Array): Float32Array[] {
  const frames = envelope.length;
  const bins = frames > 0 ? envelope[0]!.length : 0;
  const sum = new Float64Array(bins);
  return envelope.map((_, i) => {
    const width = f0[i]! > 0 ? VOICED_SMOOTHING_FRAMES : UNVOICED_SMOOTHING_FRAMES;
    sum.fill(0);
    let weights = 0;
    for (let j = Math.max(0, i - width); j <= Math.min(frames - 1, i + width); j++) {
      const w = triangle(j - i, width);
      const e = envelope[j]!;
      weights += w;
      for (let k = 0; k < bins; k++) sum[k] = sum[k]! + w * e[k]!;
    }
    const out = new Float32Array(bins);
    for (let k = 0; k < bins; k++) out[k] = sum[k]! / weights;
    return out;
  });
}

/** Each voiced frame's band aperiodicity averaged with its voiced neighbours' (unvoiced frames stay 1 in every band). */
function smoothAperiodicity(bap: Float32Array[], f0: Float32Array): Float32Array[] {
  const width = APERIODICITY_SMOOTHING_FRAMES;
  return bap.map((own, i) => {
    if (!(f0[i]! > 0)) return own;
    const sum = new Float32Array(own.length);
    let weights = 0;
    for (let j = Math.max(0, i - width); j <= Math.min(bap.length - 1, i + width); j++) {
      if (!(f0[j]! > 0)) continue;
      const w = triangle(j - i, width);
      weights += w;
      for (let b = 0; b < own.length; b++) sum[b] = sum[b]! + w * bap[j]![b]!;
    }
    for (let b = 0; b < own.length; b++) sum[b] = sum[b]! / weights;
    return sum;
  });
}

function floorEnvelope(envelope: Float32Array): Float32Array {
  let peak = 0;
  for (const v of envelope) peak = Math.max(peak, v);
  const floor = peak * 10 ** (-ENVELOPE_RANGE_DB / 10);
  const out = new Float32Array(envelope.length);
  for (let k = 0; k < out.length; k++) out[k] = Math.max(envelope[k]!, floor);
  return out;
}

/** Waveform at VOICE_RATE from frames (as from `analyseVoice` or a conversion of them). */
export function synthesizeVoice(frames: VoiceFrames, options: VoiceSynthesisOptions = {}): Float32Array {
  const envelope = mcepToEnvelope(frames.mcep, SYNTHESIS_FFT_SIZE, VOICE_RATE, { alpha: ALPHA });
  return synthesize(frames.f0, envelope, frames.bap, VOICE_RATE, { frameSeconds: FRAME_SECONDS, length: options.length, seed: options.seed });
}

/**
 * Natural-log F0 with unvoiced frames filled by linear interpolation between the voiced frames around them and the ends
 * held at the nearest voiced value, so a network sees a continuous contour (voicing travels separately). A contour with
 * no voiced frame at all is `fallbackHz` throughout.
 */
export function voicedInterpolatedLogF0(f0: ArrayLike<number>, fallbackHz = 100): Float32Array {
  const n = f0.length;
  const out = new Float32Array(n);
  let previous = -1;
  for (let i = 0; i < n; i++) {
    if (!(f0[i]! > 0)) continue;
    const value = Math.log(f0[i]!);
    out[i] = value;
    const from = previous < 0 ? value : out[previous]!;
    // Before the first voiced frame `from` equals `value`: the start is held.
    for (let k = previous + 1; k < i; k++) out[k] = from + ((value - from) * (k - previous)) / (i - previous);
    previous = i;
  }
  const tail = previous < 0 ? Math.log(fallbackHz) : out[previous]!;
  for (let k = previous + 1; k < n; k++) out[k] = tail;
  return out;
}
