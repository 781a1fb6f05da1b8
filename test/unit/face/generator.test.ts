// The mouth generator: saved weights + audio statistics rebuild the network in a one-frame session whose crops match a
// direct run of the same network; it blanks the current crop itself, answers to the audio, and refuses mismatched files.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { blankMouth, CROP_SIZE, cropToPlanar, type FaceStats, normaliseAudio, planarToCrop, WINDOW_SIZE } from '../../../main/core/face/dataset.js';
import { MouthGenerator } from '../../../main/core/face/generator.js';
import { buildFaceNetwork, FACE_OUTPUT } from '../../../main/core/face/network.js';
import type { FaceNetworkDims } from '../../../main/core/face/network.js';
import { AUDIO_WINDOW, MEL_BANDS, MOUTH_SIZE } from '../../../main/core/face/spec.js';
import { buildInference, encodeWeights, initWeights, randomStream } from '../../../main/core/ml/graph/index.js';

const DIMS: FaceNetworkDims = { channels: [8, 8, 16], outChannels: 4, audio: 8 };

const STATS: FaceStats = {
  version: 1,
  bands: MEL_BANDS,
  window: AUDIO_WINDOW,
  mean: Array.from({ length: MEL_BANDS }, (_, b) => -4 + b / 10),
  std: Array.from({ length: MEL_BANDS }, (_, b) => 1 + b / 40),
};

function crop(seed: string): Uint8Array {
  const next = randomStream(seed);
  // Smooth shapes plus noise, so the network sees something like an image rather than pure noise.
  return Uint8Array.from({ length: CROP_SIZE }, (_, i) => {
    const p = Math.floor(i / 3);
    const [y, x] = [Math.floor(p / MOUTH_SIZE), p % MOUTH_SIZE];
    return Math.round(128 + 80 * Math.sin(x / 9 + (i % 3)) * Math.cos(y / 13) + 30 * (next() - 0.5));
  });
}

function audioWindow(seed: string, level: number): Float32Array {
  const next = randomStream(seed);
  return Float32Array.from({ length: WINDOW_SIZE }, (_, k) => level - 4 + (k % MEL_BANDS) / 10 + next());
}

/** The same network as a plain inference graph with the weights as inputs, run directly, read out as the generator does. */
async function direct(weights: ReadonlyMap<string, Float32Array>, audio: Float32Array, reference: Uint8Array, current: Uint8Array): Promise<Uint8Array> {
  const spec = buildFaceNetwork(1, DIMS);
  const model = buildInference(spec.graph, { outputs: spec.outputs });
  const session = await ort.InferenceSession.create(model.bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'disabled' });
  try {
    const image = [1, 3, MOUTH_SIZE, MOUTH_SIZE];
    const feeds: Record<string, ort.Tensor> = {
      audio: new ort.Tensor('float32', normaliseAudio(audio, STATS), [1, 1, AUDIO_WINDOW, MEL_BANDS]),
      reference: new ort.Tensor('float32', cropToPlanar(reference), image),
      masked: new ort.Tensor('float32', cropToPlanar(blankMouth(current)), image),
    };
    for (const p of spec.graph.params) feeds[p.tensor.name] = new ort.Tensor('float32', weights.get(p.tensor.name)!, p.tensor.shape);
    const out = await session.run(feeds);
    return planarToCrop(out[FACE_OUTPUT]!.data as Float32Array);
  } finally {
    await session.release();
  }
}

function maxDifference(a: Uint8Array, b: Uint8Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('mouth generator', () => {
  it('draws the crop a direct run of the network draws, blanking the current crop itself, and follows the audio', async () => {
    const graph = buildFaceNetwork(1, DIMS).graph;
    const weights = initWeights(graph, 5);
    const generator = await MouthGenerator.open(encodeWeights(graph, weights), STATS, DIMS);
    try {
      const reference = crop('reference');
      for (const k of [0, 1, 2]) {
        const audio = audioWindow(`audio${k}`, k);
        const current = crop(`current${k}`);
        const drawn = await generator.generate(audio, reference, current);
        expect(drawn).toBeInstanceOf(Uint8Array);
        expect(drawn).toHaveLength(MOUTH_SIZE * MOUTH_SIZE * 3);
        // Float rounding may differ between the optimised and the plain session by a hair, so a byte by at most one.
        expect(maxDifference(drawn, await direct(weights, audio, reference, current))).toBeLessThanOrEqual(1);
        expect(Buffer.from(await generator.generate(audio, reference, blankMouth(current))).equals(Buffer.from(drawn))).toBe(true);
      }
      const current = crop('current0');
      const quiet = await generator.generate(audioWindow('audio0', -3), reference, current);
      const loud = await generator.generate(audioWindow('audio0', 3), reference, current);
      expect(maxDifference(quiet, loud)).toBeGreaterThan(0);
    } finally {
      await generator.close();
    }
  });

  it('refuses weights of another architecture, statistics of another window and inputs of the wrong size', async () => {
    const graph = buildFaceNetwork(1, DIMS).graph;
    const bytes = encodeWeights(graph, initWeights(graph, 1));
    await expect(MouthGenerator.open(bytes, STATS, { ...DIMS, audio: 16 })).rejects.toThrow(/architecture/);
    await expect(MouthGenerator.open(bytes, { ...STATS, window: 20 }, DIMS)).rejects.toThrow(/20 × 40 audio windows/);
    const generator = await MouthGenerator.open(bytes, STATS, DIMS, { threads: 1 });
    try {
      await expect(generator.generate(new Float32Array(10), crop('a'), crop('b'))).rejects.toThrow(/10 values/);
      await expect(generator.generate(audioWindow('a', 0), crop('a').subarray(3), crop('b'))).rejects.toThrow(/face crop/);
    } finally {
      await generator.close();
    }
  });
});
