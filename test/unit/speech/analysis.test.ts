// Unit tests of take analysis (loudness per BS.1770-4, true peak, clipping, noise floor, SNR) and the take verdict.
import { describe, expect, it } from 'vitest';
import { FAIL_CLIPPED_RATIO, judgeTake, TARGET_SNR_DB } from '../../../main/core/speech/levels.js';
import type { AudioMetrics } from '../../../main/core/speech/loudness.js';
import { analyseAudio, kWeightingFilters, LoudnessAnalyzer, percentile } from '../../../main/core/speech/loudness.js';

const RATE = 48000;

function sine(seconds: number, frequency: number, amplitude: number, rate = RATE, phase = 0): Float32Array {
  const out = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / rate + phase);
  return out;
}

function join(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Seeded Gaussian noise (mulberry32 + Box-Muller) with the given RMS. */
function noise(length: number, rmsLevel: number, seed = 1): Float32Array {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 2 ** 32;
  };
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = rmsLevel * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return out;
}

const db = (value: number): number => 10 ** (value / 20);

describe('K-weighting', () => {
  it('matches the 48 kHz coefficients tabled in BS.1770-4', () => {
    const [shelf, highPass] = kWeightingFilters(48000);
    expect(shelf.b0).toBeCloseTo(1.53512485958697, 8);
    expect(shelf.b1).toBeCloseTo(-2.69169618940638, 8);
    expect(shelf.b2).toBeCloseTo(1.19839281085285, 8);
    expect(shelf.a1).toBeCloseTo(-1.69065929318241, 8);
    expect(shelf.a2).toBeCloseTo(0.73248077421585, 8);
    expect(highPass).toMatchObject({ b0: 1, b1: -2, b2: 1 });
    expect(highPass.a1).toBeCloseTo(-1.99004745483398, 8);
    expect(highPass.a2).toBeCloseTo(0.99007225036621, 8);
  });
});

describe('integrated loudness (BS.1770-4)', () => {
  // A 0 dBFS-peak 1 kHz sine in one channel reads -3.01 LUFS, so peak amplitude -20 dBFS reads -23.01 LUFS.
  it('1 kHz sine, peak -20 dBFS, 48 kHz, 10 s: -23.0 LUFS', () => {
    const metrics = analyseAudio(sine(10, 1000, db(-20)));
    expect(metrics.integratedLufs).not.toBeNull();
    expect(Math.abs(metrics.integratedLufs! - -23.01)).toBeLessThan(0.1);
    expect(metrics.durationSeconds).toBe(10);
    expect(metrics.samplePeakDbfs).toBeCloseTo(-20, 2);
  });

  it('997 Hz sine (a frequency that does not divide the rate) and a 0 dBFS sine', () => {
    expect(Math.abs(analyseAudio(sine(10, 997, db(-20))).integratedLufs! - -23.01)).toBeLessThan(0.1);
    expect(Math.abs(analyseAudio(sine(10, 997, 1)).integratedLufs! - -3.01)).toBeLessThan(0.1);
  });

  it('computes the filters for the actual rate: 44.1 kHz and 16 kHz read the same', () => {
    expect(Math.abs(analyseAudio(sine(10, 1000, db(-20), 44100), 44100).integratedLufs! - -23.01)).toBeLessThan(0.1);
    expect(Math.abs(analyseAudio(sine(10, 1000, db(-20), 16000), 16000).integratedLufs! - -23.01)).toBeLessThan(0.1);
  });

  it('weights frequencies like K-weighting: the +4 dB shelf at 10 kHz (+3.3 dB over 1 kHz), a strong cut at 20 Hz', () => {
    const high = analyseAudio(sine(5, 10000, db(-20))).integratedLufs!;
    const low = analyseAudio(sine(5, 20, db(-20))).integratedLufs!;
    expect(high - -23.01).toBeGreaterThan(3.1);
    expect(high - -23.01).toBeLessThan(3.5);
    expect(low).toBeLessThan(-33);
  });

  it('relative gate: a long very quiet stretch does not pull the loudness down', () => {
    // 5 s at -23 LUFS then 5 s at -63 LUFS (above the absolute gate, below the relative gate at -33).
    const signal = join(sine(5, 1000, db(-20)), sine(5, 1000, db(-60)));
    const gated = analyseAudio(signal).integratedLufs!;
    // Only the 3 blocks across the boundary are partly quiet: 47 full + (3/4 + 2/4 + 1/4) → -23.14 LUFS.
    expect(gated).toBeCloseTo(-23.14, 1);
    // Ungated energy mean would be about -26 LUFS.
    expect(gated).toBeGreaterThan(-23.5);
  });

  it('EBU Tech 3341 case 3 shape (-36 / -23 / -36 LUFS for 10 / 60 / 10 s) reads -23 ± 0.1', () => {
    const quiet = db(-33);
    const signal = join(sine(10, 1000, quiet), sine(60, 1000, db(-20)), sine(10, 1000, quiet));
    expect(Math.abs(analyseAudio(signal).integratedLufs! - -23)).toBeLessThan(0.1);
  });

  it('absolute gate: digital silence alone has no loudness, and silence around a tone is ignored', () => {
    expect(analyseAudio(new Float32Array(RATE * 3)).integratedLufs).toBeNull();
    expect(analyseAudio(sine(0.3, 1000, 0.5)).integratedLufs).toBeNull(); // shorter than one 400 ms block
    const padded = join(new Float32Array(RATE * 20), sine(5, 1000, db(-20)), new Float32Array(RATE * 20));
    // 47 blocks wholly in the tone, 3 partial ones at each edge (3/4 + 2/4 + 1/4 of its power); 400 silent blocks gated out.
    const expected = -23.01 + 10 * Math.log10(50 / 53);
    expect(Math.abs(analyseAudio(padded).integratedLufs! - expected)).toBeLessThan(0.05);
  });
});

