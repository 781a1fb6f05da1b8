// Watermark trials on real speech for the compose benchmark and the watermark tests (Node; spawns ffmpeg): marked clips re-encoded to AAC and Opus and detected, unmarked clips checked for false detections, loudness and spectrum change.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { detectWatermark, embedWatermark, WATERMARK_SAMPLE_RATE } from '../main/core/compose/watermark.js';
import { ffmpegPath } from '../main/core/media/binaries.js';
import { decodeAudioToArray } from '../main/core/media/ffmpeg.js';
import { fftOf } from '../main/core/speech/fft.js';
import { analyseAudio } from '../main/core/speech/loudness.js';
import { encodeWav } from '../main/core/speech/wav.js';
import { mulberry32 } from '../main/core/platform/seeded-random.js';

const run = promisify(execFile);

/** 11 s of John F. Kennedy's inaugural address (public domain), 16 kHz mono. */
export const SPEECH_PATH = fileURLToPath(new URL('../../shared/data/jfk-inaugural-1961.wav', import.meta.url));

export type Codec = 'aac' | 'opus';

/** ffmpeg encoder arguments and container of each codec, as a viewer's re-upload might use them. */
const CODECS: Record<Codec, { args: string[]; extension: string }> = {
  aac: { args: ['-c:a', 'aac', '-b:a', '96k'], extension: 'm4a' },
  opus: { args: ['-c:a', 'libopus', '-b:a', '48k'], extension: 'ogg' },
};

export interface WatermarkTrialResult {
  /** Share of marked clips whose mark came back exactly after AAC at 96 kbit/s. */
  detectRateAac: number;
  /** The same after Opus at 48 kbit/s. */
  detectRateOpus: number;
  /** Reports that were wrong (any mark in an unmarked clip, another mark in a marked one) per detection run. */
  falseDetectRate: number;
  /** Largest change of integrated loudness over the clips, dB. */
  loudnessDeltaDb: number;
  /** Largest change of any third-octave band of the long-term spectrum within 40 dB of the loudest band, dB. */
  maxSpectrumDeltaDb: number;
}

/** The speech upsampled to 48 kHz by ffmpeg. */
export async function loadSpeech(): Promise<Float32Array> {
  return (await decodeAudioToArray(SPEECH_PATH, { sampleRate: WATERMARK_SAMPLE_RATE })).samples;
}


/**
 * A clip of `seconds` built from the speech: stretches from random starting points at random gains (-8 to 0 dB) with short
 * silent gaps between them, as a pause-filled talk would be; each seed gives a different clip.
 */
export function speechClip(speech: Float32Array, seconds: number, seed: number): Float32Array {
  const next = mulberry32(seed);
  const out = new Float32Array(Math.round(seconds * WATERMARK_SAMPLE_RATE));
  let at = 0;
  while (at < out.length) {
    const start = Math.floor(next() * speech.length * 0.6);
    const gain = 10 ** ((-8 * next()) / 20);
    const piece = speech.subarray(start, Math.min(speech.length, start + out.length - at));
    for (let i = 0; i < piece.length; i++) out[at + i] = piece[i]! * gain;
    at += piece.length + Math.floor(next() * 0.4 * WATERMARK_SAMPLE_RATE);
  }
  return out;
}

/** A random 8-byte mark. */
export function randomMark(next: () => number): Uint8Array {
  return Uint8Array.from({ length: 8 }, () => Math.floor(next() * 256));
}

