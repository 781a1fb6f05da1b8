// The mouth-generator network and recipe: its size and interface, and that a short training run through the real loop
// on synthetic takes (a drawn mouth whose opening the audio carries) beats copying the reference and opens the mouth with the audio.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { blankMouth, buildFaceDataset } from '../../../main/core/face/dataset.js';
import { MouthGenerator } from '../../../main/core/face/generator.js';
import { buildFaceNetwork, DEFAULT_FACE_DIMS, FACE_OUTPUT, faceLoss, faceParamCount, faceRecipe } from '../../../main/core/face/network.js';
import type { FaceNetworkDims } from '../../../main/core/face/network.js';
import { AUDIO_WINDOW, MEL_BANDS, MOUTH_SIZE } from '../../../main/core/face/spec.js';
import type { PreparedFaceTake } from '../../../main/core/face/spec.js';
import { buildInference, Graph, randomStream } from '../../../main/core/ml/graph/index.js';
import { stack } from '../../../main/core/ml/train/batches.js';
import { runTraining } from '../../../main/core/ml/train/loop.js';
import { memoryIo } from '../../support/memory-loop-io.js';

const S = MOUTH_SIZE;
const MOUTH_Y = 58;

/** A crop: shaded skin, a nose above the blanking line, lips around a dark mouth whose half-height grows with `open`. */
function drawCrop(open: number, skin: readonly number[], shift: number, out: Uint8Array, at: number): void {
  const cx = S / 2 + shift;
  const inner = 1 + 12 * open;
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const shade = 0.85 + 0.15 * Math.cos((x - S / 2) / 40) - 0.1 * (y / S);
      let c = skin.map((v) => v * shade);
      if (((x - cx) / 7) ** 2 + ((y - 16) / 5) ** 2 < 1) c = c.map((v) => v * 0.6);
      if (((x - cx) / 18) ** 2 + ((y - MOUTH_Y) / inner) ** 2 < 1) c = [50, 15, 20];
      else if (((x - cx) / 23) ** 2 + ((y - MOUTH_Y) / (inner + 6)) ** 2 < 1) c = [185, 70, 80];
      for (let k = 0; k < 3; k++) out[(at + y * S + x) * 3 + k] = Math.round(c[k]!);
    }
  }
}

/**
 * One synthetic take: the opening follows a few slow sines (syllables), the head shifts by up to ±2 px per frame, and the
 * log-mel window is loud in proportion to the opening around each moment, the same band profile in every take (one
 * speaker), plus noise. Only the audio tells how far the mouth is open: the masked input blanks it.
 */
function syntheticTake(frames: number, seed: string, noFace: readonly number[] = []): PreparedFaceTake {
  const next = randomStream(seed);
  const skin = [210 + 20 * next(), 160 + 20 * next(), 130 + 20 * next()];
  const waves = Array.from({ length: 3 }, () => ({ f: 0.04 + 0.12 * next(), p: 2 * Math.PI * next() }));
  const openAt = (t: number) => Math.min(1, Math.max(0, 0.45 + waves.reduce((s, w) => s + 0.35 * Math.sin(2 * Math.PI * w.f * t + w.p), 0)));
  const openness = Float32Array.from({ length: frames }, (_, i) => openAt(i));
  const mouths = new Uint8Array(frames * S * S * 3);
  for (let i = 0; i < frames; i++) drawCrop(openness[i]!, skin, Math.round(4 * (next() - 0.5)), mouths, i * S * S);
  const audio = new Float32Array(frames * AUDIO_WINDOW * MEL_BANDS);
  for (let i = 0; i < frames; i++) {
    for (let r = 0; r < AUDIO_WINDOW; r++) {
      // Mel frames are 10 ms, video frames 40 ms: row r of frame i's window is (r - 20) / 4 video frames away.
      const level = openAt(i + (r - AUDIO_WINDOW / 2) / 4);
      for (let b = 0; b < MEL_BANDS; b++) audio[(i * AUDIO_WINDOW + r) * MEL_BANDS + b] = -6 + 4 * level * (0.5 + 0.5 * Math.sin(b / 6)) + 0.3 * (next() - 0.5);
    }
  }
  const landmarks = new Float32Array(frames * 136).fill(100);
  for (const i of noFace) {
    landmarks.fill(Number.NaN, i * 136, (i + 1) * 136);
    openness[i] = Number.NaN;
  }
  return { frames, width: 640, height: 480, landmarks, transforms: new Float32Array(frames * 4), mouths, audio, openness };
}

/** Darkness of the mouth's middle: Σ max(0, 110 − red) over the box around it, which grows with the opening. */
function darkness(crop: Uint8Array): number {
  let total = 0;
  for (let y = MOUTH_Y - 16; y <= MOUTH_Y + 16; y++) for (let x = S / 2 - 14; x <= S / 2 + 14; x++) total += Math.max(0, 110 - crop[(y * S + x) * 3]!);
  return total;
}

