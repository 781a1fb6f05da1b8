// The audio watermark on real speech: channel code, streaming and silence, detection at any offset, and the targets (≥95% detected after AAC 96k and Opus 48k, no false detections, loudness and spectrum unchanged, speed).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSpeech, randomMark, sameMark, speechClip, watermarkTrials } from '../../../bench/watermark-trials.js';
import { convolve, infoBits, markOf, viterbi } from '../../../main/core/compose/watermark-code.js';
import { FRAME } from '../../../main/core/compose/watermark-layout.js';
import { detectWatermark, embedWatermark, WATERMARK_SAMPLE_RATE, WatermarkEmbedder } from '../../../main/core/compose/watermark.js';
import { mulberry32 } from '../../../main/core/platform/seeded-random.js';
import { concatSamples } from '../../../main/core/speech/concat.js';

const RATE = WATERMARK_SAMPLE_RATE;
let speech: Float32Array;

beforeAll(async () => {
  speech = await loadSpeech();
});

/** Sample-exact equality (toEqual walks typed arrays far too slowly for minutes of audio). */
function identical(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}


describe('the channel code', () => {
  it('decodes a mark from noisy soft symbols, one in ten of them wrong, and checks it with the CRC', () => {
    const mark = Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x01, 0x23, 0x45, 0x67]);
    const coded = convolve(infoBits(mark));
    const next = mulberry32(3);
    const soft = Float64Array.from(coded, (bit, i) => (bit ? 1 : -1) * (i % 10 === 3 ? -0.5 : 1) + (next() - 0.5) * 0.8);
    expect(markOf(viterbi(soft))).toEqual(mark);
    const bits = infoBits(mark);
    bits[5]! ^= 1;
    expect(markOf(bits)).toBeNull();
    expect(() => infoBits(new Uint8Array(7))).toThrow(RangeError);
  });
});

describe('the embedder', () => {
  it('gives the same output however the input is chunked, exactly as long as the input, and holds back the look-ahead', () => {
    const clip = speechClip(speech, 9.3, 7);
    const mark = randomMark(mulberry32(1));
    const whole = embedWatermark(clip, mark);
    expect(whole.length).toBe(clip.length);
    expect(identical(embedWatermark(clip, mark), whole)).toBe(true);

    const embedder = new WatermarkEmbedder(mark);
    const next = mulberry32(2);
    const parts: Float32Array[] = [];
    for (let at = 0; at < clip.length; ) {
      const size = 1 + Math.floor(next() * 40_000);
      parts.push(embedder.process(clip.subarray(at, at + size)));
      at += size;
    }
    const held = clip.length - parts.reduce((n, p) => n + p.length, 0);
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(4.2 * RATE);
    parts.push(embedder.flush());
    expect(identical(concatSamples(parts), whole)).toBe(true);
    expect(() => embedder.process(clip)).toThrow();
    expect(embedWatermark(new Float32Array(0), mark)).toHaveLength(0);
    expect(() => new WatermarkEmbedder(new Uint8Array(9))).toThrow(RangeError);
  });

  it('follows the speech: digital silence stays exactly silent, the mark reaching at most a frame into it', () => {
    const talk = speechClip(speech, 9, 11);
    const clip = new Float32Array(16 * RATE);
    clip.set(talk, 3 * RATE);
    const marked = embedWatermark(clip, randomMark(mulberry32(4)));
    expect(marked.subarray(0, 3 * RATE - FRAME).every((v) => v === 0)).toBe(true);
    expect(marked.subarray(12 * RATE + FRAME).every((v) => v === 0)).toBe(true);
    expect(marked.subarray(3 * RATE, 12 * RATE).some((v, i) => v !== talk[i])).toBe(true);
    expect(embedWatermark(new Float32Array(5 * RATE), randomMark(mulberry32(5))).every((v) => v === 0)).toBe(true);
  });
});

describe('detection', () => {
  it('finds the mark anywhere in a longer stream, after a codec-like delay, from 10 s of speech; unmarked audio gives null', () => {
    const mark = randomMark(mulberry32(9));
    const stream = embedWatermark(speechClip(speech, 40, 21), mark);
    const excerpt = stream.slice(12_345, 12_345 + 10 * RATE);
    expect(sameMark(detectWatermark(excerpt, RATE)?.mark ?? new Uint8Array(0), mark)).toBe(true);

    // AAC's priming adds about 1024-2048 samples in front; an Opus decoder trims its 312 but a careless one may not.
    const delayed = new Float32Array(30 * RATE);
    delayed.set(stream.subarray(7 * RATE, 7 * RATE + delayed.length - 1_600), 1_600);
    const found = detectWatermark(delayed, RATE);
    expect(found && sameMark(found.mark, mark)).toBe(true);
    expect(found!.confidence).toBeGreaterThan(0.9);

    expect(detectWatermark(speechClip(speech, 30, 22), RATE)).toBeNull();
    expect(detectWatermark(new Float32Array(30 * RATE), RATE)).toBeNull();
    expect(detectWatermark(new Float32Array(RATE / 2), RATE)).toBeNull();
    expect(() => detectWatermark(excerpt, 44_100)).toThrow(RangeError);
  });

  it('reports nothing in 20 unmarked 10 s stretches of speech', () => {
    let reports = 0;
    for (let i = 0; i < 20; i++) if (detectWatermark(speechClip(speech, 10, 500 + i), RATE)) reports++;
    expect(reports).toBe(0);
  });

  it('embeds far faster than real time and scans 30 s well within a second', () => {
    const clip = speechClip(speech, 30, 31);
    const mark = randomMark(mulberry32(6));
    embedWatermark(clip.subarray(0, 5 * RATE), mark);
    // CPU time rather than wall time: other work shares the machine.
    const cpuSeconds = (since: NodeJS.CpuUsage) => {
      const used = process.cpuUsage(since);
      return (used.user + used.system) / 1e6;
    };
    let start = process.cpuUsage();
    const marked = embedWatermark(clip, mark);
    const embedSeconds = cpuSeconds(start);
    start = process.cpuUsage();
    expect(detectWatermark(marked, RATE)).not.toBeNull();
    const detectSeconds = cpuSeconds(start);
    console.log(`watermark: embedding ${(embedSeconds / 30).toFixed(4)} s per s of audio, detection of 30 s ${detectSeconds.toFixed(2)} s`);
    expect(embedSeconds / 30).toBeLessThan(0.04);
    expect(detectSeconds).toBeLessThan(1);
  });

  it('meets the targets on 20 clips of 30 s: detected after AAC 96k and Opus 48k, no false reports, loudness and spectrum kept', async () => {
    const result = await watermarkTrials({ clips: 20, seconds: 30 });
    console.log('watermark trials', result);
    expect(result.detectRateAac).toBeGreaterThanOrEqual(0.95);
    expect(result.detectRateOpus).toBeGreaterThanOrEqual(0.95);
    expect(result.falseDetectRate).toBeLessThanOrEqual(0.01);
    expect(result.loudnessDeltaDb).toBeLessThan(0.5);
    expect(result.maxSpectrumDeltaDb).toBeLessThan(0.5);
  }, 180_000);
});
