// Learning-rate schedules: a constant rate, and a warm-up then cosine decay that lands on its floor at the last step.
import { describe, expect, it } from 'vitest';
import { CONSTANT_RATE, learningRateAt } from '../../../main/core/ml/train/schedule.js';

describe('learningRateAt', () => {
  it('keeps a constant rate at every step', () => {
    for (const step of [0, 10, 999]) expect(learningRateAt(2e-3, CONSTANT_RATE, step, 1000)).toBe(2e-3);
  });

  it('warms up linearly, peaks at the base rate, then falls without rising again to its floor at the end', () => {
    const schedule = { kind: 'cosine', warmup: 0.1, floor: 0.05 } as const;
    const rates = Array.from({ length: 1000 }, (_, step) => learningRateAt(1, schedule, step, 1000));
    expect(rates[0]).toBeCloseTo(0.01, 12);
    expect(rates[49]).toBeCloseTo(0.5, 12);
    expect(rates[99]).toBeCloseTo(1, 12);
    expect(rates[100]).toBeCloseTo(1, 12);
    // Half-way through the decay the rate is half-way between the peak and the floor.
    expect(rates[550]).toBeCloseTo(0.525, 12);
    expect(learningRateAt(1, schedule, 1000, 1000)).toBeCloseTo(0.05, 12);
    for (let step = 101; step < 1000; step++) expect(rates[step]!).toBeLessThanOrEqual(rates[step - 1]!);
    expect(Math.min(...rates.slice(100))).toBeGreaterThanOrEqual(0.05);
  });

  it('stays at the floor past the planned steps', () => {
    expect(learningRateAt(1, { kind: 'cosine', warmup: 0, floor: 0.1 }, 1500, 1000)).toBeCloseTo(0.1, 12);
  });
});
