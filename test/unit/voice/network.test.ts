// The voice-conversion network and recipe: its size, and that a short training run through the real loop learns a non-linear,
// context-dependent frame mapping far better than the best affine map does.
import { describe, expect, it } from 'vitest';
import { randomStream } from '../../../main/core/ml/graph/index.js';
import { runTraining } from '../../../main/core/ml/train/loop.js';
import { memoryIo } from '../../support/memory-loop-io.js';
import type { Example } from '../../../main/core/ml/train/recipe.js';
import { VoiceConverter } from '../../../main/core/voice/convert.js';
import { type AlignedUtterance, buildVoiceDataset, DEFAULT_CONTEXT, targetRows } from '../../../main/core/voice/dataset.js';
import { buildVoiceNetwork, DEFAULT_VOICE_LOSS, DEFAULT_VOICE_SHAPE, voiceNetworkDims, voiceParamCount, voiceRecipe } from '../../../main/core/voice/network.js';
import type { VoiceNetworkDims } from '../../../main/core/voice/network.js';
import { MCEP_SIZE } from '../../../main/core/voice/spec.js';
import type { VoiceFrames } from '../../../main/core/voice/spec.js';

const BANDS = 5;

const LATENTS = 4;

/** Fixed random matrices of the synthetic "speakers": how latent articulation shows in each one's features. */
function speakers(next: () => number) {
  const matrix = (rows: number, cols: number) => Array.from({ length: rows }, () => Array.from({ length: cols }, () => 2 * next() - 1));
  return { source: matrix(MCEP_SIZE, LATENTS), sine: matrix(MCEP_SIZE, LATENTS), product: matrix(1, MCEP_SIZE)[0]!, slope: matrix(1, MCEP_SIZE)[0]! };
}
type Speakers = ReturnType<typeof speakers>;

/** Smooth latent trajectories (slow sinusoids), seen by the source linearly, as analysed speech lies near a low-dimensional manifold. */
function utterance(next: () => number, n: number, m: number, s: Speakers): AlignedUtterance {
  const waves = Array.from({ length: LATENTS }, () => Array.from({ length: 3 }, () => ({ f: 0.004 + 0.03 * next(), p: 2 * Math.PI * next(), a: 0.4 + 0.4 * next() })));
  const z = (k: number, i: number) => waves[k]!.reduce((sum, w) => sum + w.a * Math.sin(2 * Math.PI * w.f * Math.min(n - 1, Math.max(0, i)) + w.p), 0);
  const voicedAt = (i: number) => z(3, i) > -0.5;
  const source: VoiceFrames = {
    f0: Float32Array.from({ length: n }, (_, i) => (voicedAt(i) ? 120 * Math.exp(0.2 * z(3, i)) : 0)),
    mcep: Array.from({ length: n }, (_, i) => Float32Array.from({ length: MCEP_SIZE }, (_, d) => s.source[d]!.reduce((sum, a, k) => sum + a * z(k, i), d === 0 ? -4 : 0) + 0.02 * (next() - 0.5))),
    bap: Array.from({ length: n }, (_, i) => Float32Array.from({ length: BANDS }, (_, b) => (voicedAt(i) ? 1 / (1 + Math.exp(-(z(b % LATENTS, i) - b / 2))) : 1))),
  };
  // The creator's frame j reads source frame i (a uniform time warp): a non-linear function of the latents, with a product
  // term and a slope across ±2 frames that only the context window shows.
  const path: Array<[number, number]> = Array.from({ length: m }, (_, j) => [Math.floor((j * n) / m), j]);
  const target: VoiceFrames = {
    f0: Float32Array.from(path, ([i]) => source.f0[i]!),
    mcep: path.map(([i]) =>
      Float32Array.from({ length: MCEP_SIZE }, (_, d) => s.sine[d]!.reduce((sum, a, k) => sum + a * Math.sin(2.5 * z(k, i)), 0) + s.product[d]! * z(0, i) * z(1, i) + 2 * s.slope[d]! * (z(2, i + 2) - z(2, i - 2))),
    ),
    bap: path.map(([i]) => Float32Array.from({ length: BANDS }, (_, b) => (voicedAt(i) ? 1 / (1 + Math.exp(-3 * z(b % LATENTS, i) * z((b + 1) % LATENTS, i))) : 1))),
  };
  return { source, target, path };
}

function corpus(count: number, seed: string): AlignedUtterance[] {
  const next = randomStream(seed);
  const s = speakers(next);
  return Array.from({ length: count }, () => {
    const n = 250 + Math.floor(150 * next());
    return utterance(next, n, Math.round(n * (0.8 + 0.4 * next())), s);
  });
}

