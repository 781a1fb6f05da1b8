// Tests of the WORLD-style analysis/synthesis: CheapTrick envelope, band aperiodicity, mel-cepstrum round trip and
// synthesis, on a synthetic vowel (pulse train through formant resonators), white noise and real speech (JFK).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { wavSamples } from '../../../main/core/speech/wav.js';
import { bandAperiodicity } from '../../../main/core/voice/aperiodicity.js';
import { gaussianSource } from '../../../main/core/voice/dsp.js';
import { cheapTrick } from '../../../main/core/voice/envelope.js';
import { estimateF0 } from '../../../main/core/voice/f0.js';
import { envelopeToMcep, mcepToEnvelope } from '../../../main/core/voice/mcep.js';
import { synthesize } from '../../../main/core/voice/synthesis.js';

const SR = 16_000;
const JFK_PATH = '/work/shared/data/jfk-inaugural-1961.wav';
const FORMANTS: Array<[number, number]> = [
  [700, 80],
  [1200, 90],
  [2600, 120],
];

/** Pulse train at `hz` through two-pole resonators at FORMANTS (cascade), scaled to peak 0.5. */
function vowel(seconds: number, hz: number): Float32Array {
  const len = Math.round(seconds * SR);
  let x = new Float64Array(len);
  const period = SR / hz;
  for (let p = 0; p < len; p += period) x[Math.round(p)] = 1;
  for (const [f, bw] of FORMANTS) {
    const r = Math.exp((-Math.PI * bw) / SR);
    const a1 = 2 * r * Math.cos((2 * Math.PI * f) / SR);
    const a2 = -r * r;
    const y = new Float64Array(len);
    for (let i = 0; i < len; i++) y[i] = (1 - r) * x[i]! + a1 * (y[i - 1] ?? 0) + a2 * (y[i - 2] ?? 0);
    x = y;
  }
  let peak = 0;
  for (const v of x) peak = Math.max(peak, Math.abs(v));
  return Float32Array.from(x, (v) => (0.5 * v) / peak);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)]!;
}

function rmsOf(x: Float32Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s / Math.max(1, x.length));
}

const db = (p: number): number => 10 * Math.log10(p);

function analyse(samples: Float32Array) {
  const track = estimateF0(samples, SR);
  const env = cheapTrick(samples, SR, track.f0);
  const ap = bandAperiodicity(samples, SR, track.f0);
  return { f0: track.f0, env, ap };
}

