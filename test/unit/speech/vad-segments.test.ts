// Unit tests of the pure speech-activity logic (segments, take splitting) and the 48k→16k decimator.
import { describe, expect, it } from 'vitest';
import { DECIMATION, Downsampler48kTo16k, FILTER_TAPS, downsample48kTo16k, toVadRate } from '../../../main/core/speech/resample.js';
import { speechActivity, speechFrames, speechRatio, speechSegments, splitAtPauses, takesFromCuts } from '../../../main/core/speech/segments.js';

/** Builds frame probabilities from runs: [value, frames]. */
function runs(...parts: Array<[number, number]>): number[] {
  return parts.flatMap(([value, count]) => Array<number>(count).fill(value));
}

/** Frames of 0.1 s keep the arithmetic readable. */
const F = { frameSeconds: 0.1, minSpeechSeconds: 0.25, minSilenceSeconds: 0.3, padSeconds: 0 };

function close(actual: Array<{ start: number; end: number }>, expected: Array<[number, number]>) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((span, i) => {
    expect(span.start).toBeCloseTo(expected[i]![0], 9);
    expect(span.end).toBeCloseTo(expected[i]![1], 9);
  });
}

describe('speechFrames', () => {
  it('starts at the start threshold and keeps going above the end threshold (hysteresis)', () => {
    // 0.4 never starts speech, but continues it once started.
    expect(speechFrames(runs([0.4, 3], [0.6, 3], [0.4, 4], [0.1, 5]), F)).toEqual([[3, 10]]);
    expect(speechFrames(runs([0.49, 10]), F)).toEqual([]);
    expect(speechFrames(runs([0.5, 3]), F)).toEqual([[0, 3]]);
  });

  it('bridges pauses shorter than the minimum silence and ends at the first silent frame', () => {
    // 2 silent frames (0.2 s) stay inside; 3 (0.3 s) end the segment where the silence began.
    expect(speechFrames(runs([0.9, 4], [0.1, 2], [0.9, 4], [0.1, 3], [0.9, 4]), F)).toEqual([
      [0, 10],
      [13, 17],
    ]);
  });

  it('drops bursts shorter than the minimum speech', () => {
    // 2 frames = 0.2 s < 0.25 s is dropped; 3 frames = 0.3 s is kept.
    expect(speechFrames(runs([0.9, 2], [0, 5], [0.9, 3], [0, 5]), F)).toEqual([[7, 10]]);
  });

  it('closes a segment still open at the end, without its trailing short silence', () => {
    expect(speechFrames(runs([0, 2], [0.8, 5], [0.2, 2]), F)).toEqual([[2, 7]]);
    expect(speechFrames(runs([0, 2], [0.8, 5]), F)).toEqual([[2, 7]]);
  });

  it('uses the Silero frame of 32 ms by default', () => {
    // 0.25 s = 7.8 frames -> 8; 0.3 s = 9.4 frames -> 10.
    expect(speechFrames(runs([0.9, 7], [0, 20]))).toEqual([]);
    expect(speechFrames(runs([0.9, 8], [0, 20]))).toEqual([[0, 8]]);
    expect(speechFrames(runs([0.9, 8], [0, 9], [0.9, 8], [0, 10]))).toEqual([[0, 25]]);
    expect(speechFrames(runs([0.9, 8], [0, 10], [0.9, 8], [0, 10]))).toEqual([
      [0, 8],
      [18, 26],
    ]);
  });
});

