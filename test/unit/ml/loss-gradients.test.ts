// Gradient checks per loss: L1, L2 and 1 - SSIM in onnxruntime against float64 references and finite differences.
import { describe, it } from 'vitest';
import * as nn from '../../../main/core/ml/graph/index.js';
import type { Graph, Tensor } from '../../../main/core/ml/graph/index.js';
import { expectAgreement, gradCheck, uniform } from './gradcheck.js';
import type { GradCase } from './gradcheck.js';
import * as ref from './reference.js';
import type { F64 } from './reference.js';

function value(v: ReadonlyMap<string, F64>, name: string): F64 {
  const x = v.get(name);
  if (!x) throw new Error(`no value for ${name}`);
  return x;
}

function lossCase(
  shape: readonly number[],
  pred: Float32Array,
  target: Float32Array,
  loss: (g: Graph, p: Tensor, t: Tensor) => Tensor,
  reference: (p: F64, t: F64) => { loss: number; grad: F64 },
): GradCase {
  return {
    inputs: [
      { name: 'pred', shape, values: pred, wrt: true },
      { name: 'target', shape, values: target },
    ],
    build: (g, [p, t]) => {
      if (!p || !t) throw new Error('missing inputs');
      return { loss: loss(g, p, t) };
    },
    ref: (v) => {
      const r = reference(value(v, 'pred'), value(v, 'target'));
      return { loss: r.loss, outputs: {}, grads: { pred: r.grad } };
    },
  };
}

describe('gradients of losses match float64 references', () => {
  const shape = [2, 3, 4];
  const target = uniform('loss/target', 24);
  // Keep |pred - target| >= 0.05 so finite differences never straddle the kink of |x|.
  const offset = uniform('loss/offset', 24, -1, 1, 0.05);
  const pred = target.map((t, i) => t + (offset[i] ?? 0));

  it('L1 (mean absolute error)', async () => {
    expectAgreement(await gradCheck(lossCase(shape, pred, target, (g, p, t) => nn.l1Loss(g, p, t), ref.l1)));
  });

  it('L2 (mean squared error)', async () => {
    expectAgreement(await gradCheck(lossCase(shape, pred, target, (g, p, t) => nn.l2Loss(g, p, t), ref.l2)));
  });

  // Images in [0, 1]: a smooth pattern for the target, the prediction a noisy version of it.
  const dims = { n: 2, c: 2, h: 12, w: 11 };
  const imageShape = [dims.n, dims.c, dims.h, dims.w];
  const count = imageShape.reduce((a, b) => a * b, 1);
  const noise = uniform('ssim/noise', count, -0.2, 0.2);
  const clean = Float32Array.from({ length: count }, (_, i) => 0.5 + 0.4 * Math.sin(i * 0.37) * Math.cos(i * 0.11));
  const noisy = clean.map((v, i) => Math.min(1, Math.max(0, v + (noise[i] ?? 0))));

  it('1 - SSIM, gaussian window 7, sigma 1.5', async () => {
    const window = ref.gaussianWindow(7, 1.5);
    const c = lossCase(imageShape, noisy, clean, (g, p, t) => nn.ssimLoss(g, p, t), (p, t) => ref.ssim(p, t, dims, window, 7, 1));
    expectAgreement(await gradCheck(c));
  });

  it('1 - SSIM, box window 5', async () => {
    const window = new Float64Array(25).fill(1 / 25);
    const c = lossCase(imageShape, noisy, clean, (g, p, t) => nn.ssimLoss(g, p, t, { window: 'box', size: 5 }), (p, t) => ref.ssim(p, t, dims, window, 5, 1));
    expectAgreement(await gradCheck(c));
  });
});
