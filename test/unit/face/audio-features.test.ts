// Audio windows for the face model: one per video frame, centred on the frame (a click lands in the middle), silence at the edges, per-band normalisation; the same streamed from audio of any length.
import { describe, expect, it } from 'vitest';
import {
  AUDIO_SAMPLE_RATE,
  FrameAudioStream,
  LogMelStream,
  MelStatistics,
  audioWindows,
  isSilent,
  logMelFrames,
  melStatistics,
  melWindows,
  silenceFrame,
} from '../../../main/core/face/audio-features.js';
import type { FrameAudio } from '../../../main/core/face/audio-features.js';
import { AUDIO_WINDOW, FACE_FPS, MEL_BANDS } from '../../../main/core/face/spec.js';

/** Seeded uniform noise in [−amplitude, amplitude). */
function noise(length: number, amplitude: number, seed = 1): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length }, () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return amplitude * (2 * (((t ^ (t >>> 14)) >>> 0) / 4294967296) - 1);
  });
}

/** Summed (normalised) log-mel per window position of frame f. */
function energyByPosition(windows: Float32Array, f: number): number[] {
  return Array.from({ length: AUDIO_WINDOW }, (_, t) => {
    let sum = 0;
    for (let b = 0; b < MEL_BANDS; b++) sum += windows[(f * AUDIO_WINDOW + t) * MEL_BANDS + b]!;
    return sum;
  });
}

describe('audioWindows', () => {
  it('gives one window per video frame, whatever the audio length', () => {
    const audio = noise(AUDIO_SAMPLE_RATE * 2, 0.1);
    for (const frames of [0, 1, 50, 80]) expect(audioWindows(audio, frames).length).toBe(frames * AUDIO_WINDOW * MEL_BANDS);
    expect(audioWindows(new Float32Array(0), 3).length).toBe(3 * AUDIO_WINDOW * MEL_BANDS);
    expect(() => audioWindows(audio, -1)).toThrow();
  });

  it('centres each window on its frame: a click at the frame centre peaks in the middle two positions', () => {
    const seconds = 3;
    const frames = seconds * FACE_FPS;
    for (const f of [0, 1, 17, 40, frames - 1]) {
      const audio = noise(AUDIO_SAMPLE_RATE * seconds, 1e-3, f + 1);
      const at = Math.round(((f + 0.5) / FACE_FPS) * AUDIO_SAMPLE_RATE);
      for (let i = -2; i <= 2; i++) audio[at + i] = i === 0 ? 0.9 : 0.3;
      const windows = audioWindows(audio, frames);
      const energy = energyByPosition(windows, f);
      const peak = energy.indexOf(Math.max(...energy));
      expect([AUDIO_WINDOW / 2 - 1, AUDIO_WINDOW / 2]).toContain(peak);
      // The click shows equally in both middle positions: the window is symmetric about the frame centre.
      const a = energy[AUDIO_WINDOW / 2 - 1]!;
      const b = energy[AUDIO_WINDOW / 2]!;
      expect(Math.abs(a - b)).toBeLessThan(0.1 * Math.abs(a - energy[0]!));
      // A frame later, the click sits 4 mel frames (40 ms) earlier in the window.
      if (f + 1 < frames) {
        const next = energyByPosition(windows, f + 1);
        expect([AUDIO_WINDOW / 2 - 5, AUDIO_WINDOW / 2 - 4]).toContain(next.indexOf(Math.max(...next)));
      }
    }
  });

  it('pads before and past the audio with the log-mel of silence', () => {
    const audio = noise(AUDIO_SAMPLE_RATE, 0.2);
    const mel = logMelFrames(audio);
    const stats = melStatistics(mel);
    const windows = melWindows(mel, 30, stats);
    const silence = silenceFrame();
    const padded = (f: number, t: number): boolean => {
      for (let b = 0; b < MEL_BANDS; b++) {
        const expected = (silence[b]! - stats.mean[b]!) / stats.std[b]!;
        if (Math.abs(windows[(f * AUDIO_WINDOW + t) * MEL_BANDS + b]! - expected) > 1e-4) return false;
      }
      return true;
    };
    // Frame 0's window starts 18 mel frames (180 ms) before the audio; frame 29 (1.18 s) reaches 0.4 s past its end.
    for (let t = 0; t < 18; t++) expect(padded(0, t)).toBe(true);
    expect(padded(0, 18)).toBe(false);
    expect(padded(29, AUDIO_WINDOW - 1)).toBe(true);
    expect(padded(10, 20)).toBe(false);
    // Silence is the extractor's floor in every band, far below the noise.
    for (let b = 0; b < MEL_BANDS; b++) expect(silence[b]).toBeLessThan(stats.mean[b]! - 5);
  });

  it('normalises per band over the audio itself, or with the statistics given', () => {
    const audio = noise(AUDIO_SAMPLE_RATE * 2, 0.05, 3);
    const mel = logMelFrames(audio);
    // Mel frames every 10 ms, the first centred on 5 ms.
    expect(mel.length / MEL_BANDS).toBe(Math.floor((audio.length + 120 - 400) / 160) + 1);
    const stats = melStatistics(mel);
    const frames = 40;
    const own = audioWindows(audio, frames);
    // Interior windows (no padding) hold normalised values: overall mean near 0 and spread near 1 per band.
    for (const b of [0, 20, 39]) {
      const values: number[] = [];
      for (let f = 5; f < frames - 5; f++) for (let t = 0; t < AUDIO_WINDOW; t++) values.push(own[(f * AUDIO_WINDOW + t) * MEL_BANDS + b]!);
      const m = values.reduce((s, v) => s + v, 0) / values.length;
      const sd = Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / values.length);
      expect(Math.abs(m)).toBeLessThan(0.3);
      expect(sd).toBeGreaterThan(0.6);
      expect(sd).toBeLessThan(1.4);
    }
    expect(Array.from(melWindows(mel, frames, stats))).toEqual(Array.from(own));
    // Given statistics are used as they are: shifting the mean by 1 shifts every value by 1 / std.
    const shifted = { mean: stats.mean.map((v) => v + 1), std: stats.std };
    const other = audioWindows(audio, frames, shifted);
    for (const i of [0, 1234, own.length - 1]) expect(other[i]).toBeCloseTo(own[i]! - 1 / stats.std[i % MEL_BANDS]!, 4);
    expect(() => audioWindows(audio, 3, { mean: new Float32Array(3), std: new Float32Array(3) })).toThrow();
  });

  it('has usable statistics for silence and no audio', () => {
    const empty = melStatistics(new Float32Array(0));
    expect(Array.from(empty.mean)).toEqual(Array.from(silenceFrame()));
    expect(Array.from(empty.std).every((v) => v === 1)).toBe(true);
    const windows = audioWindows(new Float32Array(AUDIO_SAMPLE_RATE), 10);
    expect(windows.every((v) => v === 0)).toBe(true);
  });
});

