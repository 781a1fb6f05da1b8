// Training benchmark: train-step throughput of a 1M-parameter MLP and a small U-Net in onnxruntime (1 and 2 threads), against the same MLP in tfjs (wasm).
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as nn from '../main/core/ml/graph/index.js';
import { sessionOptions } from '../main/core/ml/runtime/sessions.js';
import { ort } from '../main/core/ml/runtime/sessions.js';
import { toOrtFeeds } from '../main/core/ml/runtime/tensors.js';
import { type Benchmark, round } from './harness.js';

const MLP = { batch: 256, input: 512, hidden: 1024, output: 512 };
const UNET = { batch: 16, size: 96, channels: 3 };

function mlp(): { g: nn.Graph; loss: nn.Tensor; params: number } {
  const g = new nn.Graph();
  const x = g.input('x', [MLP.batch, MLP.input]);
  const t = g.input('t', [MLP.batch, MLP.output]);
  const h = nn.relu(g, nn.linear(g, x, { name: 'fc1', inFeatures: MLP.input, outFeatures: MLP.hidden }));
  const y = nn.linear(g, h, { name: 'fc2', inFeatures: MLP.hidden, outFeatures: MLP.output });
  const params = MLP.input * MLP.hidden + MLP.hidden + MLP.hidden * MLP.output + MLP.output;
  return { g, loss: nn.l2Loss(g, y, t), params };
}

interface ConvSpec {
  name: string;
  inC: number;
  outC: number;
  stride?: number;
}

/** A small U-Net: two strided encoder stages, nearest upsampling + conv decoders with skip connections. */
function unet(): { g: nn.Graph; loss: nn.Tensor; forwardFlops: number } {
  const g = new nn.Graph();
  const { batch, size, channels } = UNET;
  const x = g.input('image', [batch, channels, size, size]);
  const target = g.input('target', [batch, channels, size, size]);
  let flops = 0;
  const conv = (input: nn.Tensor, spec: ConvSpec) => {
    const out = nn.conv2d(g, input, { name: spec.name, inChannels: spec.inC, outChannels: spec.outC, kernel: 3, stride: spec.stride ?? 1, padding: 1 });
    const [, c, h, w] = out.shape as [number, number, number, number];
    flops += 2 * batch * c * h * w * spec.inC * 9;
    return out;
  };
  const e1 = nn.relu(g, conv(x, { name: 'enc1', inC: channels, outC: 16 }));
  const e2 = nn.relu(g, conv(e1, { name: 'enc2', inC: 16, outC: 32, stride: 2 }));
  const e3 = nn.relu(g, conv(e2, { name: 'enc3', inC: 32, outC: 64, stride: 2 }));
  const d2 = nn.relu(g, conv(nn.upsample2d(g, e3, { name: 'up2', scale: 2 }), { name: 'dec2a', inC: 64, outC: 32 }));
  const m2 = nn.relu(g, conv(nn.concat(g, [d2, e2], { name: 'skip2' }), { name: 'dec2b', inC: 64, outC: 32 }));
  const d1 = nn.relu(g, conv(nn.upsample2d(g, m2, { name: 'up1', scale: 2 }), { name: 'dec1a', inC: 32, outC: 16 }));
  const m1 = nn.relu(g, conv(nn.concat(g, [d1, e1], { name: 'skip1' }), { name: 'dec1b', inC: 32, outC: 16 }));
  const y = conv(m1, { name: 'out', inC: 16, outC: channels });
  return { g, loss: nn.l1Loss(g, y, target), forwardFlops: flops };
}

function random(length: number, key: string): Float32Array {
  const next = nn.randomStream(key);
  return Float32Array.from({ length }, () => 2 * next() - 1);
}