/** Least-squares affine map x → t over the training examples (ridge 1e-3), by Cholesky of the normal equations. */
function affineFit(train: readonly Example[]): (x: Float32Array) => Float64Array {
  const p = train[0]!.x!.length + 1;
  const q = train[0]!.t!.length;
  const a = new Float64Array(p * p);
  const b = new Float64Array(p * q);
  const row = new Float64Array(p);
  for (const e of train) {
    row.set(e.x!);
    row[p - 1] = 1;
    for (let r = 0; r < p; r++) {
      const v = row[r]!;
      if (v === 0) continue;
      for (let c = 0; c <= r; c++) a[r * p + c] = a[r * p + c]! + v * row[c]!;
      for (let c = 0; c < q; c++) b[r * q + c] = b[r * q + c]! + v * e.t![c]!;
    }
  }
  for (let r = 0; r < p; r++) {
    a[r * p + r] = a[r * p + r]! + 1e-3 * train.length;
    for (let c = r + 1; c < p; c++) a[r * p + c] = a[c * p + r]!;
  }
  // Cholesky a = L Lᵀ in place (lower triangle), then two triangular solves per output column.
  for (let j = 0; j < p; j++) {
    let d = a[j * p + j]!;
    for (let k = 0; k < j; k++) d -= a[j * p + k]! ** 2;
    const l = Math.sqrt(d);
    a[j * p + j] = l;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j]!;
      for (let k = 0; k < j; k++) s -= a[i * p + k]! * a[j * p + k]!;
      a[i * p + j] = s / l;
    }
  }
  const w = new Float64Array(p * q);
  const z = new Float64Array(p);
  for (let c = 0; c < q; c++) {
    for (let i = 0; i < p; i++) {
      let s = b[i * q + c]!;
      for (let k = 0; k < i; k++) s -= a[i * p + k]! * z[k]!;
      z[i] = s / a[i * p + i]!;
    }
    for (let i = p - 1; i >= 0; i--) {
      let s = z[i]!;
      for (let k = i + 1; k < p; k++) s -= a[k * p + i]! * w[k * q + c]!;
      w[i * q + c] = s / a[i * p + i]!;
    }
  }
  return (x) => {
    const y = new Float64Array(q);
    for (let c = 0; c < q; c++) {
      let s = w[(p - 1) * q + c]!;
      for (let i = 0; i < p - 1; i++) s += x[i]! * w[i * q + c]!;
      y[c] = s;
    }
    return y;
  };
}

/** The network's validation loss (weighted L1 on normalised targets) of any predictor. */
function weightedL1(examples: readonly Example[], predict: (x: Float32Array) => ArrayLike<number>): number {
  let total = 0;
  for (const e of examples) {
    const y = predict(e.x!);
    for (let d = 0; d < e.t!.length; d++) total += (d < MCEP_SIZE ? 1 : DEFAULT_VOICE_LOSS.bapWeight) * Math.abs(y[d]! - e.t![d]!);
  }
  return total / (examples.length * examples[0]!.t!.length);
}

describe('voice network', () => {
  it('has the parameter count it reports, at most ~1.5 million at the default size, and a prediction per target feature', () => {
    const dims: VoiceNetworkDims = { ...DEFAULT_VOICE_SHAPE, context: DEFAULT_CONTEXT, bands: BANDS };
    const spec = buildVoiceNetwork(8, dims);
    const total = spec.graph.params.reduce((s, p) => s + p.tensor.shape.reduce((a, b) => a * b, 1), 0);
    expect(voiceParamCount(dims)).toBe(total);
    expect(total).toBeGreaterThan(500_000);
    expect(total).toBeLessThanOrEqual(1_500_000);
    expect(spec.outputs.y!.shape).toEqual([8, MCEP_SIZE + BANDS]);
    expect(spec.graph.inputs.map((t) => [t.name, t.shape])).toEqual([
      ['x', [8, (2 * DEFAULT_CONTEXT + 1) * (MCEP_SIZE + 2 + BANDS)]],
      ['t', [8, MCEP_SIZE + BANDS]],
    ]);
    const residual = buildVoiceNetwork(8, { ...dims, residual: true });
    expect(residual.graph.params.length).toBe(spec.graph.params.length);
  });

  it('trains through the real loop to well below the best affine map on a non-linear mapping, using the context', async () => {
    const pairs = corpus(36, 'voice-network');
    const train = async (context: number) => {
      const data = buildVoiceDataset(pairs, { context });
      const dims = voiceNetworkDims(data.stats, { hidden: 128, blocks: 2 });
      const recipe = voiceRecipe(data, { dims, batchSize: 128, stepsPerRun: 2, learningRate: 3e-3, epochs: 6 });
      const run = memoryIo();
      const outcome = await runTraining(recipe, { epochs: recipe.defaultEpochs, seed: 1, threads: 1, checkpointEveryMs: 60_000 }, run.io);
      expect(outcome).toMatchObject({ kind: 'completed', bestValLoss: Math.min(...run.valLosses) });
      expect(run.best.length).toBeGreaterThan(0);
      return { data, dims, loss: Math.min(...run.valLosses), best: run.best.at(-1)! };
    };
    const { data, dims, loss, best } = await train(2);
    const affine = weightedL1(data.validation, affineFit(data.train));
    const mean = weightedL1(data.validation, () => new Float64Array(MCEP_SIZE + BANDS));
    expect(affine).toBeLessThan(0.8 * mean);
    expect(loss).toBeLessThan(0.3 * affine);
    // The best weights the loop saved, opened by the converter, reproduce the held-out loss on whole utterances.
    const converter = await VoiceConverter.open(best, data.stats, { dims });
    try {
      let total = 0;
      let count = 0;
      for (const u of data.validationUtterances) {
        const { source, target, path } = pairs[u]!;
        const converted = targetRows({ ...(await converter.convert(source)), f0: source.f0 }, data.stats);
        const wanted = targetRows(target, data.stats);
        const width = MCEP_SIZE + BANDS;
        for (const [i, j] of path) {
          for (let d = 0; d < width; d++) total += (d < MCEP_SIZE ? 1 : DEFAULT_VOICE_LOSS.bapWeight) * Math.abs(converted[i * width + d]! - wanted[j * width + d]!);
          count += width;
        }
      }
      expect(total / count).toBeGreaterThan(0.9 * loss);
      expect(total / count).toBeLessThan(1.1 * loss);
    } finally {
      await converter.close();
    }
    // The slope term is invisible from one frame: without context the same network does clearly worse.
    const { loss: blind } = await train(0);
    expect(blind).toBeGreaterThan(1.5 * loss);
  });
});
