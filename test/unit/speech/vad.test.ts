// Tests of Silero VAD run through onnxruntime-node on real speech (JFK, 16 kHz), silence and noise.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downsample48kTo16k } from '../../../main/core/speech/resample.js';
import { speechActivity, splitAtPauses, takesFromCuts } from '../../../main/core/speech/segments.js';
import { SileroVad, VAD_CONTEXT_SAMPLES, VAD_FRAME_SAMPLES, VAD_SAMPLE_RATE, sileroModelPath } from '../../../main/core/speech/vad.js';
import { ort } from '../../../main/core/ml/runtime/sessions.js';
import { parseWav, wavSamples } from '../../../main/core/speech/wav.js';
import { concatSamples } from '../../../main/core/speech/concat.js';

const JFK_PATH = '/work/shared/data/jfk-inaugural-1961.wav';
const jfkBytes = readFileSync(JFK_PATH);
const jfk = wavSamples(jfkBytes);
const jfkSeconds = jfk.length / VAD_SAMPLE_RATE;


/** Upsamples 16 kHz to 48 kHz by linear interpolation (enough to exercise the 48 kHz path). */
function upsample3(x: Float32Array): Float32Array {
  const out = new Float32Array(x.length * 3);
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = x[i + 1] ?? 0;
    out[3 * i] = a;
    out[3 * i + 1] = a + (b - a) / 3;
    out[3 * i + 2] = a + (2 * (b - a)) / 3;
  }
  return out;
}

