// The voice-conversion dataset: context windows clamped at the edges, normalisation statistics and their round trip,
// log-F0 interpolation, and held-out utterances kept out of training and out of the statistics.
import { describe, expect, it } from 'vitest';
import {
  type AlignedUtterance,
  buildVoiceDataset,
  centreOffset,
  DEFAULT_CONTEXT,
  INPUT_CLIP,
  inputSize,
  interpolatedLogF0,
  restoreTargets,
  sourceFrameSize,
  sourceInputs,
  targetFrameSize,
  targetRows,
  voiceStats,
} from '../../../main/core/voice/dataset.js';
import { MCEP_SIZE } from '../../../main/core/voice/spec.js';
import type { VoiceFrames } from '../../../main/core/voice/spec.js';

const BANDS = 5;

/** Frames whose every value says where it came from: mcep[d] = tag + i + d/100, bap = 0.1 + 0.02·(i mod 40) + 0.001·b. */
function tagged(n: number, tag: number, f0: (i: number) => number = (i) => (i % 7 === 3 ? 0 : 100 + i)): VoiceFrames {
  return {
    f0: Float32Array.from({ length: n }, (_, i) => f0(i)),
    mcep: Array.from({ length: n }, (_, i) => Float32Array.from({ length: MCEP_SIZE }, (_, d) => tag + i + d / 100)),
    bap: Array.from({ length: n }, (_, i) => Float32Array.from({ length: BANDS }, (_, b) => 0.1 + 0.02 * (i % 40) + 0.001 * b)),
  };
}

function pair(n: number, m: number, tag: number): AlignedUtterance {
  const path: Array<[number, number]> = Array.from({ length: Math.max(n, m) }, (_, k) => [Math.floor((k * n) / Math.max(n, m)), Math.floor((k * m) / Math.max(n, m))]);
  return { source: tagged(n, tag), target: tagged(m, tag + 0.5), path };
}

/** Raw source frame features, as the dataset defines them (log F0 interpolated, voiced flag). */
function rawRow(frames: VoiceFrames, i: number): number[] {
  const logF0 = interpolatedLogF0(frames.f0);
  return [...frames.mcep[i]!, logF0[i]!, frames.f0[i]! > 0 ? 1 : 0, ...frames.bap[i]!];
}