describe('speechSegments and speechActivity', () => {
  it('pads, clamps to the clip and merges segments the padding joins', () => {
    const probabilities = runs([0.9, 5], [0, 4], [0.9, 5], [0, 10], [0.9, 5]);
    close(speechSegments(probabilities, { ...F, padSeconds: 0.1 }), [
      [0, 0.6],
      [0.8, 1.5],
      [2.3, 2.9],
    ]);
    close(speechSegments(probabilities, { ...F, padSeconds: 0.25 }), [
      [0, 1.65],
      [2.15, 2.9],
    ]);
    close(speechSegments(probabilities, { ...F, padSeconds: 0.1, durationSeconds: 2.85 }), [
      [0, 0.6],
      [0.8, 1.5],
      [2.3, 2.85],
    ]);
  });

  it('reports speech seconds and ratio', () => {
    const activity = speechActivity(runs([0, 10], [0.9, 20], [0, 10]), { ...F, padSeconds: 0.1 });
    expect(activity.durationSeconds).toBeCloseTo(4, 9);
    close(activity.segments, [[0.9, 3.1]]);
    expect(activity.speechSeconds).toBeCloseTo(2.2, 9);
    expect(activity.speechRatio).toBeCloseTo(0.55, 9);
    expect(speechActivity([], F)).toEqual({ segments: [], speechSeconds: 0, durationSeconds: 0, speechRatio: 0 });
    expect(speechRatio([{ start: 0, end: 1 }], 0)).toBe(0);
  });
});

describe('splitAtPauses', () => {
  const seg = (start: number, end: number) => ({ start, end });

  it('cuts in the middle of pauses of at least minPause', () => {
    const segments = [seg(0.2, 3), seg(3.3, 5), seg(6, 9), seg(10, 12)];
    // 0.3 s pause is too short; 1 s pauses are cut at their middle.
    expect(splitAtPauses(segments, 12.5)).toEqual([5.5, 9.5]);
    expect(takesFromCuts([5.5, 9.5], 12.5)).toEqual([seg(0, 5.5), seg(5.5, 9.5), seg(9.5, 12.5)]);
  });

  it('keeps takes at least minTake long', () => {
    // A cut at 1.0 would leave a 1 s first take; the one at 3.5 leaves 3.5 s and 2 s.
    expect(splitAtPauses([seg(0.1, 0.6), seg(1.4, 3), seg(4, 5.2)], 5.5)).toEqual([3.5]);
    expect(splitAtPauses([seg(0.1, 0.6), seg(1.4, 3), seg(4, 5.2)], 4.8, { minTake: 1.5 })).toEqual([]);
    expect(splitAtPauses([seg(0.1, 0.6), seg(1.4, 3), seg(4, 5.2)], 5.5, { minTake: 0.5 })).toEqual([1, 3.5]);
    // No speech: nothing to split at.
    expect(splitAtPauses([], 10)).toEqual([]);
  });

  it('splits long takes at the longest quiet stretch, and inside speech only when there is none', () => {
    // 30 s of speech with short (0.3 s) pauses at 9.85 and 19.85..: longest quiet stretch wins.
    const segments = [seg(0, 9.8), seg(10.1, 14.9), seg(15.1, 25), seg(25.4, 30)];
    expect(splitAtPauses(segments, 30, { maxTake: 20 })).toEqual([9.95, 25.2]);
    // One unbroken 50 s segment: cut at maxTake.
    expect(splitAtPauses([seg(0, 50)], 50)).toEqual([20, 40]);
    // Long trailing silence is split in the middle of its quiet part that keeps both takes legal.
    expect(splitAtPauses([seg(0, 5)], 30)).toEqual([12.5]);
  });

  it('never makes a take longer than maxTake', () => {
    const segments = Array.from({ length: 40 }, (_, i) => seg(i * 2.1, i * 2.1 + 2));
    const cuts = splitAtPauses(segments, 84, { minPause: 1 });
    const takes = takesFromCuts(cuts, 84);
    for (const take of takes) expect(take.end - take.start).toBeLessThanOrEqual(20 + 1e-9);
    // Every cut falls in a 0.1 s gap, never inside speech.
    for (const cut of cuts) expect(segments.some((s) => cut > s.start && cut < s.end)).toBe(false);
  });
});