describe('true peak', () => {
  it('finds the peak between samples of an fs/4 sine sampled 45° off its crest', () => {
    const signal = sine(1, RATE / 4, 0.5, RATE, Math.PI / 4);
    const metrics = analyseAudio(signal);
    expect(metrics.samplePeakDbfs).toBeCloseTo(-9.03, 1);
    expect(metrics.truePeakDbtp).toBeGreaterThan(metrics.samplePeakDbfs + 2.5);
    expect(Math.abs(metrics.truePeakDbtp - 20 * Math.log10(0.5))).toBeLessThan(0.5);
  });

  it('is within 0.5 dB for high frequencies and at least the sample peak', () => {
    for (const frequency of [5000, 11025, 15000, 17000]) {
      const metrics = analyseAudio(sine(0.5, frequency, 0.9, RATE, 0.3));
      expect(Math.abs(metrics.truePeakDbtp - 20 * Math.log10(0.9)), `${frequency} Hz`).toBeLessThan(0.5);
      expect(metrics.truePeakDbtp).toBeGreaterThanOrEqual(metrics.samplePeakDbfs);
    }
  });

  it('catches an inter-sample over at the very end of the signal', () => {
    const signal = sine(0.01, RATE / 4, 1, RATE, Math.PI / 4); // samples at ±0.707, true peak 0 dBTP
    expect(analyseAudio(signal).truePeakDbtp).toBeGreaterThan(-0.6);
  });
});

describe('clipping', () => {
  it('counts the constructed clipped share and runs exactly', () => {
    const signal = sine(1, 440, 0.2);
    for (let run = 0; run < 10; run++) {
      for (let k = 0; k < 24; k++) signal[run * 4000 + 100 + k] = run % 2 ? -1 : 1;
    }
    const metrics = analyseAudio(signal);
    expect(metrics.clippedSamples).toBe(240);
    expect(metrics.clippedRatio).toBe(240 / RATE);
    expect(metrics.clippedRuns).toBe(10);
    expect(metrics.longestClippedRun).toBe(24);
  });

  it('a sine driven 6 dB into the rails: the flat-top share matches the analytic value', () => {
    const signal = sine(2, 441, 2).map((x) => Math.max(-1, Math.min(1, x)));
    const expected = 1 - (2 / Math.PI) * Math.asin(0.999 / 2);
    const metrics = analyseAudio(signal);
    expect(Math.abs(metrics.clippedRatio - expected)).toBeLessThan(0.003);
    expect(metrics.clippedRuns).toBeCloseTo(2 * 2 * 441, -1);
  });

  it('counts a run that spans two streamed chunks once', () => {
    const analyzer = new LoudnessAnalyzer(RATE);
    analyzer.push(Float32Array.from([0, 1, 1]));
    analyzer.push(Float32Array.from([1, 0.5, -1]));
    expect(analyzer.result()).toMatchObject({ clippedSamples: 4, clippedRuns: 2, longestClippedRun: 3 });
  });
});

describe('noise floor and SNR', () => {
  it('tone at -10 dBFS RMS with gaps, over white noise at -50 dBFS RMS: floor -50, SNR 40', () => {
    const toneAmplitude = db(-10) * Math.SQRT2;
    const parts: Float32Array[] = [];
    for (let i = 0; i < 6; i++) parts.push(sine(1, 300, toneAmplitude), new Float32Array(RATE));
    const signal = join(...parts);
    const hiss = noise(signal.length, db(-50), 42);
    for (let i = 0; i < signal.length; i++) signal[i] = (signal[i] ?? 0) + (hiss[i] ?? 0);
    const metrics = analyseAudio(signal);
    expect(Math.abs(metrics.noiseFloorDbfs - -50)).toBeLessThan(2);
    expect(Math.abs(metrics.signalLevelDbfs - -10)).toBeLessThan(1);
    expect(Math.abs(metrics.snrDb - 40)).toBeLessThan(3);
  });

  it('digital silence reads the floor value, not -Infinity', () => {
    const metrics = analyseAudio(new Float32Array(RATE));
    expect(metrics.noiseFloorDbfs).toBe(-120);
    expect(metrics.truePeakDbtp).toBe(-120);
    expect(JSON.parse(JSON.stringify(metrics))).toEqual(metrics);
  });

  it('percentile interpolates', () => {
    expect(percentile([3, 1, 2, 4, 5], 0.5)).toBe(3);
    expect(percentile([0, 10], 0.1)).toBeCloseTo(1, 10);
    expect(percentile([], 0.5)).toBe(-120);
  });
});

