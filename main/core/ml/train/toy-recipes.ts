// Two small built-in recipes with synthetic data: a smooth regression and image denoising; they prove the engine end to end; main process and workers.
import * as nn from '../graph/index.js';
import type { Dataset, Example, RecipeDefinition } from './recipe.js';

function split(examples: Example[], validation: number): Dataset {
  return { train: examples.slice(validation), validation: examples.slice(0, validation) };
}

export const toyRegression: RecipeDefinition = {
  name: 'toy-regression',
  title: 'Toy regression',
  description: 'An MLP learns a smooth function of three variables from 2,304 samples; finishes in seconds.',
  defaultEpochs: 8,
  batchSize: 64,
  stepsPerRun: 4,
  learningRate: 0.01,
  optimizer: { weightDecay: 1e-4 },
  patience: 3,
  build(batchSize) {
    const g = new nn.Graph();
    const x = g.input('x', [batchSize, 3]);
    const t = g.input('t', [batchSize, 1]);
    let h = nn.gelu(g, nn.linear(g, x, { name: 'fc1', inFeatures: 3, outFeatures: 64 }), { approximate: 'tanh' });
    h = nn.tanh(g, nn.linear(g, h, { name: 'fc2', inFeatures: 64, outFeatures: 64 }));
    const y = nn.linear(g, h, { name: 'out', inFeatures: 64, outFeatures: 1 });
    return { graph: g, loss: nn.l2Loss(g, y, t), outputs: { y } };
  },
  data(seed) {
    const next = nn.randomStream(`toy-regression/${seed}`);
    const examples = Array.from({ length: 2304 }, (): Example => {
      const x = Float32Array.from({ length: 3 }, () => 2 * next() - 1);
      const t = Math.sin(2 * x[0]!) * x[1]! + 0.5 * x[2]! ** 2;
      return { x, t: Float32Array.of(t) };
    });
    return split(examples, 256);
  },
};

const SIZE = 16;

function softBlobs(next: () => number): Float32Array {
  const img = new Float32Array(SIZE * SIZE);
  for (let b = 0; b < 2; b++) {
    const [cx, cy, r, a] = [3 + 10 * next(), 3 + 10 * next(), 1.5 + 2.5 * next(), 0.3 + 0.6 * next()];
    for (let i = 0; i < SIZE; i++) {
      for (let j = 0; j < SIZE; j++) img[i * SIZE + j] = Math.min(1, img[i * SIZE + j]! + a * Math.exp(-((i - cy) ** 2 + (j - cx) ** 2) / (2 * r * r)));
    }
  }
  return img;
}

export const toyDenoise: RecipeDefinition = {
  name: 'toy-denoise',
  title: 'Toy denoiser',
  description: 'A small convolutional encoder-decoder learns to clean noisy 16x16 images (L2 + SSIM loss).',
  defaultEpochs: 6,
  batchSize: 16,
  stepsPerRun: 2,
  learningRate: 0.01,
  patience: 3,
  build(batchSize) {
    const g = new nn.Graph();
    const noisy = g.input('noisy', [batchSize, 1, SIZE, SIZE]);
    const clean = g.input('clean', [batchSize, 1, SIZE, SIZE]);
    let h = nn.relu(g, nn.conv2d(g, noisy, { name: 'enc1', inChannels: 1, outChannels: 8, kernel: 3, stride: 2, padding: 1 }));
    h = nn.conv2d(g, h, { name: 'enc2', inChannels: 8, outChannels: 16, kernel: 3, stride: 2, padding: 1 });
    h = nn.leakyRelu(g, nn.groupNorm(g, h, { name: 'norm', groups: 4, channels: 16 }), { alpha: 0.1 });
    h = nn.relu(g, nn.convTranspose2d(g, h, { name: 'dec1', inChannels: 16, outChannels: 8, kernel: 3, stride: 2, padding: 1, outputPadding: 1 }));
    h = nn.upsample2d(g, h, { scale: 2 });
    const y = nn.sigmoid(g, nn.conv2d(g, h, { name: 'dec2', inChannels: 8, outChannels: 1, kernel: 3, padding: 1 }));
    const loss = nn.combineLosses(g, [
      { loss: nn.l2Loss(g, y, clean), weight: 1 },
      { loss: nn.ssimLoss(g, y, clean), weight: 0.1 },
    ]);
    return { graph: g, loss, outputs: { clean: y } };
  },
  data(seed) {
    const next = nn.randomStream(`toy-denoise/${seed}`);
    const examples = Array.from({ length: 576 }, (): Example => {
      const clean = softBlobs(next);
      const noisy = clean.map((v) => Math.min(1, Math.max(0, v + 0.3 * (next() - 0.5))));
      return { noisy, clean };
    });
    return split(examples, 64);
  },
};