describe('SileroVad', () => {
  let vad: SileroVad;
  beforeAll(async () => {
    vad = await SileroVad.open();
  });
  afterAll(async () => {
    await vad.close();
  });

  it('reads the test clip as 16 kHz mono', () => {
    const info = parseWav(jfkBytes);
    expect(info.sampleRate).toBe(16_000);
    expect(info.channels).toBe(1);
  });

  it('finds the phrases of the JFK clip', async () => {
    const activity = await vad.analyse(jfk, VAD_SAMPLE_RATE);
    console.log(`JFK: ratio ${activity.speechRatio.toFixed(3)}, segments ${activity.segments.map((s) => `${s.start.toFixed(2)}-${s.end.toFixed(2)}`).join(', ')}`);
    expect(activity.durationSeconds).toBeCloseTo(jfkSeconds, 9);
    expect(activity.speechRatio).toBeGreaterThan(0.5);
    expect(activity.speechRatio).toBeLessThan(0.97);
    // He pauses between four phrases (about 2.3, 4.4 and 7.7 s); allow the model to merge one.
    expect(activity.segments.length).toBeGreaterThanOrEqual(3);
    expect(activity.segments[0]!.start).toBeLessThan(1.5);
    for (const [i, s] of activity.segments.entries()) {
      expect(s.start).toBeGreaterThanOrEqual(0);
      expect(s.end).toBeLessThanOrEqual(jfkSeconds);
      expect(s.end).toBeGreaterThan(s.start);
      if (i > 0) expect(s.start).toBeGreaterThan(activity.segments[i - 1]!.end);
    }
  });

  it('finds no speech in digital silence', async () => {
    const activity = await vad.analyse(new Float32Array(3 * VAD_SAMPLE_RATE), VAD_SAMPLE_RATE);
    expect(activity.segments).toEqual([]);
    expect(activity.speechRatio).toBe(0);
  });

  it('finds little speech in white noise at -30 dBFS', async () => {
    // Seeded PRNG (mulberry32), uniform noise scaled to an RMS of 10^(-30/20).
    let seed = 0x5eed;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
    const amplitude = 10 ** (-30 / 20) * Math.sqrt(3);
    const noise = Float32Array.from({ length: 3 * VAD_SAMPLE_RATE }, () => (random() * 2 - 1) * amplitude);
    const activity = await vad.analyse(noise, VAD_SAMPLE_RATE);
    console.log(`noise: ratio ${activity.speechRatio.toFixed(3)}`);
    expect(activity.speechRatio).toBeLessThan(0.2);
  });

  it('puts a take boundary inside 2 s of silence inserted into JFK', async () => {
    // Insert at the frame boundary nearest the middle (5.5 s, inside the third phrase, 5.3-7.7 s), so the only
    // long pause near there is the inserted one.
    const at = Math.round(jfk.length / 2 / VAD_FRAME_SAMPLES) * VAD_FRAME_SAMPLES;
    const insertStart = at / VAD_SAMPLE_RATE;
    const insertEnd = insertStart + 2;
    const audio = concatSamples([jfk.subarray(0, at), new Float32Array(2 * VAD_SAMPLE_RATE), jfk.subarray(at)]);
    const activity = await vad.analyse(audio, VAD_SAMPLE_RATE);
    const cuts = splitAtPauses(activity.segments, activity.durationSeconds);
    console.log(`JFK + 2 s silence at ${insertStart.toFixed(2)} s: cuts ${cuts.map((c) => c.toFixed(2)).join(', ')}`);
    expect(cuts.some((cut) => cut > insertStart && cut < insertEnd)).toBe(true);
    for (const cut of cuts) expect(activity.segments.some((s) => cut > s.start && cut < s.end)).toBe(false);
    for (const take of takesFromCuts(cuts, activity.durationSeconds)) expect(take.end - take.start).toBeGreaterThanOrEqual(1.5);
  });

  it('scores like the shipped model run one frame per call', async () => {
    // The reference: the original graph as published, fed the way the Silero wrapper feeds it.
    const { InferenceSession, Tensor } = ort();
    const original = await InferenceSession.create(readFileSync(sileroModelPath()), { executionProviders: ['cpu'], intraOpNumThreads: 1 });
    const sr = new Tensor('int64', BigInt64Array.of(BigInt(VAD_SAMPLE_RATE)), []);
    const frames = Math.floor(jfk.length / VAD_FRAME_SAMPLES);
    const reference = new Float32Array(frames);
    let state = new Float32Array(2 * 128);
    for (let f = 0; f < frames; f++) {
      const start = f * VAD_FRAME_SAMPLES - VAD_CONTEXT_SAMPLES;
      const input = new Float32Array(VAD_CONTEXT_SAMPLES + VAD_FRAME_SAMPLES);
      input.set(start < 0 ? jfk.subarray(0, VAD_FRAME_SAMPLES) : jfk.subarray(start, start + input.length), start < 0 ? VAD_CONTEXT_SAMPLES : 0);
      const out = await original.run({ input: new Tensor('float32', input, [1, input.length]), state: new Tensor('float32', state, [2, 1, 128]), sr });
      reference[f] = (out.output!.data as Float32Array)[0]!;
      state = new Float32Array(out.stateN!.data as Float32Array);
    }
    await original.release();
    vad.reset();
    const ours = await vad.probabilities(jfk);
    vad.reset();
    expect(ours.length).toBe(frames);
    let worst = 0;
    for (let f = 0; f < frames; f++) worst = Math.max(worst, Math.abs(ours[f]! - reference[f]!));
    expect(worst).toBeLessThan(1e-5);
    const segments = (p: Float32Array) => speechActivity(p, { durationSeconds: jfkSeconds }).segments;
    expect(segments(ours)).toEqual(segments(reference));
  });

  it('gives the same probabilities when streamed in 1600-sample chunks', async () => {
    vad.reset();
    const whole = concatSamples([await vad.probabilities(jfk), await vad.flush()]);
    vad.reset();
    const parts: Float32Array[] = [];
    for (let at = 0; at < jfk.length; at += 1600) parts.push(await vad.probabilities(jfk.subarray(at, at + 1600)));
    parts.push(await vad.flush());
    const streamed = concatSamples(parts);
    vad.reset();
    expect(whole.length).toBe(Math.ceil(jfk.length / VAD_FRAME_SAMPLES));
    expect(streamed.length).toBe(whole.length);
    let worst = 0;
    for (let i = 0; i < whole.length; i++) worst = Math.max(worst, Math.abs(whole[i]! - streamed[i]!));
    expect(worst).toBeLessThan(1e-5);
    // The probabilities themselves tell speech from the leading silence.
    expect(speechActivity(whole, { durationSeconds: jfkSeconds }).segments.length).toBeGreaterThan(0);
  });

  it('keeps streams in order when calls overlap', async () => {
    vad.reset();
    const whole = await vad.probabilities(jfk.subarray(0, 16 * VAD_FRAME_SAMPLES));
    vad.reset();
    const [a, b] = await Promise.all([vad.probabilities(jfk.subarray(0, 8 * VAD_FRAME_SAMPLES)), vad.probabilities(jfk.subarray(8 * VAD_FRAME_SAMPLES, 16 * VAD_FRAME_SAMPLES))]);
    vad.reset();
    const streamed = concatSamples([a, b]);
    for (let i = 0; i < whole.length; i++) expect(streamed[i]).toBeCloseTo(whole[i]!, 5);
  });

  it('analyses 48 kHz audio like the 16 kHz original', async () => {
    const at16 = await vad.analyse(jfk, VAD_SAMPLE_RATE);
    const at48 = await vad.analyse(upsample3(jfk), 48_000);
    expect(downsample48kTo16k(upsample3(jfk)).length).toBe(jfk.length);
    expect(at48.durationSeconds).toBeCloseTo(jfkSeconds, 9);
    expect(Math.abs(at48.speechRatio - at16.speechRatio)).toBeLessThan(0.1);
    expect(at48.segments.length).toBe(at16.segments.length);
  });

  it('measures speed on the JFK clip (reported, not asserted)', async () => {
    await vad.analyse(jfk, VAD_SAMPLE_RATE); // warm-up
    const runs = 5;
    const started = performance.now();
    for (let i = 0; i < runs; i++) await vad.analyse(jfk, VAD_SAMPLE_RATE);
    const seconds = (performance.now() - started) / 1000 / runs;
    console.log(`Silero VAD: ${(jfkSeconds / seconds).toFixed(0)}x real time (${(seconds * 1000).toFixed(1)} ms for ${jfkSeconds.toFixed(2)} s, 1 thread)`);
  });

  it('rejects a model that is not Silero', async () => {
    await expect(SileroVad.open({ modelPath: '/nonexistent/model.onnx' })).rejects.toThrow();
    await expect(SileroVad.open({ modelPath: JFK_PATH })).rejects.toThrow(/Not a Silero VAD v5 model/);
    await expect(SileroVad.open({ modelPath: sileroModelPath().replace('silero_vad_v5', 'silero_vad_legacy') })).rejects.toThrow(/Not a Silero VAD v5 model/);
  });
});