/** Steps per second of one train-step graph at a thread count, after warm-up, over at least `seconds`. */
async function stepsPerSecond(model: { g: nn.Graph; loss: nn.Tensor }, batch: Record<string, Float32Array>, threads: number, seconds: number): Promise<number> {
  const train = nn.buildTrainStep(model.g, { loss: model.loss, optimizer: { weightDecay: 0.01 } });
  const session = await ort().InferenceSession.create(train.bytes, sessionOptions('cpu', threads));
  try {
    let state = nn.initialTrainState(nn.initWeights(model.g, 1));
    const step = async () => {
      const out = await session.run(toOrtFeeds(nn.trainFeeds(train, state, batch, { lr: 1e-3, seed: 1 })));
      state = nn.readTrainOutputs(train, state, out).state;
    };
    for (let i = 0; i < 3; i++) await step();
    let steps = 0;
    const started = performance.now();
    while (performance.now() - started < seconds * 1000 || steps < 5) {
      await step();
      steps++;
    }
    return steps / ((performance.now() - started) / 1000);
  } finally {
    await session.release();
  }
}

async function tfjsMlpStepsPerSecond(threads: number): Promise<number> {
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  wasm.setWasmPaths(`${dir}/dist/`);
  // Threads need cross-origin isolation in browsers; Node runs the single-threaded SIMD build whatever is asked.
  wasm.setThreadsCount(threads);
  await tf.setBackend('wasm');
  await tf.ready();
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [MLP.input], units: MLP.hidden, activation: 'relu' }), tf.layers.dense({ units: MLP.output })],
  });
  const x = tf.tensor2d(random(MLP.batch * MLP.input, 'tfjs/x'), [MLP.batch, MLP.input]);
  const t = tf.tensor2d(random(MLP.batch * MLP.output, 'tfjs/t'), [MLP.batch, MLP.output]);
  const optimizer = tf.train.adam(1e-3);
  const step = () => optimizer.minimize(() => tf.losses.meanSquaredError(t, model.apply(x) as import('@tensorflow/tfjs').Tensor) as import('@tensorflow/tfjs').Scalar);
  step();
  const steps = 4;
  const started = performance.now();
  for (let i = 0; i < steps; i++) step();
  return steps / ((performance.now() - started) / 1000);
}

export const trainingBenchmark: Benchmark = {
  name: 'training',
  description: `train steps (forward, backward, AdamW) on the CPU: MLP ${MLP.input}-${MLP.hidden}-${MLP.output} (1.05M parameters, batch ${MLP.batch}); U-Net on ${UNET.size}x${UNET.size}x3, batch ${UNET.batch}; tfjs-wasm MLP for comparison`,
  units: {
    mlpStepsPerSec: 'steps/s',
    mlpGflops: 'GFLOP/s',
    mlpStepsPerSec1Thread: 'steps/s',
    mlpStepsPerSec2Threads: 'steps/s',
    bestThreads: 'threads',
    convStepsPerSec: 'steps/s',
    convGflops: 'GFLOP/s',
    tfjsMlpStepsPerSec: 'steps/s',
    mlpSpeedupVsTfjs: 'x',
  },
  async run() {
    const model = mlp();
    const batch = { x: random(MLP.batch * MLP.input, 'mlp/x'), t: random(MLP.batch * MLP.output, 'mlp/t') };
    const one = await stepsPerSecond(model, batch, 1, 3);
    const two = await stepsPerSecond(model, batch, 2, 3);
    const bestThreads = two > one ? 2 : 1;
    const mlpSteps = Math.max(one, two);
    const u = unet();
    const image = UNET.batch * UNET.channels * UNET.size * UNET.size;
    const convSteps = await stepsPerSecond(u, { image: random(image, 'unet/x'), target: random(image, 'unet/t') }, bestThreads, 4);
    const tfjs = await tfjsMlpStepsPerSecond(bestThreads);
    return {
      mlpStepsPerSec: round(mlpSteps, 2),
      mlpGflops: round((6 * model.params * MLP.batch * mlpSteps) / 1e9, 1),
      mlpStepsPerSec1Thread: round(one, 2),
      mlpStepsPerSec2Threads: round(two, 2),
      bestThreads,
      convStepsPerSec: round(convSteps, 2),
      convGflops: round((3 * u.forwardFlops * convSteps) / 1e9, 1),
      tfjsMlpStepsPerSec: round(tfjs, 3),
      mlpSpeedupVsTfjs: round(mlpSteps / tfjs, 1),
    };
  },
};
