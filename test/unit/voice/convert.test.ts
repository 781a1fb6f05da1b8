// The voice converter: saved weights + statistics rebuild the network in an onnxruntime session whose output, batched and
// padded, matches a plain JavaScript evaluation of the same network; F0 goes through the caller's mapping.
import { describe, expect, it } from 'vitest';
import { encodeWeights, initWeights } from '../../../main/core/ml/graph/index.js';
import { VoiceConverter } from '../../../main/core/voice/convert.js';
import { type AlignedUtterance, inputSize, restoreTargets, sourceInputs, targetFrameSize, voiceStats } from '../../../main/core/voice/dataset.js';
import type { VoiceStats } from '../../../main/core/voice/dataset.js';
import { buildVoiceNetwork } from '../../../main/core/voice/network.js';
import type { VoiceNetworkDims } from '../../../main/core/voice/network.js';
import { MCEP_SIZE } from '../../../main/core/voice/spec.js';
import type { VoiceFrames } from '../../../main/core/voice/spec.js';
import { ACTIVATIONS, linearForward, normForward } from '../ml/reference.js';

const BANDS = 5;

function frames(n: number, phase: number): VoiceFrames {
  return {
    f0: Float32Array.from({ length: n }, (_, i) => (Math.sin(0.2 * i + phase) > -0.3 ? 110 + 20 * Math.sin(0.05 * i) : 0)),
    mcep: Array.from({ length: n }, (_, i) => Float32Array.from({ length: MCEP_SIZE }, (_, d) => (d === 0 ? -4 : 0) + Math.sin(0.07 * i * (1 + d / 9) + phase + d) / (1 + d / 8))),
    bap: Array.from({ length: n }, (_, i) => Float32Array.from({ length: BANDS }, (_, b) => 0.5 + 0.45 * Math.sin(0.11 * i + b + phase))),
  };
}

function statsFor(context: number): VoiceStats {
  const pairs: AlignedUtterance[] = [0, 1, 2].map((k) => ({ source: frames(90, k), target: frames(80, k + 5), path: [[0, 0]] }));
  return voiceStats(pairs, context);
}

/** The network evaluated with the reference layers in float64: linear, pre-norm GELU residual blocks, norm + GELU, linear. */
function directRows(x: Float32Array, rows: number, dims: VoiceNetworkDims, w: ReadonlyMap<string, Float32Array>): Float64Array {
  const get = (name: string) => Float64Array.from(w.get(name)!);
  const h0 = dims.hidden;
  const gelu = (v: Float64Array) => v.map(ACTIVATIONS.gelu.f);
  const norm = (v: Float64Array, name: string) => normForward(v, rows, h0, 1e-5, get(`${name}.weight`), get(`${name}.bias`), (_, i) => i).y;
  let h = linearForward(Float64Array.from(x), get('in.weight'), get('in.bias'), rows, inputSize(dims.context, dims.bands), h0);
  for (let b = 0; b < dims.blocks; b++) {
    const branch = linearForward(gelu(norm(h, `block${b}.norm`)), get(`block${b}.fc.weight`), get(`block${b}.fc.bias`), rows, h0, h0);
    h = h.map((v, i) => v + branch[i]!);
  }
  const out = targetFrameSize(dims.bands);
  const y = linearForward(gelu(norm(h, 'out.norm')), get('out.weight'), get('out.bias'), rows, h0, out);
  if (dims.residual) {
    const width = inputSize(dims.context, dims.bands);
    const centre = dims.context * (MCEP_SIZE + 2 + dims.bands);
    for (let r = 0; r < rows; r++) {
      for (let d = 0; d < out; d++) y[r * out + d] = y[r * out + d]! + x[r * width + centre + (d < MCEP_SIZE ? d : d + 2)]!;
    }
  }
  return y;
}

describe('voice converter', () => {
  it.each([
    ['a plain network', false],
    ['a network predicting a correction to the centre frame', true],
  ])('matches a direct evaluation of %s over several padded batches, with aperiodicity clamped to 0..1', async (_name, residual) => {
    const dims: VoiceNetworkDims = { context: 2, bands: BANDS, hidden: 32, blocks: 2, residual };
    const stats = statsFor(2);
    const graph = buildVoiceNetwork(1, dims).graph;
    const weights = initWeights(graph, 7);
    // Larger output weights push some aperiodicity bands past 0..1, so the clamp is exercised.
    const out = weights.get('out.weight')!;
    out.set(out.map((v) => 10 * v));
    const converter = await VoiceConverter.open(encodeWeights(graph, weights), stats, { dims, batchFrames: 16 });
    try {
      const source = frames(37, 0.4);
      const converted = await converter.convert(source);
      const expected = restoreTargets(Float32Array.from(directRows(sourceInputs(source, stats), 37, dims, weights)), stats);
      expect(converted.mcep.length).toBe(37);
      expect(converted.bap.length).toBe(37);
      converted.mcep.forEach((m, i) => m.forEach((v, d) => expect(v).toBeCloseTo(expected.mcep[i]![d]!, 3)));
      converted.bap.forEach((b, i) => b.forEach((v, d) => expect(v).toBeCloseTo(expected.bap[i]![d]!, 4)));
      const bap = converted.bap.flatMap((b) => Array.from(b));
      expect(bap.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(bap.some((v) => v === 0 || v === 1)).toBe(true);
      expect(bap.some((v) => v > 0.05 && v < 0.95)).toBe(true);
      expect(Array.from(converted.f0)).toEqual(Array.from(source.f0));
    } finally {
      await converter.close();
    }
  });

  it('passes F0 through the caller’s mapping, and converts any number of frames on one long-lived session', async () => {
    const dims: VoiceNetworkDims = { context: 4, bands: BANDS, hidden: 16, blocks: 1, residual: false };
    const stats = statsFor(4);
    const graph = buildVoiceNetwork(1, dims).graph;
    const converter = await VoiceConverter.open(encodeWeights(graph, initWeights(graph, 1)), stats, { dims, batchFrames: 8 });
    try {
      const source = frames(20, 1);
      const mapped = await converter.convert(source, (f0) => f0.map((v) => v * 1.5));
      expect(Array.from(mapped.f0)).toEqual(Array.from(source.f0, (v) => Math.fround(v * 1.5)));
      const again = await converter.convert(source);
      expect(again.mcep).toEqual(mapped.mcep);
      expect((await converter.convert(frames(1, 0))).mcep.length).toBe(1);
      expect(await converter.convert({ f0: new Float32Array(0), mcep: [], bap: [] })).toEqual({ f0: new Float32Array(0), mcep: [], bap: [] });
      await expect(converter.convert(source, (f0) => f0.subarray(1))).rejects.toThrow(/returned 19 values for 20 frames/);
    } finally {
      await converter.close();
    }
  });

  it('refuses weights trained for another network, and statistics for another context', async () => {
    const dims: VoiceNetworkDims = { context: 2, bands: BANDS, hidden: 16, blocks: 1, residual: false };
    const other = buildVoiceNetwork(1, { ...dims, hidden: 24 }).graph;
    await expect(VoiceConverter.open(encodeWeights(other, initWeights(other, 1)), statsFor(2), { dims })).rejects.toThrow(/architecture/);
    const graph = buildVoiceNetwork(1, dims).graph;
    await expect(VoiceConverter.open(encodeWeights(graph, initWeights(graph, 1)), statsFor(3), { dims })).rejects.toThrow(/±2 frames of 5 bands, the statistics ±3 of 5/);
  });
});
