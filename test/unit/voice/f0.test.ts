// Tests of YIN F0 estimation with Viterbi smoothing: synthetic tones with known F0, glides, noise, silence and real speech (JFK).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { wavSamples } from '../../../main/core/speech/wav.js';
import { estimateF0 } from '../../../main/core/voice/f0.js';

const SR = 16_000;
const JFK_PATH = '/work/shared/data/jfk-inaugural-1961.wav';

/** Harmonic tone with instantaneous F0 `hzAt(t)`; `amps[k]` is the amplitude of harmonic k + 1 (dropped above Nyquist). */
function harmonicTone(seconds: number, hzAt: (t: number) => number, amps: number[]): Float32Array {
  const out = new Float32Array(Math.round(seconds * SR));
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    const hz = hzAt(i / SR);
    let v = 0;
    for (let k = 0; k < amps.length; k++) if ((k + 1) * hz < SR / 2) v += amps[k]! * Math.sin((k + 1) * phase);
    out[i] = 0.3 * v;
    phase += (2 * Math.PI * hz) / SR;
  }
  return out;
}

/** Band-limited sawtooth amplitudes: 1/k for k = 1..count. */
const sawtooth = (count: number): number[] => Array.from({ length: count }, (_, k) => 1 / (k + 1));

/** Seeded uniform generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function addNoise(x: Float32Array, snrDb: number, seed: number): Float32Array {
  const rand = rng(seed);
  let power = 0;
  for (const v of x) power += v * v;
  power /= x.length;
  const sigma = Math.sqrt(power / 10 ** (snrDb / 10));
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const g = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    out[i] = x[i]! + sigma * g;
  }
  return out;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** Frame indices away from the edges (40 ms each side). */
function interior(times: Float32Array, seconds: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < times.length; i++) if (times[i]! >= 0.04 && times[i]! <= seconds - 0.04) out.push(i);
  return out;
}

