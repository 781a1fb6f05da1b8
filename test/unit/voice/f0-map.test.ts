// Tests of log-F0 statistics and the Gaussian F0 mapping between voices.
import { describe, expect, it } from 'vitest';
import { logF0Stats, mapF0 } from '../../../main/core/voice/f0-map.js';

describe('logF0Stats', () => {
  it('pools ln F0 over the voiced frames of all contours', () => {
    const stats = logF0Stats([[100, 0, 400], [0, 200]]);
    expect(stats.count).toBe(3);
    expect(stats.mean).toBeCloseTo(Math.log(200), 12);
    expect(stats.std).toBeCloseTo(Math.sqrt(2 / 3) * Math.log(2), 12);
  });

  it('refuses contours without a voiced frame', () => {
    expect(() => logF0Stats([[0, 0], []])).toThrow(/no voiced/);
  });
});

describe('mapF0', () => {
  it("gives the mapped contour the target's ln-F0 mean and spread, keeping unvoiced frames", () => {
    const source = [0, 90, 100, 0, 120, 150, 110, 0];
    const from = logF0Stats([source]);
    const to = { mean: Math.log(220), std: 0.2, count: 1 };
    const out = mapF0(source, from, to);
    const mapped = logF0Stats([out]);
    expect(mapped.mean).toBeCloseTo(to.mean, 6);
    expect(mapped.std).toBeCloseTo(to.std, 6);
    source.forEach((v, i) => expect(out[i]! > 0).toBe(v > 0));
    // Order and shape of the intonation are kept: the highest source frame stays the highest.
    expect(out.indexOf(Math.max(...out))).toBe(source.indexOf(150));
  });

  it('only shifts a contour without spread', () => {
    const out = mapF0([100, 0, 100], { mean: Math.log(100), std: 0, count: 2 }, { mean: Math.log(150), std: 0.3, count: 9 });
    expect(Array.from(out)).toEqual([Math.fround(150), 0, Math.fround(150)]);
  });
});
