// Convergence: an MLP regression and a convolutional denoiser reach a target loss within a bounded number of steps.
import { describe, expect, it } from 'vitest';
import * as nn from '../../../main/core/ml/graph/index.js';
import type { Graph, Tensor } from '../../../main/core/ml/graph/index.js';
import { toyRegression } from '../../../main/core/ml/train/toy-recipes.js';
import { runOnce } from './gradcheck.js';
import { openTrainer } from './trainer.js';

/** Repeats one batch for each of the K unrolled steps. */
function repeat(data: Float32Array, times: number): Float32Array {
  const out = new Float32Array(data.length * times);
  for (let k = 0; k < times; k++) out.set(data, k * data.length);
  return out;
}

function mse(a: Float32Array, b: Float32Array): number {
  return a.reduce((s, v, i) => s + (v - (b[i] ?? 0)) ** 2, 0) / a.length;
}

describe('training converges', () => {
  it('an MLP fits a smooth 3-D function to 1e-3 MSE within 200 steps', async () => {
    const n = 256;
    const steps = 10;
    // The built-in toy recipe's model: the test proves the recipe the app offers can converge.
    const { graph: g, loss } = toyRegression.build(n);
    const graph = nn.buildTrainStep(g, { loss, steps, optimizer: { weightDecay: 0 } });

    const next = nn.randomStream('mlp/data');
    const xs = Float32Array.from({ length: n * 3 }, () => 2 * next() - 1);
    const ts = Float32Array.from({ length: n }, (_, i) => Math.sin(2 * (xs[3 * i] ?? 0)) * (xs[3 * i + 1] ?? 0) + 0.5 * (xs[3 * i + 2] ?? 0) ** 2);
    const mean = ts.reduce((a, b) => a + b, 0) / n;
    const variance = ts.reduce((a, b) => a + (b - mean) ** 2, 0) / n;

    const trainer = await openTrainer(graph);
    let state = nn.initialTrainState(nn.initWeights(g, 1));
    const losses: number[] = [];
    for (let run = 0; run < 20; run++) {
      const r = await trainer.run(state, { x: repeat(xs, steps), t: repeat(ts, steps) }, 0.01);
      state = r.state;
      losses.push(...r.losses);
    }
    await trainer.release();
    expect(state.step).toBe(200);
    expect(variance).toBeGreaterThan(0.1);
    expect(losses[0]).toBeGreaterThan(0.1);
    expect(losses.at(-1)).toBeLessThan(1e-3);
  });

  it('a conv autoencoder learns to denoise 16x16 images (L2 + SSIM) within 300 steps', async () => {
    const size = 16;
    const denoiser = (g: Graph, image: Tensor): Tensor => {
      let h = nn.relu(g, nn.conv2d(g, image, { name: 'enc1', inChannels: 1, outChannels: 8, kernel: 3, stride: 2, padding: 1 }));
      h = nn.conv2d(g, h, { name: 'enc2', inChannels: 8, outChannels: 16, kernel: 3, stride: 2, padding: 1 });
      h = nn.leakyRelu(g, nn.groupNorm(g, h, { name: 'norm', groups: 4, channels: 16 }), { alpha: 0.1 });
      h = nn.relu(g, nn.convTranspose2d(g, h, { name: 'dec1', inChannels: 16, outChannels: 8, kernel: 3, stride: 2, padding: 1, outputPadding: 1 }));
      h = nn.upsample2d(g, h, { scale: 2 });
      return nn.sigmoid(g, nn.conv2d(g, h, { name: 'dec2', inChannels: 8, outChannels: 1, kernel: 3, padding: 1 }));
    };
    const next = nn.randomStream('denoise/data');
    const blobs = (): Float32Array => {
      const img = new Float32Array(size * size);
      for (let b = 0; b < 2; b++) {
        const [cx, cy, r, a] = [3 + 10 * next(), 3 + 10 * next(), 1.5 + 2.5 * next(), 0.3 + 0.6 * next()];
        for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) img[i * size + j] = Math.min(1, (img[i * size + j] ?? 0) + a * Math.exp(-((i - cy) ** 2 + (j - cx) ** 2) / (2 * r * r)));
      }
      return img;
    };
    const noisy = (img: Float32Array): Float32Array => img.map((v) => Math.min(1, Math.max(0, v + 0.3 * (next() - 0.5))));
    const stack = (images: Float32Array[]): Float32Array => {
      const out = new Float32Array(images.length * size * size);
      images.forEach((img, i) => out.set(img, i * size * size));
      return out;
    };

    const batch = 16;
    const steps = 5;
    const g = new nn.Graph();
    const input = g.input('noisy', [batch, 1, size, size]);
    const clean = g.input('clean', [batch, 1, size, size]);
    const out = denoiser(g, input);
    const loss = nn.combineLosses(g, [
      { loss: nn.l2Loss(g, out, clean), weight: 1 },
      { loss: nn.ssimLoss(g, out, clean, { size: 5 }), weight: 0.1 },
    ]);
    const graph = nn.buildTrainStep(g, { loss, steps, optimizer: { weightDecay: 0 } });

    const train = Array.from({ length: 64 }, blobs);
    const trainer = await openTrainer(graph);
    let state = nn.initialTrainState(nn.initWeights(g, 1));
    for (let run = 0; run < 60; run++) {
      const cleanImages = Array.from({ length: steps * batch }, (_, k) => train[(run * steps * batch + k) % train.length] ?? new Float32Array(size * size));
      const r = await trainer.run(state, { noisy: stack(cleanImages.map(noisy)), clean: stack(cleanImages) }, 0.01);
      state = r.state;
    }
    await trainer.release();

    // Held out, at another batch size: the weights carry over because the architecture hash ignores the batch.
    const e = new nn.Graph();
    const evalOut = denoiser(e, e.input('noisy', [32, 1, size, size]));
    expect(nn.architectureHash(e)).toBe(nn.architectureHash(g));
    const weights = nn.decodeWeights(e, nn.encodeWeights(g, state.weights));
    const testClean = stack(Array.from({ length: 32 }, blobs));
    const testNoisy = testClean.map((v) => Math.min(1, Math.max(0, v + 0.3 * (next() - 0.5))));
    const inference = nn.buildInference(e, { outputs: { clean: evalOut }, weights });
    expect(inference.inputNames).toEqual(['noisy']);
    const denoised = (await runOnce(inference.bytes, { noisy: { dims: [32, 1, size, size], data: testNoisy } })).clean ?? new Float32Array();
    expect(state.step).toBe(300);
    expect(mse(denoised, testClean)).toBeLessThan(0.4 * mse(testNoisy, testClean));
  });
});