describe('estimateF0', () => {
  it('returns one frame per 5 ms hop with times, F0 and periodicity', () => {
    const x = harmonicTone(0.5, () => 150, sawtooth(20));
    const r = estimateF0(x, SR);
    expect(r.times.length).toBe(Math.floor((x.length - 1) / 80) + 1);
    expect(r.f0.length).toBe(r.times.length);
    expect(r.periodicity.length).toBe(r.times.length);
    expect(r.times[1]).toBeCloseTo(0.005, 6);
    for (const p of r.periodicity) expect(p >= 0 && p <= 1).toBe(true);
    expect(estimateF0(new Float32Array(0), SR).f0.length).toBe(0);
  });

  it('finds 150 Hz in a harmonic-rich sawtooth within 1%, with no octave errors', () => {
    const seconds = 1;
    const r = estimateF0(harmonicTone(seconds, () => 150, sawtooth(40)), SR);
    const frames = interior(r.times, seconds);
    const voiced = frames.map((i) => r.f0[i]!).filter((f) => f > 0);
    expect(voiced.length).toBe(frames.length);
    expect(Math.abs(median(voiced) / 150 - 1)).toBeLessThan(0.01);
    for (const f of voiced) expect(Math.abs(Math.log2(f / 150))).toBeLessThan(0.1);
    expect(median(frames.map((i) => r.periodicity[i]!))).toBeGreaterThan(0.9);
  });

  it('tracks a 100 → 200 Hz glide within 2%', () => {
    const seconds = 2;
    const hzAt = (t: number): number => 100 * 2 ** (t / seconds);
    const r = estimateF0(harmonicTone(seconds, hzAt, sawtooth(20)), SR);
    for (const i of interior(r.times, seconds)) {
      expect(Math.abs(r.f0[i]! / hzAt(r.times[i]!) - 1)).toBeLessThan(0.02);
    }
  });

  it('still tracks the glide at 10 dB SNR white noise within 3% on at least 90% of frames', () => {
    const seconds = 2;
    const hzAt = (t: number): number => 100 * 2 ** (t / seconds);
    const r = estimateF0(addNoise(harmonicTone(seconds, hzAt, sawtooth(20)), 10, 42), SR);
    const frames = interior(r.times, seconds);
    const good = frames.filter((i) => Math.abs(r.f0[i]! / hzAt(r.times[i]!) - 1) < 0.03).length;
    expect(good / frames.length).toBeGreaterThanOrEqual(0.9);
  });

  it('tracks harmonic tones with vibrato, clean and in noise, with under 2% gross pitch errors', () => {
    // Gross pitch error: an estimate more than 20% off the true F0 (or a voiced frame called unvoiced).
    for (const [base, snr] of [
      [110, Infinity],
      [220, Infinity],
      [140, 20],
      [260, 10],
    ] as const) {
      const hzAt = (t: number) => base * (1 + 0.03 * Math.sin(2 * Math.PI * 5.5 * t));
      const clean = harmonicTone(2, hzAt, sawtooth(20));
      const x = Number.isFinite(snr) ? addNoise(clean, snr, base) : clean;
      const track = estimateF0(x, SR);
      const frames = interior(track.times, 2);
      const gross = frames.filter((i) => !(Math.abs(track.f0[i]! / hzAt(track.times[i]!) - 1) <= 0.2)).length / frames.length;
      expect(gross, `${base} Hz at ${snr} dB SNR`).toBeLessThan(0.02);
    }
  });

  it('marks silence as unvoiced', () => {
    const r = estimateF0(new Float32Array(SR), SR);
    expect(r.f0.every((f) => f === 0)).toBe(true);
  });

  it('marks white noise as mostly unvoiced', () => {
    const rand = rng(7);
    const r = estimateF0(Float32Array.from({ length: SR }, () => 0.5 * (rand() - 0.5)), SR);
    const voiced = r.f0.filter((f) => f > 0).length;
    expect(voiced / r.f0.length).toBeLessThan(0.1);
  });

  it('keeps the fundamental when the 2nd harmonic is stronger (octave robustness)', () => {
    const seconds = 1;
    for (const amps of [
      [0.5, 1, 0.3, 0.2],
      [0.35, 1, 0.5, 0.3, 0.2],
    ]) {
      const r = estimateF0(harmonicTone(seconds, () => 140, amps), SR);
      for (const i of interior(r.times, seconds)) expect(Math.abs(r.f0[i]! / 140 - 1)).toBeLessThan(0.02);
    }
  });

  it('is deterministic', () => {
    const x = addNoise(harmonicTone(0.5, () => 180, sawtooth(10)), 10, 3);
    expect(Array.from(estimateF0(x, SR).f0)).toEqual(Array.from(estimateF0(x, SR).f0));
  });

  describe.skipIf(!existsSync(JFK_PATH))('real speech (JFK inaugural, 16 kHz)', () => {
    it('gives a plausible, octave-stable track', () => {
      const x = wavSamples(readFileSync(JFK_PATH));
      const r = estimateF0(x, SR);
      const voiced = Array.from(r.f0).filter((f) => f > 0);
      const share = voiced.length / r.f0.length;
      // This clip is declaimed: its harmonic spacing (checked against a spectrum) is ~250–310 Hz, so the median voiced F0
      // is well above a conversational male voice.
      const med = median(voiced);
      let jumps = 0;
      for (let i = 1; i < r.f0.length - 1; i++) {
        const f = r.f0[i]!;
        if (f === 0) continue;
        const neighbours = [r.f0[i - 1]!, r.f0[i + 1]!].filter((g) => g > 0);
        if (neighbours.some((g) => Math.abs(Math.log2(f / g)) > 0.75)) jumps++;
      }
      console.log(`JFK: ${r.f0.length} frames, voiced ${(share * 100).toFixed(1)}%, median ${med.toFixed(1)} Hz, octave jumps ${jumps}`);
      expect(med).toBeGreaterThan(180);
      expect(med).toBeLessThan(320);
      expect(share).toBeGreaterThan(0.3);
      expect(share).toBeLessThan(0.8);
      expect(jumps / voiced.length).toBeLessThan(0.03);
    });
  });
});
