// Tests of the objective voice measures: mel-cepstral distortion (closed form), log-F0 RMSE in cents and voicing error, with and without an alignment path.
import { describe, expect, it } from 'vitest';
import { logF0RmseCents, MCD_DB_PER_UNIT, melCepstralDistortion, voicingError } from '../../../main/core/voice/metrics.js';

const frame = (c0: number, rest: number, size = 40): Float32Array => Float32Array.from({ length: size }, (_, d) => (d === 0 ? c0 : rest));

describe('melCepstralDistortion', () => {
  it('is 0 for identical frames', () => {
    const a = Array.from({ length: 5 }, (_, i) => Float32Array.from({ length: 40 }, (_, d) => Math.sin(i + d)));
    expect(melCepstralDistortion(a, a)).toBe(0);
  });

  it('equals (10 / ln 10)·√(2·M·δ²) for an offset δ on c1..cM, ignoring c0', () => {
    const delta = 0.1;
    const a = [frame(0, 0), frame(1, 0)];
    const b = [frame(-5, delta), frame(3, delta)];
    const expected = (10 / Math.LN10) * Math.sqrt(2 * 39 * delta * delta);
    expect(MCD_DB_PER_UNIT).toBeCloseTo((10 / Math.LN10) * Math.SQRT2, 12);
    expect(melCepstralDistortion(a, b)).toBeCloseTo(expected, 5);
    expect(expected).toBeCloseTo(3.8356, 4);
  });

  it('averages over the pairs of a path, repeats included', () => {
    const a = [frame(0, 0), frame(0, 0)];
    const b = [frame(0, 0), frame(0, 0.1), frame(0, 0.2)];
    const unit = MCD_DB_PER_UNIT * Math.sqrt(39) * 0.1;
    expect(melCepstralDistortion(a, b, [[0, 0], [1, 1], [1, 2]])).toBeCloseTo((0 + unit + 2 * unit) / 3, 5);
    expect(melCepstralDistortion(a, b, [[0, 2], [0, 2], [1, 0]])).toBeCloseTo((4 * unit) / 3, 5);
  });

  it('needs a path for sequences of different lengths and is NaN without pairs', () => {
    expect(() => melCepstralDistortion([frame(0, 0)], [frame(0, 0), frame(0, 0)])).toThrow(/path/);
    expect(melCepstralDistortion([frame(0, 0)], [frame(0, 0)], [])).toBeNaN();
  });
});

describe('logF0RmseCents', () => {
  it('is 1200 cents for an octave and counts only frames voiced in both', () => {
    expect(logF0RmseCents([200, 0, 220, 300], [100, 150, 110, 0])).toBeCloseTo(1200, 6);
    expect(logF0RmseCents([100, 100], [100 * 2 ** (1 / 12), 100 * 2 ** (-3 / 12)])).toBeCloseTo(Math.sqrt((100 ** 2 + 300 ** 2) / 2), 6);
  });

  it('follows the path and is NaN when no pair is voiced in both', () => {
    expect(logF0RmseCents([100, 200], [200, 0, 100], [[0, 2], [1, 0], [1, 1]])).toBeCloseTo(0, 9);
    expect(logF0RmseCents([0, 100], [100, 0])).toBeNaN();
  });
});

describe('voicingError', () => {
  it('is the share of pairs where exactly one side is voiced', () => {
    expect(voicingError([0, 100, 100, 0], [0, 120, 0, 90])).toBe(0.5);
    expect(voicingError([100, 0], [0, 0, 100], [[0, 2], [1, 0], [1, 1]])).toBe(0);
  });
});
