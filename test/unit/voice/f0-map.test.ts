// Tests of log-F0 statistics, the Gaussian F0 mapping between voices and the learned contour.
import { describe, expect, it } from 'vitest';
import { contourF0, creatorF0, fitF0Contour, logF0Stats, mapF0 } from '../../../main/core/voice/f0-map.js';
import { logF0RmseCents } from '../../../main/core/voice/metrics.js';

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

describe('learned F0 contour', () => {
  /** A smooth random intonation (sum of slow sines) with pauses, in Hz. */
  function intonation(frames: number, seed: number): Float32Array {
    const f0 = new Float32Array(frames);
    for (let i = 0; i < frames; i++) {
      const t = i / 200;
      const voiced = Math.sin(2 * Math.PI * 0.9 * t + seed) > -0.6;
      f0[i] = voiced ? 140 * Math.exp(0.12 * Math.sin(2 * Math.PI * 1.3 * t + 2 * seed) + 0.06 * Math.sin(2 * Math.PI * 3.1 * t + seed * seed)) : 0;
    }
    return f0;
  }

  /** A creator whose pitch follows the source 50 ms later, with a narrower range and an accent where the source rises. */
  function creatorOf(source: Float32Array): Float32Array {
    return Float32Array.from(source, (hz, i) => {
      const earlier = source[Math.max(0, i - 10)]!;
      if (!(hz > 0 && earlier > 0)) return hz > 0 ? 220 : 0;
      const rise = Math.log(hz) - Math.log(source[Math.max(0, i - 20)]! || hz);
      return 220 * Math.exp(0.6 * (Math.log(earlier) - Math.log(140)) + 0.8 * rise);
    });
  }

  const identity = (n: number): [number, number][] => Array.from({ length: n }, (_, i) => [i, i]);
  const trainSources = [1, 2, 3, 4, 5].map((seed) => intonation(2000, seed));
  const trainTargets = trainSources.map(creatorOf);
  const from = logF0Stats(trainSources);
  const to = logF0Stats(trainTargets);
  const contour = fitF0Contour(
    trainSources.map((source, k) => ({ source, target: trainTargets[k]!, path: identity(source.length) })),
    from,
    to,
  );

  it('learns an intonation the mean-variance map cannot follow, on a contour it was not fitted on, and keeps unvoiced frames', () => {
    const source = intonation(2000, 7);
    const real = creatorOf(source);
    const learned = contourF0(source, contour, from, to);
    const pairs = identity(source.length);
    const learnedCents = logF0RmseCents(learned, real, pairs);
    const mappedCents = logF0RmseCents(mapF0(source, from, to), real, pairs);
    console.log(`synthetic intonation: learned contour ${learnedCents.toFixed(1)} cents, mean-variance ${mappedCents.toFixed(1)} cents`);
    expect(learnedCents).toBeLessThan(0.5 * mappedCents);
    expect(learned.every((hz, i) => (hz > 0) === (source[i]! > 0))).toBe(true);
    expect(creatorF0(source, { source: from, target: to, contour })).toEqual(learned);
    expect(creatorF0(source, { source: from, target: to })).toEqual(mapF0(source, from, to));
  });

  it("learns how the creator's pitch falls through each phrase where eSpeak's does not, and still reads a contour without phrase features", () => {
    // The creator declines through every phrase, ending 30 % lower than it began, wherever eSpeak's voicing starts and ends.
    const declining = (source: Float32Array): Float32Array => {
      const voiced = source.reduce<number[]>((at, hz, i) => (hz > 0 ? [...at, i] : at), []);
      const first = voiced[0]!;
      const last = voiced.at(-1)!;
      return creatorOf(source).map((hz, i) => (hz > 0 ? hz * 0.7 ** ((i - first) / (last - first)) : 0));
    };
    const sources = [11, 12, 13, 14, 15, 16].map((seed) => intonation(500 + 60 * seed, seed));
    const training = sources.map((source) => ({ source, target: declining(source), path: identity(source.length) }));
    const phraseFrom = logF0Stats(sources);
    const phraseTo = logF0Stats(training.map((t) => t.target));
    const withPhrase = fitF0Contour(training, phraseFrom, phraseTo);
    const without = fitF0Contour(training, phraseFrom, phraseTo, { phrase: false });
    expect(withPhrase.phrase).toBe(true);
    expect(without.phrase).toBeUndefined();

    const source = intonation(900, 17);
    const real = declining(source);
    const pairs = identity(source.length);
    const withCents = logF0RmseCents(contourF0(source, withPhrase, phraseFrom, phraseTo), real, pairs);
    const withoutCents = logF0RmseCents(contourF0(source, without, phraseFrom, phraseTo), real, pairs);
    console.log(`declining phrases: learned contour ${withCents.toFixed(1)} cents with phrase features, ${withoutCents.toFixed(1)} without`);
    expect(withCents).toBeLessThan(0.6 * withoutCents);
    expect(contourF0(source, without, phraseFrom, phraseTo).every((hz, i) => (hz > 0) === (source[i]! > 0))).toBe(true);
    expect(() => contourF0(source, { ...without, phrase: true }, phraseFrom, phraseTo)).toThrow(/weights for/);
  });

  it('refuses too few voiced pairs and weights of the wrong size', () => {
    const short = intonation(30, 1);
    expect(() => fitF0Contour([{ source: short, target: short, path: identity(30) }], from, to)).toThrow(/too few to fit/);
    expect(() => contourF0(short, { ...contour, weights: contour.weights.slice(1) }, from, to)).toThrow(/weights for/);
  });
});
