// Differentiable losses (L1, L2, 1 - SSIM) as loss layers returning a scalar; main process and workers.
import { formatShape } from './builder.js';
import type { Graph, Tensor } from './builder.js';
import type { LayerOptions } from './layers.js';
import * as op from './ops.js';
import { sameShape } from './shapes.js';

function meanAll(g: Graph, x: Tensor): Tensor {
  return op.reduceMean(g, x, x.shape.map((_, i) => i), false);
}

function lossLayer(g: Graph, kind: string, name: string | undefined, config: Record<string, number | string>, pred: Tensor, target: Tensor, body: () => Tensor): Tensor {
  return g.layer(
    kind,
    name,
    config,
    [pred, target],
    () => {
      if (!sameShape(pred.shape, target.shape)) g.fail(`prediction ${formatShape(pred.shape)} and target ${formatShape(target.shape)} differ`);
      return body();
    },
    'loss',
  );
}

/** Mean absolute error. */
export function l1Loss(g: Graph, pred: Tensor, target: Tensor, o?: LayerOptions): Tensor {
  return lossLayer(g, 'L1Loss', o?.name, {}, pred, target, () => meanAll(g, op.abs(g, op.sub(g, pred, target))));
}

/** Mean squared error. */
export function l2Loss(g: Graph, pred: Tensor, target: Tensor, o?: LayerOptions): Tensor {
  return lossLayer(g, 'L2Loss', o?.name, {}, pred, target, () => {
    const d = op.sub(g, pred, target);
    return meanAll(g, op.mul(g, d, d));
  });
}

export interface SsimOptions extends LayerOptions {
  readonly window?: 'gaussian' | 'box';
  /** Window side in pixels (odd); 7 by default. */
  readonly size?: number;
  /** Gaussian standard deviation in pixels; 1.5 by default. */
  readonly sigma?: number;
  /** Value range of the images, for the stabilising constants (0.01 L)^2 and (0.03 L)^2; 1 by default. */
  readonly dataRange?: number;
}

function windowWeights(kind: 'gaussian' | 'box', size: number, sigma: number): number[] {
  const half = (size - 1) / 2;
  const line = Array.from({ length: size }, (_, i) => (kind === 'box' ? 1 : Math.exp(-((i - half) ** 2) / (2 * sigma * sigma))));
  const total = line.reduce((a, b) => a + b, 0);
  const normalized = line.map((v) => v / total);
  return normalized.flatMap((a) => normalized.map((b) => a * b));
}

/**
 * 1 - mean SSIM over [N, C, H, W] images, with local statistics from one depthwise convolution
 * ('valid' window positions only, as scikit-image and pytorch-msssim do).
 */
export function ssimLoss(g: Graph, pred: Tensor, target: Tensor, o?: SsimOptions): Tensor {
  const window = o?.window ?? 'gaussian';
  const size = o?.size ?? 7;
  const sigma = o?.sigma ?? 1.5;
  const range = o?.dataRange ?? 1;
  return lossLayer(g, 'SSIMLoss', o?.name, { window, size, sigma, dataRange: range }, pred, target, () => {
    if (pred.shape.length !== 4) g.fail(`images ${formatShape(pred.shape)} should be [N, C, H, W]`);
    const [, c, h, w] = pred.shape as [number, number, number, number];
    if (!Number.isInteger(size) || size < 1 || size % 2 === 0 || size > Math.min(h, w)) g.fail(`window size ${size} must be odd and fit in ${h}x${w}`);
    // The five local moments (E x, E y, E x², E y², E xy) as one depthwise conv over 5C channels.
    const moments = op.concat(g, [pred, target, op.mul(g, pred, pred), op.mul(g, target, target), op.mul(g, pred, target)], 1);
    const kernel = windowWeights(window, size, sigma);
    const weights = g.constant(Array.from({ length: 5 * c }, () => kernel).flat(), [5 * c, 1, size, size]);
    const local = op.conv(g, moments, weights, undefined, { strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], group: 5 * c });
    const part = (i: number): Tensor => op.slice(g, local, [i * c], [(i + 1) * c], [1]);
    const [mx, my, exx, eyy, exy] = [0, 1, 2, 3, 4].map(part) as [Tensor, Tensor, Tensor, Tensor, Tensor];
    const mxy = op.mul(g, mx, my);
    const mxx = op.mul(g, mx, mx);
    const myy = op.mul(g, my, my);
    const c1 = (0.01 * range) ** 2;
    const c2 = (0.03 * range) ** 2;
    const numerator = op.mul(g, op.add(g, op.mul(g, mxy, 2), c1), op.add(g, op.mul(g, op.sub(g, exy, mxy), 2), c2));
    const denominator = op.mul(g, op.add(g, op.add(g, mxx, myy), c1), op.add(g, op.add(g, op.sub(g, exx, mxx), op.sub(g, eyy, myy)), c2));
    return op.sub(g, 1, meanAll(g, op.div(g, numerator, denominator)));
  });
}

export interface LossTerm {
  readonly loss: Tensor;
  readonly weight: number;
}

/** Σ weight · loss, as one loss layer (ops outside a layer are refused, so terms are combined here). */
export function combineLosses(g: Graph, terms: readonly LossTerm[], o?: LayerOptions): Tensor {
  return g.layer(
    'LossSum',
    o?.name,
    { weights: terms.map((t) => t.weight) },
    terms.map((t) => t.loss),
    () => {
      for (const t of terms) if (t.loss.shape.length !== 0) g.fail(`'${t.loss.name}' is not a scalar loss`);
      const scaled = terms.map((t) => (t.weight === 1 ? t.loss : op.mul(g, t.loss, t.weight)));
      return op.sum(g, scaled);
    },
    'loss',
  );
}
