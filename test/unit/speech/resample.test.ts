// Tests of the polyphase resampler (speech/features.ts `resample`): equal to direct windowed-sinc interpolation on a chirp, tone gain and alias rejection at the rates the voice model uses.
import { describe, expect, it } from 'vitest';
import { resample } from '../../../main/core/speech/features.js';

/** Direct windowed-sinc interpolation, every tap computed per output (the definition `resample` implements). */
function directResample(samples: Float32Array, fromRate: number, toRate: number, taps = 16): Float32Array {
  const ratio = toRate / fromRate;
  const cutoff = Math.min(1, ratio);
  const half = Math.ceil(taps / cutoff);
  const out = new Float32Array(Math.floor(samples.length * ratio));
  for (let j = 0; j < out.length; j++) {
    const centre = j / ratio;
    let sum = 0;
    for (let i = Math.max(0, Math.ceil(centre - half)); i <= Math.min(samples.length - 1, Math.floor(centre + half)); i++) {
      const x = i - centre;
      const arg = Math.PI * x * cutoff;
      const sinc = x === 0 ? 1 : Math.sin(arg) / arg;
      const w = 0.42 + 0.5 * Math.cos((Math.PI * x) / half) + 0.08 * Math.cos((2 * Math.PI * x) / half);
      sum += samples[i]! * sinc * w * cutoff;
    }
    out[j] = sum;
  }
  return out;
}

/** Linear chirp from 50 Hz to 0.45 × rate over `seconds`, amplitude 0.8. */
function chirp(seconds: number, rate: number): Float32Array {
  const len = Math.round(seconds * rate);
  const f1 = 0.45 * rate;
  return Float32Array.from({ length: len }, (_, i) => {
    const t = i / rate;
    return 0.8 * Math.sin(2 * Math.PI * (50 * t + ((f1 - 50) * t * t) / (2 * seconds)));
  });
}

const sine = (hz: number, rate: number, seconds = 0.5) => Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => Math.sin((2 * Math.PI * hz * i) / rate));

function maxDifference(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** RMS away from the edges. */
const rms = (x: Float32Array) => Math.sqrt(x.slice(200, -200).reduce((s, v) => s + v * v, 0) / (x.length - 400));

describe('resample', () => {
  it.each([
    [22_050, 24_000],
    [48_000, 24_000],
    [16_000, 24_000],
    [44_100, 24_000],
    [24_000, 16_000],
    [22_050.5, 24_000],
  ])('equals direct interpolation on a chirp, %d → %d Hz', (from, to) => {
    const x = chirp(0.3, from);
    const y = resample(x, from, to);
    const reference = directResample(x, from, to);
    expect(y).toHaveLength(reference.length);
    expect(maxDifference(y, reference)).toBeLessThan(1e-6);
  });

  it('keeps a 1 kHz tone at unit gain and removes one over the new Nyquist', () => {
    for (const from of [22_050, 48_000, 16_000]) {
      expect(rms(resample(sine(1000, from), from, 24_000))).toBeCloseTo(Math.SQRT1_2, 3);
    }
    expect(rms(resample(sine(15_000, 48_000), 48_000, 24_000))).toBeLessThan(0.01);
  });

  it('gives the same output on a second call (cached filters) and for a single sample', () => {
    const x = chirp(0.1, 22_050);
    expect(resample(x, 22_050, 24_000)).toEqual(resample(x, 22_050, 24_000));
    expect(resample(Float32Array.of(0.5), 16_000, 24_000)).toEqual(directResample(Float32Array.of(0.5), 16_000, 24_000));
  });
});