/** The samples written as 16-bit WAV, encoded with the codec by the shipped ffmpeg, and decoded back to 48 kHz mono float. */
export async function reencode(samples: Float32Array, codec: Codec, dir: string, name: string): Promise<Float32Array> {
  const binary = ffmpegPath();
  if (!binary) throw new Error('The shipped ffmpeg is missing.');
  const wav = join(dir, `${name}.wav`);
  const encoded = join(dir, `${name}.${CODECS[codec].extension}`);
  writeFileSync(wav, encodeWav(samples, WATERMARK_SAMPLE_RATE));
  await run(binary, ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-i', wav, ...CODECS[codec].args, encoded]);
  const decoded = await decodeAudioToArray(encoded, { sampleRate: WATERMARK_SAMPLE_RATE });
  rmSync(wav, { force: true });
  rmSync(encoded, { force: true });
  return decoded.samples;
}

/** |Δ integrated loudness| (BS.1770) between two versions of a clip, dB. */
export function loudnessDeltaDb(original: Float32Array, marked: Float32Array): number {
  const a = analyseAudio(original, WATERMARK_SAMPLE_RATE).integratedLufs;
  const b = analyseAudio(marked, WATERMARK_SAMPLE_RATE).integratedLufs;
  if (a === null || b === null) throw new Error('A clip is too quiet to measure.');
  return Math.abs(a - b);
}

const SPECTRUM_FRAME = 4096;
/** Sine (sqrt-Hann) window: its squares overlap-add to a constant at 50% overlap, so every sample counts equally in the average. */
const SINE = Float64Array.from({ length: SPECTRUM_FRAME }, (_, n) => Math.sin((Math.PI * n) / SPECTRUM_FRAME));

/**
 * Long-term average power spectra of two equally long signals: mean |FFT|² of sine-windowed frames at 50% overlap, both
 * signals through one complex FFT (a in the real part, b in the imaginary part).
 */
function averageSpectra(a: Float32Array, b: Float32Array): [Float64Array, Float64Array] {
  const fft = fftOf(SPECTRUM_FRAME);
  const re = new Float64Array(SPECTRUM_FRAME);
  const im = new Float64Array(SPECTRUM_FRAME);
  const pa = new Float64Array(SPECTRUM_FRAME / 2 + 1);
  const pb = new Float64Array(SPECTRUM_FRAME / 2 + 1);
  for (let start = 0; start + SPECTRUM_FRAME <= Math.min(a.length, b.length); start += SPECTRUM_FRAME / 2) {
    for (let n = 0; n < SPECTRUM_FRAME; n++) {
      re[n] = a[start + n]! * SINE[n]!;
      im[n] = b[start + n]! * SINE[n]!;
    }
    fft.forward(re, im);
    for (let k = 0; k < pa.length; k++) {
      const m = (SPECTRUM_FRAME - k) % SPECTRUM_FRAME;
      // A = (Z[k] + conj Z[N-k]) / 2, B = (Z[k] - conj Z[N-k]) / 2i.
      pa[k]! += ((re[k]! + re[m]!) ** 2 + (im[k]! - im[m]!) ** 2) / 4;
      pb[k]! += ((im[k]! + im[m]!) ** 2 + (re[m]! - re[k]!) ** 2) / 4;
    }
  }
  return [pa, pb];
}

/** Largest |Δ| of the third-octave bands (50 Hz to 16 kHz) of the long-term spectrum that lie within 40 dB of the loudest band. */
export function spectrumDeltaDb(original: Float32Array, marked: Float32Array): number {
  const [a, b] = averageSpectra(original, marked);
  const binHz = WATERMARK_SAMPLE_RATE / SPECTRUM_FRAME;
  const bands: Array<[number, number]> = [];
  for (let i = -13; i <= 12; i++) {
    const centre = 1000 * 2 ** (i / 3);
    let pa = 0;
    let pb = 0;
    for (let k = Math.ceil((centre * 2 ** (-1 / 6)) / binHz); k < (centre * 2 ** (1 / 6)) / binHz; k++) {
      pa += a[k]!;
      pb += b[k]!;
    }
    if (pa > 0) bands.push([10 * Math.log10(pa), 10 * Math.log10(Math.max(pb, 1e-30))]);
  }
  const loudest = Math.max(...bands.map(([level]) => level));
  return Math.max(0, ...bands.filter(([level]) => level > loudest - 40).map(([level, other]) => Math.abs(other - level)));
}

/**
 * `clips` marked clips of `seconds` (random marks), each re-encoded with both codecs and detected, and as many unmarked clips
 * built from other stretches of the speech, detected as they are. Two clips are worked on at once, so ffmpeg's encoding overlaps
 * the embedding and detection.
 */
export async function watermarkTrials(options: { clips: number; seconds: number }): Promise<WatermarkTrialResult> {
  const speech = await loadSpeech();
  const dir = mkdtempSync(join(tmpdir(), 'likeness-watermark-'));
  const detected: Record<Codec, number> = { aac: 0, opus: 0 };
  let falseReports = 0;
  let runs = 0;
  let loudness = 0;
  let spectrum = 0;
  const trial = async (i: number): Promise<void> => {
    const mark = randomMark(mulberry32(0x5eed + i));
    const clip = speechClip(speech, options.seconds, 1 + i);
    const marked = embedWatermark(clip, mark);
    loudness = Math.max(loudness, loudnessDeltaDb(clip, marked));
    spectrum = Math.max(spectrum, spectrumDeltaDb(clip, marked));
    const decoded = await Promise.all((['aac', 'opus'] as const).map((codec) => reencode(marked, codec, dir, `clip${i}-${codec}`)));
    (['aac', 'opus'] as const).forEach((codec, c) => {
      const found = detectWatermark(decoded[c]!, WATERMARK_SAMPLE_RATE);
      runs++;
      if (found && sameMark(found.mark, mark)) detected[codec]++;
      else if (found) falseReports++;
    });
    runs++;
    if (detectWatermark(speechClip(speech, options.seconds, 100_000 + i), WATERMARK_SAMPLE_RATE)) falseReports++;
  };
  try {
    let nextClip = 0;
    const worker = async (): Promise<void> => {
      while (nextClip < options.clips) await trial(nextClip++);
    };
    await Promise.all([worker(), worker()]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    detectRateAac: detected.aac / options.clips,
    detectRateOpus: detected.opus / options.clips,
    falseDetectRate: falseReports / runs,
    loudnessDeltaDb: loudness,
    maxSpectrumDeltaDb: spectrum,
  };
}

export function sameMark(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