describe('streaming', () => {
  it('any chunking gives the same metrics as one array', () => {
    const signal = join(sine(3, 700, 0.3), noise(RATE * 2, 0.01, 3), sine(2, 5000, 1.2).map((x) => Math.max(-1, Math.min(1, x))));
    const whole = analyseAudio(signal);
    const analyzer = new LoudnessAnalyzer(RATE);
    let offset = 0;
    for (const size of [1, 7, 4799, 4800, 4801, 123457]) {
      analyzer.push(signal.subarray(offset, offset + size));
      offset += size;
    }
    while (offset < signal.length) {
      analyzer.push(signal.subarray(offset, offset + 1000));
      offset += 1000;
    }
    expect(analyzer.result()).toEqual(whole);
  });
});

describe('judgeTake', () => {
  const good: AudioMetrics = {
    sampleRate: 48000,
    samples: 48000 * 8,
    durationSeconds: 8,
    integratedLufs: -19,
    momentaryMaxLufs: -15,
    truePeakDbtp: -4,
    samplePeakDbfs: -4.2,
    clippedRatio: 0,
    clippedSamples: 0,
    clippedRuns: 0,
    longestClippedRun: 0,
    noiseFloorDbfs: -65,
    signalLevelDbfs: -20,
    snrDb: 45,
  };

  it('passes a good take', () => {
    expect(judgeTake(good)).toEqual({ status: 'pass', reasons: [] });
  });

  it('says what is wrong and what to aim for', () => {
    expect(judgeTake({ ...good, integratedLufs: -31 })).toEqual({ status: 'warn', reasons: ['too quiet: -31.0 LUFS, aim for -23 to -16 LUFS'] });
    expect(judgeTake({ ...good, integratedLufs: -45 }).status).toBe('fail');
    expect(judgeTake({ ...good, integratedLufs: -13 }).reasons).toEqual(['too loud: -13.0 LUFS, aim for -23 to -16 LUFS']);
    expect(judgeTake({ ...good, snrDb: 22 })).toEqual({ status: 'warn', reasons: [`noisy room: SNR 22 dB, aim for ${TARGET_SNR_DB} dB or more`] });
    expect(judgeTake({ ...good, snrDb: 12 }).reasons[0]).toMatch(/^very noisy room: SNR 12 dB, aim for 30 dB or more/);
    expect(judgeTake({ ...good, durationSeconds: 0.4, integratedLufs: null })).toEqual({
      status: 'fail',
      reasons: ['too short: 0.4 s; record at least 1 s'],
    });
    expect(judgeTake({ ...good, integratedLufs: null }).reasons[0]).toMatch(/^silent/);
    expect(judgeTake({ ...good, truePeakDbtp: -0.2 }).reasons).toEqual([
      'peaks too hot: -0.2 dBTP, keep peaks below -1 dBTP; lower the input gain a little',
    ]);
  });

  it('clipping: warns for a little, fails for a lot', () => {
    const fail = judgeTake({ ...good, clippedRatio: 0.021, clippedRuns: 40, longestClippedRun: 30, truePeakDbtp: 0 });
    expect(fail).toEqual({ status: 'fail', reasons: ['clipping: 2.1% of samples at full scale; lower the input gain and record again'] });
    expect(judgeTake({ ...good, clippedRatio: FAIL_CLIPPED_RATIO / 2, clippedRuns: 3, longestClippedRun: 9 }).status).toBe('warn');
    expect(judgeTake({ ...good, clippedRatio: 0.00001, clippedRuns: 1, longestClippedRun: 4 }).reasons[0]).toMatch(/^clipping: 1 clipped passage/);
    expect(judgeTake({ ...good, clippedRatio: 0.00001, clippedRuns: 1, longestClippedRun: 1 }).status).toBe('pass');
  });

  it('judges measured signals end to end', () => {
    const clipped = analyseAudio(sine(3, 441, 2).map((x) => Math.max(-1, Math.min(1, x))));
    expect(judgeTake(clipped).status).toBe('fail');
    expect(judgeTake(analyseAudio(sine(0.4, 441, 0.1))).reasons[0]).toBe('too short: 0.4 s; record at least 1 s');
  });
});