describe('streamed audio features', () => {
  /** 3.3 s: speech-like noise bursts with a quiet gap and a silent tail, so some frames are silence. */
  function soundtrack(): Float32Array {
    const audio = noise(Math.round(3.3 * AUDIO_SAMPLE_RATE), 0.2, 7);
    audio.fill(0, Math.round(1.2 * AUDIO_SAMPLE_RATE), Math.round(1.7 * AUDIO_SAMPLE_RATE));
    audio.fill(0, Math.round(2.9 * AUDIO_SAMPLE_RATE));
    return audio;
  }

  /** `audio` cut into pieces of the given sizes, in turn, then what is left. */
  function pieces(audio: Float32Array, sizes: readonly number[]): Float32Array[] {
    const out: Float32Array[] = [];
    let at = 0;
    for (let n = 0; at < audio.length; n++) {
      const size = sizes[n % sizes.length]!;
      out.push(audio.slice(at, at + size));
      at += size;
    }
    return out;
  }

  it('gives the log-mel frames and statistics of the whole, whatever pieces the audio comes in', () => {
    const audio = soundtrack();
    const whole = logMelFrames(audio);
    for (const sizes of [[1, 0, 159, 161], [4096], [audio.length]]) {
      const stream = new LogMelStream();
      const statistics = new MelStatistics();
      const frames = pieces(audio, sizes).flatMap((piece) => stream.push(piece));
      for (const frame of frames) statistics.add(frame);
      expect(frames.length * MEL_BANDS).toBe(whole.length);
      const joined = new Float32Array(whole.length);
      frames.forEach((frame, k) => joined.set(frame, k * MEL_BANDS));
      expect(joined).toEqual(whole);
      expect(statistics.result()).toEqual(melStatistics(whole));
    }
  });

  it('gives each video frame the window and silence the whole audio does, in order, as the audio arrives', () => {
    const audio = soundtrack();
    const frames = Math.ceil((audio.length / AUDIO_SAMPLE_RATE) * FACE_FPS);
    const normalisation = melStatistics(logMelFrames(audio));
    const expected = audioWindows(audio, frames, normalisation);
    const size = AUDIO_WINDOW * MEL_BANDS;
    for (const sizes of [[640], [3000, 17, 9000], [audio.length]]) {
      const stream = new FrameAudioStream(frames, normalisation);
      const got: FrameAudio[] = [];
      let earliest = -1;
      pieces(audio, sizes).forEach((piece, n) => {
        const ready = stream.push(piece);
        got.push(...ready);
        // Frames come out as the audio arrives, not all at the end.
        if (ready.length > 0 && earliest < 0) earliest = n;
      });
      got.push(...stream.end());
      expect(got.length).toBe(frames);
      if (sizes.length > 1 || sizes[0]! < audio.length) expect(earliest).toBeLessThan(pieces(audio, sizes).length - 1);
      got.forEach((frame, f) => {
        expect(frame.window).toEqual(expected.subarray(f * size, (f + 1) * size));
        expect(frame.silent).toBe(isSilent(audio, f));
      });
      expect(got.some((frame) => frame.silent)).toBe(true);
      expect(got.some((frame) => !frame.silent)).toBe(true);
    }
  });

  it('pads past the end like the whole does when the audio is shorter than its frames, and refuses a bad frame count', () => {
    const audio = noise(300, 0.1, 3);
    const normalisation = melStatistics(logMelFrames(audio));
    const stream = new FrameAudioStream(4, normalisation);
    expect(stream.push(audio)).toEqual([]);
    const got = stream.end();
    expect(got.map((frame) => frame.window)).toEqual([0, 1, 2, 3].map((f) => audioWindows(audio, 4, normalisation).subarray(f * AUDIO_WINDOW * MEL_BANDS, (f + 1) * AUDIO_WINDOW * MEL_BANDS)));
    expect(got.map((frame) => frame.silent)).toEqual([0, 1, 2, 3].map((f) => isSilent(audio, f)));
    expect(() => new FrameAudioStream(-1, normalisation)).toThrow(/non-negative integer/);
  });
});