describe('voice dataset', () => {
  it('bridges unvoiced gaps of log F0 linearly, holds the ends, and leaves an all-unvoiced contour NaN', () => {
    const f0 = Float32Array.of(0, 0, 100, 0, 0, 0, 200, 0);
    const log = interpolatedLogF0(f0);
    const a = Math.log(100);
    const b = Math.log(200);
    const expected = [a, a, a, a + (b - a) / 4, a + (b - a) / 2, a + (3 * (b - a)) / 4, b, b];
    expected.forEach((v, i) => expect(log[i]).toBeCloseTo(v, 5));
    expect(Array.from(interpolatedLogF0(new Float32Array(4)))).toEqual([NaN, NaN, NaN, NaN]);
  });

  it('stacks 2K + 1 neighbouring frames per input row, repeating the first and last frame at the edges', () => {
    const frames = tagged(12, 0);
    const stats = voiceStats([{ source: frames, target: tagged(12, 1), path: [[0, 0]] }], 3);
    const size = sourceFrameSize(BANDS);
    const width = inputSize(3, BANDS);
    expect(width).toBe(7 * size);
    const x = sourceInputs(frames, stats);
    expect(x.length).toBe(12 * width);
    for (const i of [0, 1, 2, 5, 10, 11]) {
      for (let slot = 0; slot < 7; slot++) {
        const from = Math.min(11, Math.max(0, i - 3 + slot));
        const expected = rawRow(frames, from);
        for (let d = 0; d < size; d++) {
          const value = x[i * width + slot * size + d]! * stats.inputStd[d]! + stats.inputMean[d]!;
          expect(value).toBeCloseTo(expected[d]!, 3);
        }
      }
    }
    // The centre frame sits where the network's residual option reads it.
    const at = centreOffset(3, BANDS);
    expect(x[5 * width + at]! * stats.inputStd[0]! + stats.inputMean[0]!).toBeCloseTo(5, 4);
  });

  it('normalises training features to zero mean and unit spread, keeps the statistics as plain JSON, and round-trips targets', () => {
    const pairs = [pair(60, 70, 0), pair(80, 50, 3), pair(40, 40, 6), pair(50, 60, 9)];
    const data = buildVoiceDataset(pairs, { validation: [3] });
    const stats = data.stats;
    expect(JSON.parse(JSON.stringify(stats))).toEqual(stats);
    expect(stats).toMatchObject({ version: 1, context: DEFAULT_CONTEXT, bands: BANDS });
    expect(stats.inputMean.length).toBe(sourceFrameSize(BANDS));
    expect(stats.targetMean.length).toBe(targetFrameSize(BANDS));

    // Over every source frame of the training utterances, each normalised feature has mean 0 and std 1.
    const size = sourceFrameSize(BANDS);
    const rows = data.trainUtterances.map((u) => sourceInputs(pairs[u]!.source, stats));
    const at = centreOffset(stats.context, BANDS);
    for (let d = 0; d < size; d++) {
      let sum = 0;
      let sq = 0;
      let n = 0;
      for (const x of rows) {
        for (let r = 0; r < x.length; r += inputSize(stats.context, BANDS)) {
          const v = x[r + at + d]!;
          sum += v;
          sq += v * v;
          n++;
        }
      }
      expect(sum / n).toBeCloseTo(0, 4);
      expect(Math.sqrt(sq / n - (sum / n) ** 2)).toBeCloseTo(1, 3);
    }

    const target = pairs[1]!.target;
    const restored = restoreTargets(targetRows(target, stats), stats);
    expect(restored.mcep.length).toBe(target.mcep.length);
    target.mcep.forEach((m, i) => m.forEach((v, d) => expect(restored.mcep[i]![d]).toBeCloseTo(v, 4)));
    target.bap.forEach((b, i) => b.forEach((v, d) => expect(restored.bap[i]![d]).toBeCloseTo(v, 5)));
    // Aperiodicity comes back clamped to 0..1 however far the rows stray.
    const wild = restoreTargets(Float32Array.from({ length: 2 * targetFrameSize(BANDS) }, (_, k) => (k % 2 ? 50 : -50)), stats);
    for (const b of wild.bap) for (const v of b) expect(v >= 0 && v <= 1).toBe(true);
  });

  it('makes one example per aligned pair: the source window of frame i and the target frame j', () => {
    const pairs = [pair(30, 45, 0), pair(50, 35, 2), pair(20, 20, 4)];
    const data = buildVoiceDataset(pairs, { validation: [1], context: 2 });
    expect(data.train.length).toBe(pairs[0]!.path.length + pairs[2]!.path.length);
    expect(data.validation.length).toBe(pairs[1]!.path.length);
    const width = inputSize(2, BANDS);
    const tWidth = targetFrameSize(BANDS);
    const inputs = sourceInputs(pairs[2]!.source, data.stats);
    const targets = targetRows(pairs[2]!.target, data.stats);
    pairs[2]!.path.forEach(([i, j], k) => {
      const e = data.train[pairs[0]!.path.length + k]!;
      expect(Array.from(e.x!)).toEqual(Array.from(inputs.subarray(i * width, (i + 1) * width)));
      expect(Array.from(e.t!)).toEqual(Array.from(targets.subarray(j * tWidth, (j + 1) * tWidth)));
    });
    // Examples are views into one shared buffer per kind, not copies.
    expect(new Set(data.train.map((e) => e.x!.buffer)).size).toBe(1);
    expect(new Set(data.train.map((e) => e.t!.buffer)).size).toBe(1);
  });

  it('keeps held-out utterances out of training and out of the statistics', () => {
    const pairs = Array.from({ length: 20 }, (_, u) => pair(30 + u, 35, 1000 * u));
    const data = buildVoiceDataset(pairs);
    expect(data.validationUtterances.length).toBe(2);
    expect([...data.trainUtterances, ...data.validationUtterances].sort((a, b) => a - b)).toEqual(pairs.map((_, u) => u));
    const held = new Set(data.validationUtterances);
    // c0 of a frame is 1000·u + i (+ 0.5 on the target), so every example names its utterance.
    const utteranceOf = (t: Float32Array): number => Math.floor((t[0]! * data.stats.targetStd[0]! + data.stats.targetMean[0]! - 0.5) / 1000 + 1e-6);
    const centre = centreOffset(data.stats.context, BANDS);
    const sourceUtterance = (x: Float32Array): number => Math.floor((x[centre]! * data.stats.inputStd[0]! + data.stats.inputMean[0]!) / 1000 + 1e-6);
    for (const e of data.train) {
      expect(held.has(utteranceOf(e.t!))).toBe(false);
      expect(held.has(sourceUtterance(e.x!))).toBe(false);
    }
    for (const e of data.validation) expect(held.has(utteranceOf(e.t!))).toBe(true);
    expect(data.stats).toEqual(voiceStats(data.trainUtterances.map((u) => pairs[u]!)));
    expect(data.stats).not.toEqual(voiceStats(pairs));
  });

  it('turns an unknown log F0 into the mean and clips inputs that the statistics never saw', () => {
    const stats = voiceStats([pair(40, 40, 0)], 0);
    const silent = tagged(3, 1000, () => 0);
    const x = sourceInputs(silent, stats);
    expect(x[MCEP_SIZE]).toBe(0);
    expect(x[0]).toBe(INPUT_CLIP);
  });

  it('refuses paths outside the frames, mismatched bands, non-finite values and a split with nothing held out', () => {
    const good = pair(20, 20, 0);
    expect(() => buildVoiceDataset([good, { ...good, path: [[0, 25]] }], { validation: [0] })).toThrow(/utterance 1 pairs source frame 0 with target frame 25/);
    const narrow: VoiceFrames = { ...good.target, bap: good.target.bap.map((b) => b.subarray(0, 3)) };
    expect(() => buildVoiceDataset([good, { ...good, target: narrow }])).toThrow(/aperiodicity bands/);
    const broken: VoiceFrames = { ...good.source, mcep: good.source.mcep.map((m, i) => (i === 7 ? Float32Array.from(m, () => NaN) : m)) };
    expect(() => buildVoiceDataset([{ ...good, source: broken }, good], { validation: [1] })).toThrow(/frame 7 holds a value that is not a finite number/);
    expect(() => buildVoiceDataset([good])).toThrow(/at least two/);
    expect(() => buildVoiceDataset([good, good], { validation: [0, 1] })).toThrow(/at least one utterance/);
    expect(() => buildVoiceDataset([good, good], { validation: [2] })).toThrow(/no utterance 2/);
  });
});