function correlation(a: readonly number[], b: readonly number[]): number {
  const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [mean(a), mean(b)];
  let [ab, aa, bb] = [0, 0, 0];
  a.forEach((x, i) => {
    ab += (x - ma) * (b[i]! - mb);
    aa += (x - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  });
  return ab / Math.sqrt(aa * bb);
}

describe('face network', () => {
  it('has the parameter count it reports and takes audio, reference and masked crop to a crop', () => {
    const spec = buildFaceNetwork(4);
    const total = spec.graph.params.reduce((s, p) => s + p.tensor.shape.reduce((a, b) => a * b, 1), 0);
    expect(faceParamCount(DEFAULT_FACE_DIMS)).toBe(total);
    expect(total).toBeGreaterThan(200_000);
    expect(total).toBeLessThan(400_000);
    const small: FaceNetworkDims = { channels: [8, 8, 16], outChannels: 8, audio: 16 };
    expect(faceParamCount(small)).toBe(buildFaceNetwork(1, small).graph.params.reduce((s, p) => s + p.tensor.shape.reduce((a, b) => a * b, 1), 0));
    expect(spec.graph.inputs.map((t) => [t.name, t.shape])).toEqual([
      ['audio', [4, 1, AUDIO_WINDOW, MEL_BANDS]],
      ['reference', [4, 3, S, S]],
      ['masked', [4, 3, S, S]],
      ['t', [4, 3, S, S]],
      ['weight', [4, 1, S, S]],
    ]);
    expect(spec.outputs[FACE_OUTPUT]!.shape).toEqual([4, 3, S, S]);
    // Targets and loss weights only shape training: the exported model reads the three crops' worth of inputs alone.
    const inputs = buildInference(spec.graph, { outputs: spec.outputs }).inputNames;
    expect(inputs.filter((name) => !spec.graph.params.some((p) => p.tensor.name === name))).toEqual(['audio', 'reference', 'masked']);
    expect(faceRecipe({ train: [], validation: [] })).toMatchObject({ name: 'face-mouth', batchSize: 16, stepsPerRun: 1 });
  });

  it('trains through the real loop to well below copying the reference, opening the mouth as the held-out audio says', async () => {
    const takes = [syntheticTake(96, 'take0'), syntheticTake(96, 'take1', [5, 6]), syntheticTake(96, 'take2'), syntheticTake(64, 'held-out')];
    const data = buildFaceDataset(takes, { validation: [3] });
    const dims: FaceNetworkDims = { channels: [8, 8, 16], outChannels: 8, audio: 16 };
    const recipe = faceRecipe(data, { dims, batchSize: 8, learningRate: 5e-3, epochs: 5 });
    const run = memoryIo();
    const outcome = await runTraining(recipe, { epochs: recipe.defaultEpochs, seed: 1, threads: 1, checkpointEveryMs: 60_000 }, run.io);
    expect(outcome).toMatchObject({ kind: 'completed', bestValLoss: Math.min(...run.valLosses) });
    const loss = Math.min(...run.valLosses);

    // The same loss of the "copy the reference" answer on the held-out frames, through the network's own loss layer.
    const n = data.validation.length;
    const g = new Graph();
    const image = [n, 3, S, S];
    const baselineLoss = faceLoss(g, g.input('reference', image), g.input('t', image), g.input('weight', [n, 1, S, S]));
    const session = await ort.InferenceSession.create(buildInference(g, { outputs: { loss: baselineLoss } }).bytes);
    const batch = stack(
      data.validation,
      data.validation.map((_, i) => i),
    );
    const feeds = Object.fromEntries(g.inputs.map((t) => [t.name, new ort.Tensor('float32', batch[t.name]!, t.shape)]));
    const copy = ((await session.run(feeds)).loss!.data as Float32Array)[0]!;
    await session.release();
    expect(loss).toBeLessThan(0.75 * copy);

    // The mouth the saved weights draw for held-out frames opens and closes with the true opening; the reference never moves.
    const generator = await MouthGenerator.open(run.best.at(-1)!, data.stats, dims);
    try {
      const take = takes[3]!;
      const reference = take.mouths.subarray(data.references[3]! * S * S * 3, (data.references[3]! + 1) * S * S * 3);
      const drawn: number[] = [];
      const truth: number[] = [];
      for (const { frame } of data.validationFrames) {
        const window = take.audio.subarray(frame * AUDIO_WINDOW * MEL_BANDS, (frame + 1) * AUDIO_WINDOW * MEL_BANDS);
        const current = blankMouth(take.mouths.subarray(frame * S * S * 3, (frame + 1) * S * S * 3));
        drawn.push(darkness(await generator.generate(window, reference, current)));
        truth.push(take.openness[frame]!);
      }
      expect(correlation(drawn, truth)).toBeGreaterThan(0.8);
    } finally {
      await generator.close();
    }
  }, 120_000);
});