describe('downsample48kTo16k', () => {
  const sine = (hz: number, seconds: number, rate = 48_000) => Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => Math.sin((2 * Math.PI * hz * i) / rate));
  const rmsOf = (x: Float32Array, skip = 200) => Math.sqrt(x.subarray(skip, x.length - skip).reduce((s, v) => s + v * v, 0) / (x.length - 2 * skip));

  it('keeps speech-band tones and removes what would alias', () => {
    expect(downsample48kTo16k(sine(1000, 0.5)).length).toBe(8000);
    expect(downsample48kTo16k(new Float32Array(10)).length).toBe(4);
    const pass = rmsOf(downsample48kTo16k(sine(1000, 0.5)));
    expect(pass).toBeGreaterThan(0.7);
    expect(pass).toBeLessThan(0.72);
    // 10 kHz and 15 kHz would fold to 6 kHz and 1 kHz: at least 60 dB down.
    expect(rmsOf(downsample48kTo16k(sine(10_000, 0.5)))).toBeLessThan(0.001);
    expect(rmsOf(downsample48kTo16k(sine(15_000, 0.5)))).toBeLessThan(0.001);
  });

  it('has no delay: a 1 kHz tone lines up sample for sample with the tone at 16 kHz', () => {
    const out = downsample48kTo16k(sine(1000, 0.25));
    const expected = sine(1000, 0.25, 16_000);
    for (let i = 200; i < out.length - 200; i++) expect(Math.abs(out[i]! - expected[i]!)).toBeLessThan(0.01);
  });

  it('streams: chunks of any size give the same samples as the whole signal', () => {
    let seed = 7;
    const noise = Float32Array.from({ length: 9_001 }, () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * 2 - 1);
    const whole = downsample48kTo16k(noise);
    const stream = new Downsampler48kTo16k();
    const parts: number[] = [];
    for (let at = 0, size = 1; at < noise.length; at += size, size = (size * 7) % 1_000 + 1) parts.push(...stream.push(noise.subarray(at, at + size)));
    parts.push(...stream.flush());
    expect(parts.length).toBe(Math.ceil(noise.length / DECIMATION));
    parts.forEach((value, i) => expect(value).toBeCloseTo(whole[i]!, 6));
  });

  it('is one symmetric FIR: every output is the taps (read off impulse responses) applied to its window', () => {
    // Impulses at the three input phases give every tap; noise (of a length that leaves a part group at the end) then
    // checks the sums output by output, which the interleaved inner loop must reproduce at every position of a group.
    const taps = new Float64Array(FILTER_TAPS);
    const half = (FILTER_TAPS - 1) / 2;
    for (let r = 0; r < DECIMATION; r++) {
      const at = 3 * 100 + r;
      const impulse = new Float32Array(600);
      impulse[at] = 1;
      downsample48kTo16k(impulse).forEach((value, m) => {
        const k = at - DECIMATION * m + half;
        if (k >= 0 && k < FILTER_TAPS) taps[k] = value;
      });
    }
    for (let k = 0; k < FILTER_TAPS; k++) expect(taps[k]).toBe(taps[FILTER_TAPS - 1 - k]);
    let seed = 11;
    const noise = Float32Array.from({ length: 2_003 }, () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * 2 - 1);
    const out = downsample48kTo16k(noise);
    for (let m = 0; m < out.length; m++) {
      let direct = 0;
      for (let k = 0; k < FILTER_TAPS; k++) direct += taps[k]! * (noise[DECIMATION * m - half + k] ?? 0);
      expect(out[m]).toBeCloseTo(direct, 6);
    }
  });

  it('passes 16 kHz through and refuses other rates', () => {
    const x = new Float32Array(5);
    expect(toVadRate(x, 16_000)).toBe(x);
    expect(toVadRate(new Float32Array(6), 48_000).length).toBe(2);
    expect(() => toVadRate(x, 44_100)).toThrow(/16 kHz or 48 kHz/);
  });
});
