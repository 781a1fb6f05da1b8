// Tests of the ridge least-squares affine map between feature frames: exact recovery of a known map, pairing by path, the ridge, and refusals.
import { describe, expect, it } from 'vitest';
import { applyAffine, fitAffine } from '../../../main/core/voice/affine.js';
import { gaussianSource } from '../../../main/core/voice/dsp.js';

const P = 6;
const Q = 4;

/** A known map (Q × P, row-major) and bias, and N random source frames with their images. */
function problem(n: number, seed: number) {
  const g = gaussianSource(seed);
  const weights = Float64Array.from({ length: Q * P }, () => g());
  const bias = Float64Array.from({ length: Q }, () => 3 * g());
  // Dimensions of very different scale, as in a mel-cepstrum (c1 large, high orders small).
  const source = Array.from({ length: n }, () => Float64Array.from({ length: P }, (_, d) => g() * 2 ** -d + d));
  const target = source.map((x) => Float64Array.from({ length: Q }, (_, e) => bias[e]! + x.reduce((s, v, d) => s + weights[e * P + d]! * v, 0)));
  return { weights, bias, source, target };
}

describe('fitAffine / applyAffine', () => {
  it('recovers a known affine map exactly without ridge', () => {
    const { weights, bias, source, target } = problem(50, 3);
    const map = fitAffine(source, target, undefined, { ridge: 0 });
    expect(map.inputSize).toBe(P);
    expect(map.outputSize).toBe(Q);
    map.weights.forEach((w, k) => expect(w).toBeCloseTo(weights[k]!, 9));
    map.bias.forEach((b, e) => expect(b).toBeCloseTo(bias[e]!, 9));
    const out = applyAffine(map, source);
    out.forEach((y, i) => y.forEach((v, e) => expect(v).toBeCloseTo(target[i]![e]!, 4)));
  });

  it('pairs frames by a path and stays close with the default ridge', () => {
    const { weights, source, target } = problem(80, 5);
    // Target order reversed and one frame paired twice: only the pairs matter.
    const reversed = [...target].reverse();
    const pairs = source.map((_, i) => [i, source.length - 1 - i] as [number, number]);
    pairs.push([7, source.length - 8]);
    const map = fitAffine(source, reversed, pairs);
    map.weights.forEach((w, k) => expect(Math.abs(w - weights[k]!)).toBeLessThan(0.02 * (1 + Math.abs(weights[k]!))));
  });

  it('shrinks towards the target mean as the ridge grows and never shrinks the bias', () => {
    const { source, target } = problem(40, 9);
    const map = fitAffine(source, target, undefined, { ridge: 1e9 });
    map.weights.forEach((w) => expect(Math.abs(w)).toBeLessThan(1e-6));
    const meanTarget = (e: number): number => target.reduce((s, y) => s + y[e]!, 0) / target.length;
    applyAffine(map, [source[0]!])[0]!.forEach((v, e) => expect(v).toBeCloseTo(meanTarget(e), 4));
  });

  it('refuses collinear sources without ridge, mismatched frames and bad input', () => {
    const flat = Array.from({ length: 10 }, (_, i) => [i, 2 * i]);
    expect(() => fitAffine(flat, flat, undefined, { ridge: 0 })).toThrow(/collinear/);
    expect(() => fitAffine(flat, flat)).not.toThrow();
    expect(() => fitAffine(flat, flat.slice(1))).toThrow(/pairs/);
    expect(() => fitAffine(flat, flat, [])).toThrow(/no frame pairs/);
    expect(() => applyAffine(fitAffine(flat, flat), [[1, 2, 3]])).toThrow(/frame of 3/);
  });
});
