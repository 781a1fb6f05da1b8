// Tests of whole-utterance voice analysis/synthesis at VOICE_RATE: round trips of a clean vowel and of the JFK clip (MCD, F0, voicing), input rates and the interpolated log-F0 contour.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { wavSamples } from '../../../main/core/speech/wav.js';
import { speechRange } from '../../../main/core/voice/align.js';
import { defaultBandEdges } from '../../../main/core/voice/aperiodicity.js';
import { analyseVoice, synthesizeVoice, voicedInterpolatedLogF0 } from '../../../main/core/voice/frames.js';
import { logF0RmseCents, melCepstralDistortion, voicingError } from '../../../main/core/voice/metrics.js';
import { MCEP_SIZE, VOICE_RATE } from '../../../main/core/voice/spec.js';

const JFK_PATH = '/work/shared/data/jfk-inaugural-1961.wav';

/** Sawtooth-like harmonic tone (harmonics 1/k under 5 kHz) at `hz`. */
function tone(seconds: number, hz: number, rate: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < out.length; i++) {
    let v = 0;
    for (let k = 1; k * hz < 5000; k++) v += Math.sin((2 * Math.PI * k * hz * i) / rate) / k;
    out[i] = 0.2 * v;
  }
  return out;
}

/** Pulse train gliding 100 → 220 Hz through five formant resonators, at VOICE_RATE, peak 0.5. */
function glidingVowel(seconds: number): Float32Array {
  const formants: Array<[number, number]> = [
    [700, 80],
    [1200, 90],
    [2600, 120],
    [3500, 200],
    [4500, 300],
  ];
  const length = Math.round(seconds * VOICE_RATE);
  let x = new Float64Array(length);
  let phase = 0;
  for (let i = 0; i < length; i++) {
    phase += (100 + (120 * i) / length) / VOICE_RATE;
    if (phase >= 1) {
      phase -= 1;
      x[i] = 1;
    }
  }
  for (const [hz, bandwidth] of formants) {
    const r = Math.exp((-Math.PI * bandwidth) / VOICE_RATE);
    const a1 = 2 * r * Math.cos((2 * Math.PI * hz) / VOICE_RATE);
    const y = new Float64Array(length);
    for (let i = 0; i < length; i++) y[i] = (1 - r) * x[i]! + a1 * (y[i - 1] ?? 0) - r * r * (y[i - 2] ?? 0);
    x = y;
  }
  const peak = x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return Float32Array.from(x, (v) => (0.5 * v) / peak);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('analyseVoice / synthesizeVoice', () => {
  it.each([16_000, 22_050, 24_000, 48_000])('analyses %i Hz input into 5 ms frames at VOICE_RATE', (rate) => {
    const frames = analyseVoice(tone(0.5, 150, rate), rate);
    const samples = Math.floor(0.5 * VOICE_RATE);
    expect(frames.f0.length).toBe(Math.floor((samples - 1) / 120) + 1);
    expect(frames.mcep.length).toBe(frames.f0.length);
    expect(frames.bap.length).toBe(frames.f0.length);
    expect(frames.mcep[50]!.length).toBe(MCEP_SIZE);
    expect(frames.bap[50]!.length).toBe(defaultBandEdges(VOICE_RATE).length - 1);
    const voiced = Array.from(frames.f0.subarray(10, -10)).filter((v) => v > 0);
    expect(voiced.length).toBeGreaterThan(70);
    expect(Math.abs(median(voiced) / 150 - 1)).toBeLessThan(0.01);
  });

  it('synthesises deterministically at the requested length', () => {
    const frames = analyseVoice(tone(0.3, 120, VOICE_RATE), VOICE_RATE);
    const a = synthesizeVoice(frames, { length: 7000 });
    expect(a.length).toBe(7000);
    expect(synthesizeVoice(frames, { length: 7000 })).toEqual(a);
    expect(synthesizeVoice(frames).length).toBe(Math.round(frames.f0.length * 120));
  });

  it('round-trips a clean gliding vowel within 1.5 dB MCD', () => {
    const original = analyseVoice(glidingVowel(1), VOICE_RATE);
    const again = analyseVoice(synthesizeVoice(original), VOICE_RATE);
    const range = speechRange(original.mcep);
    const voiced = Array.from({ length: range.end - range.start }, (_, k) => [range.start + k, range.start + k] as [number, number]).filter(
      ([i]) => original.f0[i]! > 0 && again.f0[i]! > 0,
    );
    expect(voiced.length).toBeGreaterThan(150);
    const mcd = melCepstralDistortion(original.mcep, again.mcep, voiced);
    console.log(`gliding vowel round trip: MCD ${mcd.toFixed(2)} dB over ${voiced.length} voiced frames`);
    expect(mcd).toBeLessThan(1.5);
  });

  // Acceptance asks for ≤ 1.5 dB on this clip: 1.46 dB over its speech, 1.42 over the frames voiced in both (1.70 and 1.88
  // with one Hann window per frame, 3.6 and 2.4 before unvoiced frames got a 30 ms window). What is left is mostly scatter:
  // the resynthesis draws fresh noise (this 1961 recording is noisy, its pauses hiss, its voiced frames mostly aperiodic over
  // 4 kHz) and every analysis of noise scatters. The F0 of the resynthesis follows the original's within 11 cents RMS (153
  // with one window per frame, when its noisier envelopes threw the tracker an octave on 3 % of the frames).
  it.skipIf(!existsSync(JFK_PATH))('round-trips the JFK clip within 1.5 dB MCD, with its F0 and voicing', () => {
    const original = analyseVoice(wavSamples(new Uint8Array(readFileSync(JFK_PATH))), 16_000);
    const again = analyseVoice(synthesizeVoice(original), VOICE_RATE);
    expect(again.f0.length).toBe(original.f0.length);
    const range = speechRange(original.mcep);
    const speech = Array.from({ length: range.end - range.start }, (_, k) => [range.start + k, range.start + k] as [number, number]);
    const voiced = speech.filter(([i]) => original.f0[i]! > 0 && again.f0[i]! > 0);
    const mcd = melCepstralDistortion(original.mcep, again.mcep, speech);
    const mcdVoiced = melCepstralDistortion(original.mcep, again.mcep, voiced);
    const rmse = logF0RmseCents(original.f0, again.f0, speech);
    const cents = voiced.map(([i]) => Math.abs(1200 * Math.log2(again.f0[i]! / original.f0[i]!)));
    const gross = cents.filter((c) => c > 100).length / cents.length;
    const voicing = voicingError(original.f0, again.f0, speech);
    console.log(
      `JFK round trip: MCD ${mcd.toFixed(2)} dB over ${speech.length} speech frames, ${mcdVoiced.toFixed(2)} dB over ${voiced.length} voiced; ` +
        `F0 median error ${median(cents).toFixed(1)} cents, ${(100 * gross).toFixed(1)} % over 100 cents, RMSE ${rmse.toFixed(0)} cents; ` +
        `voicing error ${(100 * voicing).toFixed(1)} %`,
    );
    expect(mcd).toBeLessThanOrEqual(1.5);
    expect(mcdVoiced).toBeLessThanOrEqual(1.5);
    expect(median(cents)).toBeLessThan(10);
    expect(rmse).toBeLessThan(30);
    expect(gross).toBeLessThan(0.01);
    expect(voicing).toBeLessThan(0.08);
  });
});

describe('voicedInterpolatedLogF0', () => {
  it('interpolates ln F0 linearly over unvoiced gaps and holds the ends', () => {
    const out = voicedInterpolatedLogF0([0, 0, 100, 0, 0, 800, 0]);
    const l100 = Math.log(100);
    const l800 = Math.log(800);
    const expected = [l100, l100, l100, l100 + (l800 - l100) / 3, l100 + (2 * (l800 - l100)) / 3, l800, l800];
    expected.forEach((v, i) => expect(out[i]).toBeCloseTo(v, 5));
  });

  it('falls back to a constant when nothing is voiced', () => {
    expect(Array.from(voicedInterpolatedLogF0([0, 0, 0], 200))).toEqual(Array(3).fill(Math.fround(Math.log(200))));
    expect(voicedInterpolatedLogF0([]).length).toBe(0);
  });
});