describe('WORLD-style analysis and synthesis', () => {
  const source = vowel(1, 120);
  const analysis = analyse(source);
  const resynth = synthesize(analysis.f0, analysis.env, analysis.ap, SR, { length: source.length });
  const mid = Array.from({ length: 100 }, (_, i) => 50 + i); // frames 0.25..0.75 s

  it('analyses the vowel as voiced at 120 Hz and resynthesises the same F0', () => {
    const voiced = mid.map((i) => analysis.f0[i]!).filter((v) => v > 0);
    expect(voiced.length).toBeGreaterThan(90);
    expect(Math.abs(median(voiced) / 120 - 1)).toBeLessThan(0.02);
    const again = estimateF0(resynth, SR).f0;
    const voicedAgain = mid.map((i) => again[i]!).filter((v) => v > 0);
    expect(voicedAgain.length).toBeGreaterThan(90);
    expect(Math.abs(median(voicedAgain) / median(voiced) - 1)).toBeLessThan(0.02);
    console.log(`vowel F0 median ${median(voiced).toFixed(2)} → resynthesis ${median(voicedAgain).toFixed(2)} Hz`);
  });

  it('gives an envelope with peaks at the formants, kept by resynthesis within a few dB', () => {
    const env = analysis.env;
    const bins = env[0]!.length;
    const n = (bins - 1) * 2;
    expect(n).toBe(1024);
    const envAgain = cheapTrick(resynth, SR, analysis.f0);
    for (const [f] of FORMANTS) {
      const k = Math.round((f * n) / SR);
      const valley = Math.round((((f + 350) * n) / SR));
      const diffs = mid.map((i) => db(envAgain[i]![k]!) - db(env[i]![k]!));
      // The formant stands above the spectrum a few hundred Hz away (F1 and F2 are 500 Hz apart).
      const peakOverValley = median(mid.map((i) => db(env[i]![k]!) - db(env[i]![valley]!)));
      expect(peakOverValley).toBeGreaterThan(3);
      expect(Math.abs(median(diffs))).toBeLessThan(3);
      console.log(`formant ${f} Hz: peak over valley ${peakOverValley.toFixed(1)} dB, resynthesis ${median(diffs).toFixed(2)} dB`);
    }
  });

  it('round-trips the envelope through the mel-cepstrum within 1 dB on average', () => {
    const frames = mid.map((i) => analysis.env[i]!);
    const mc = envelopeToMcep(frames, SR, { order: 39 });
    expect(mc[0]!.length).toBe(40);
    const back = mcepToEnvelope(mc, 1024, SR);
    let sum = 0;
    let count = 0;
    for (let i = 0; i < frames.length; i++) {
      for (let k = 0; k < frames[i]!.length; k++) {
        sum += Math.abs(db(back[i]![k]!) - db(frames[i]![k]!));
        count++;
      }
    }
    expect(sum / count).toBeLessThan(1);
    console.log(`mcep round trip: mean |error| ${(sum / count).toFixed(3)} dB`);
  });

  it('finds low aperiodicity for the pulse-train vowel and high for white noise', () => {
    const vowelAp = mid.flatMap((i) => Array.from(analysis.ap[i]!));
    expect(vowelAp.length).toBe(500);
    expect(vowelAp.reduce((a, b) => a + b, 0) / vowelAp.length).toBeLessThan(0.3);
    const g = gaussianSource(7);
    const noise = Float32Array.from({ length: SR }, () => 0.1 * g());
    // With a forced F0 the correlation one period apart is near 0.
    const forced = bandAperiodicity(noise, SR, new Float32Array(200).fill(120));
    const forcedMean = forced.flatMap((a) => Array.from(a)).reduce((a, b) => a + b, 0) / (200 * 5);
    expect(forcedMean).toBeGreaterThan(0.7);
    // With estimated F0 (unvoiced) it is 1.
    const est = analyse(noise);
    const estMean = est.ap.flatMap((a) => Array.from(a)).reduce((a, b) => a + b, 0) / (est.ap.length * 5);
    expect(estMean).toBeGreaterThan(0.7);
    console.log(`aperiodicity: vowel ${(vowelAp.reduce((a, b) => a + b, 0) / vowelAp.length).toFixed(3)}, noise forced F0 ${forcedMean.toFixed(3)}, noise estimated F0 ${estMean.toFixed(3)}`);
  });

  it('is deterministic', () => {
    const again = synthesize(analysis.f0, analysis.env, analysis.ap, SR, { length: source.length });
    expect(again).toEqual(resynth);
    expect(cheapTrick(source, SR, analysis.f0)[60]).toEqual(analysis.env[60]);
  });

  it('averages sine tapers: white noise scatters less from frame to frame, the formants stay where they are', () => {
    const g = gaussianSource(11);
    const noise = Float32Array.from({ length: SR }, () => 0.1 * g());
    const unvoiced = new Float32Array(200);
    const scatter = (tapers: number): number => {
      const env = cheapTrick(noise, SR, unvoiced, { unvoicedWindowF0: 100, unvoicedTapers: tapers }).slice(20, 180);
      let sum = 0;
      for (let k = 10; k < env[0]!.length - 10; k++) {
        const values = env.map((e) => db(e[k]!));
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        sum += Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
      }
      return sum / (env[0]!.length - 20);
    };
    const hann = scatter(1);
    const tapered = scatter(5);
    console.log(`white noise envelope scatter: ${hann.toFixed(2)} dB with a Hann window, ${tapered.toFixed(2)} dB with 5 sine tapers`);
    expect(tapered).toBeLessThan(0.8 * hann);

    const multi = cheapTrick(source, SR, analysis.f0, { tapers: 3 });
    const n = (multi[0]!.length - 1) * 2;
    for (const [f] of FORMANTS) {
      const k = Math.round((f * n) / SR);
      const valley = Math.round(((f + 350) * n) / SR);
      expect(median(mid.map((i) => db(multi[i]![k]!) - db(multi[i]![valley]!)))).toBeGreaterThan(3);
      expect(Math.abs(median(mid.map((i) => db(multi[i]![k]!) - db(analysis.env[i]![k]!))))).toBeLessThan(1.5);
    }
  });

  it('refuses a taper count that is not a whole number of at least 1', () => {
    for (const tapers of [0, -1, 1.5, Number.NaN]) expect(() => cheapTrick(source, SR, analysis.f0, { tapers })).toThrow(RangeError);
    expect(() => cheapTrick(source, SR, analysis.f0, { unvoicedTapers: 0 })).toThrow(/whole number of at least 1/);
  });

  it.skipIf(!existsSync(JFK_PATH))('round-trips real speech (JFK): duration, loudness and F0 median', () => {
    const speech = wavSamples(new Uint8Array(readFileSync(JFK_PATH)));
    const a = analyse(speech);
    const out = synthesize(a.f0, a.env, a.ap, SR);
    expect(Math.abs(out.length - speech.length)).toBeLessThan(SR * 0.02);
    const loudness = 20 * Math.log10(rmsOf(out) / rmsOf(speech));
    expect(Math.abs(loudness)).toBeLessThan(3);
    const f0In = median(Array.from(a.f0).filter((v) => v > 0));
    const f0Out = median(Array.from(estimateF0(out, SR).f0).filter((v) => v > 0));
    expect(Math.abs(f0Out / f0In - 1)).toBeLessThan(0.05);
    console.log(`JFK: loudness ${loudness.toFixed(2)} dB, F0 median ${f0In.toFixed(1)} → ${f0Out.toFixed(1)} Hz`);
  });
});
