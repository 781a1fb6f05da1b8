// AdamW with decoupled weight decay and global gradient-norm clipping, emitted as graph nodes; main process and workers.
import type { Graph, Param, Scope, Tensor } from './builder.js';
import * as op from './ops.js';

export interface AdamWOptions {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** Decoupled decay (p -= lr * weightDecay * p), applied to parameters marked for decay only. */
  readonly weightDecay: number;
  /** The global gradient norm is clipped to this; Infinity turns clipping off. */
  readonly maxGradNorm: number;
}

/** PyTorch's AdamW defaults, with clipping at 1. */
export const DEFAULT_ADAMW: AdamWOptions = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, maxGradNorm: 1 };

export interface AdamWInputs {
  readonly grads: readonly Tensor[];
  readonly m: readonly Tensor[];
  readonly v: readonly Tensor[];
  readonly lr: Tensor;
  /** 1-based step number, for the bias corrections. */
  readonly step: Tensor;
}

export interface AdamWOutputs {
  readonly weights: readonly Tensor[];
  readonly m: readonly Tensor[];
  readonly v: readonly Tensor[];
  /** The global L2 norm of the gradients before clipping. */
  readonly gradNorm: Tensor;
}

const SCOPE: Scope = { name: 'adamw', kind: 'AdamW', prefix: 'adamw' };

/** One AdamW step over `params` (aligned with the arrays in `inputs`), as torch.optim.AdamW with clip_grad_norm_ before it. */
export function adamw(g: Graph, params: readonly Param[], inputs: AdamWInputs, o: AdamWOptions): AdamWOutputs {
  return g.within(SCOPE, () => {
    if (!(o.beta1 >= 0 && o.beta1 < 1 && o.beta2 >= 0 && o.beta2 < 1 && o.eps > 0 && o.weightDecay >= 0 && o.maxGradNorm > 0)) {
      g.fail('betas must be in [0, 1), eps and maxGradNorm positive, weightDecay non-negative');
    }
    const at = <T>(xs: readonly T[], i: number): T => xs[i] ?? g.fail(`no optimiser input for parameter ${i}`);
    const squares = inputs.grads.map((grad) => op.reduceAll(g, op.mul(g, grad, grad)));
    const gradNorm = op.sqrt(g, squares.length > 0 ? op.sum(g, squares) : g.scalar(0));
    // As clip_grad_norm_: scale by max/(norm + 1e-6), never up.
    const clip = Number.isFinite(o.maxGradNorm) ? op.min(g, op.div(g, o.maxGradNorm, op.add(g, gradNorm, 1e-6)), 1) : undefined;
    const stepSize = op.div(g, inputs.lr, op.sub(g, 1, op.pow(g, o.beta1, inputs.step)));
    const correction2 = op.sqrt(g, op.sub(g, 1, op.pow(g, o.beta2, inputs.step)));
    const keep = op.sub(g, 1, op.mul(g, inputs.lr, o.weightDecay));
    const weights: Tensor[] = [];
    const ms: Tensor[] = [];
    const vs: Tensor[] = [];
    params.forEach((p, i) => {
      const grad = clip ? op.mul(g, at(inputs.grads, i), clip) : at(inputs.grads, i);
      const m = op.add(g, op.mul(g, at(inputs.m, i), o.beta1), op.mul(g, grad, 1 - o.beta1));
      const v = op.add(g, op.mul(g, at(inputs.v, i), o.beta2), op.mul(g, op.mul(g, grad, grad), 1 - o.beta2));
      const decayed = p.decay && o.weightDecay > 0 ? op.mul(g, p.tensor, keep) : p.tensor;
      const denominator = op.add(g, op.div(g, op.sqrt(g, v), correction2), o.eps);
      weights.push(op.sub(g, decayed, op.mul(g, op.div(g, m, denominator), stepSize)));
      ms.push(m);
      vs.push(v);
    });
    return { weights, m: ms, v: vs, gradNorm };
  });
}
