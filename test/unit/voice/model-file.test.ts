// The voice model file and the prepared-take cache: what is written is read back whole, and anything else is refused clearly.
import { describe, expect, it } from 'vitest';
import { Graph, encodeWeights, initWeights } from '../../../main/core/ml/graph/index.js';
import { decodeVoiceModel, encodeVoiceModel } from '../../../main/core/voice/model-file.js';
import { buildVoiceNetwork } from '../../../main/core/voice/network.js';
import { decodePrepared, encodePrepared, logEnergyFrames, type PreparedUtterance } from '../../../main/core/voice/prepare.js';
import type { VoiceModelParts } from '../../../main/core/voice/training.js';

const dims = { context: 1, bands: 3, hidden: 8, blocks: 1, residual: false };
const width = 40 + 2 + 3;
const parts: VoiceModelParts = {
  stats: {
    version: 1,
    context: 1,
    bands: 3,
    inputMean: Array(width).fill(0),
    inputStd: Array(width).fill(1),
    targetMean: Array(43).fill(0),
    targetStd: Array(43).fill(1),
  },
  dims,
  f0: { source: { mean: 4.6, std: 0.1, count: 10 }, target: { mean: 5.2, std: 0.2, count: 12 } },
  wordsPerMinute: 150,
};

describe('voice model file', () => {
  it('keeps the weights and the parts conversion needs', () => {
    const spec = buildVoiceNetwork(4, dims);
    const weights = encodeWeights(spec.graph, initWeights(spec.graph, 1));
    const decoded = decodeVoiceModel(encodeVoiceModel(weights, parts));
    expect(decoded.parts).toEqual(parts);
    expect(Buffer.from(decoded.weights).equals(Buffer.from(weights))).toBe(true);
    // A model with the learned F0 contour keeps it; one from before it (above) decodes without and maps F0 by mean and variance.
    const withContour = { ...parts, f0: { ...parts.f0, contour: { span: 8, step: 4, weights: [0.1, 0.5, 1, 0.2, 1, 0.1, 0] } } };
    expect(decodeVoiceModel(encodeVoiceModel(weights, withContour)).parts).toEqual(withContour);
  });

  it('refuses a file that is not a voice model', () => {
    expect(() => decodeVoiceModel(new TextEncoder().encode('hello'))).toThrow(/not a voice model/);
    const plain = encodeWeights(new Graph(), new Map());
    expect(() => decodeVoiceModel(plain)).toThrow(/not a voice model: its metadata has no voice model parameters/);
  });
});

describe('prepared takes cache', () => {
  it('round-trips frames, alignment and rates, and does not reuse a pair an older analysis made', () => {
    const frames = (n: number, seed: number) => ({
      f0: Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : 100 + seed + i)),
      mcep: Array.from({ length: n }, (_, i) => Float32Array.from({ length: 40 }, (_, k) => seed + i * 0.1 + k)),
      bap: Array.from({ length: n }, (_, i) => Float32Array.from({ length: 3 }, (_, k) => (i + k) / 100)),
    });
    const p: PreparedUtterance = {
      source: frames(7, 1),
      target: frames(9, 2),
      defaultRateFrames: 6,
      targetSpeechFrames: 8,
      wpm: 150,
      alignment: { path: [[0, 0], [1, 2], [6, 8]], cost: 5.5, source: { start: 0, end: 7 }, target: { start: 0, end: 9 } },
    };
    const bytes = encodePrepared(p);
    expect(decodePrepared(bytes)).toEqual(p);
    // A pair cached by the analysis before this one (no version in its header) is not reused: the take is prepared again.
    const head = new DataView(bytes.buffer).getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + head))) as Record<string, unknown>;
    const older = new TextEncoder().encode(JSON.stringify({ ...header, analysis: undefined }).padEnd(head, ' '));
    const stale = Uint8Array.from(bytes);
    stale.set(older, 4);
    expect(decodePrepared(stale)).toBeUndefined();
  });

  it('measures log energy on the c0 scale: 6 dB louder is ln 2 nepers more', () => {
    const tone = (a: number) => Float32Array.from({ length: 2400 }, (_, i) => a * Math.sin(i / 5));
    const quiet = logEnergyFrames(tone(0.1), 24_000);
    const loud = logEnergyFrames(tone(0.2), 24_000);
    expect(quiet).toHaveLength(21);
    expect(loud[10]![0]! - quiet[10]![0]!).toBeCloseTo(Math.LN2, 3);
  });
});
