// Assembles the train-step graph: forward, backward, gradient clipping and AdamW, optionally K steps unrolled; main process and workers.
import type { Graph, Shape, Tensor } from './builder.js';
import { gradients } from './autodiff.js';
import { emitModel } from './emit.js';
import type { EmittedModel } from './emit.js';
import { adamw, DEFAULT_ADAMW } from './optimizer.js';
import type { AdamWOptions } from './optimizer.js';
import { unroll } from './unroll.js';
import type { StepProgram } from './unroll.js';

/**
 * Input and output names of the train-step graph. Data inputs keep their model names; a weight
 * `p` comes in as `p`, `m/p`, `v/p` and goes out as `next/p`, `next/m/p`, `next/v/p`.
 */
export const TRAIN_NAMES = {
  lr: 'lr',
  step: 'step',
  loss: 'loss',
  gradNorm: 'grad_norm',
  m: (param: string): string => `m/${param}`,
  v: (param: string): string => `v/${param}`,
  next: (param: string): string => `next/${param}`,
  nextM: (param: string): string => `next/m/${param}`,
  nextV: (param: string): string => `next/v/${param}`,
} as const;

export interface TrainStepOptions {
  readonly loss: Tensor;
  readonly optimizer?: Partial<AdamWOptions>;
  /**
   * Steps per session.run (default 1). With K > 1, data inputs and dropout masks gain a leading [K]
   * axis, loss and grad_norm become [K] vectors, and all K steps share the one learning rate.
   */
  readonly steps?: number;
  readonly name?: string;
}

export interface TrainValue {
  readonly name: string;
  /** As declared in the graph, including the [steps] axis of data and masks when steps > 1. */
  readonly shape: Shape;
}

export interface TrainMask extends TrainValue {
  readonly layer: string;
  readonly rate: number;
}

export interface TrainStepGraph extends EmittedModel {
  readonly steps: number;
  readonly data: readonly TrainValue[];
  readonly masks: readonly TrainMask[];
  /** Weight names in graph order; their shapes are the model's. */
  readonly params: readonly TrainValue[];
  readonly optimizer: AdamWOptions;
}

const floatValue = (name: string, shape: Shape): Tensor => ({ name, shape, dtype: 'float32' });

function singleStep(g: Graph, loss: Tensor, optimizer: AdamWOptions): StepProgram {
  const params = g.params;
  const weights = params.map((p) => p.tensor);
  const m = weights.map((w) => floatValue(TRAIN_NAMES.m(w.name), w.shape));
  const v = weights.map((w) => floatValue(TRAIN_NAMES.v(w.name), w.shape));
  const lr = floatValue(TRAIN_NAMES.lr, []);
  const step = floatValue(TRAIN_NAMES.step, []);
  const grads = gradients(g, loss, weights);
  const next = adamw(g, params, { grads, m, v, lr, step }, optimizer);
  return {
    data: g.inputs,
    masks: g.masks.map((k) => k.tensor),
    weights,
    m,
    v,
    lr,
    step,
    loss,
    gradNorm: next.gradNorm,
    nextWeights: next.weights,
    nextM: next.m,
    nextV: next.v,
  };
}

/** Builds the train-step ONNX model for `model` (which is left unchanged). */
export function buildTrainStep(model: Graph, o: TrainStepOptions): TrainStepGraph {
  const steps = o.steps ?? 1;
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`train step: steps must be a positive integer, got ${steps}`);
  if (model.params.length === 0) throw new Error('train step: the model has no parameters');
  const optimizer: AdamWOptions = { ...DEFAULT_ADAMW, ...o.optimizer };
  const g = model.fork();
  const one = singleStep(g, o.loss, optimizer);
  const p = steps === 1 ? one : unroll(g, one, steps);
  const inputs = [...p.data, ...p.masks, ...p.weights, ...p.m, ...p.v, p.lr, p.step];
  const outputs: [string, Tensor][] = [
    [TRAIN_NAMES.loss, p.loss],
    [TRAIN_NAMES.gradNorm, p.gradNorm],
    ...p.weights.map((w, i): [string, Tensor] => [TRAIN_NAMES.next(w.name), p.nextWeights[i] ?? w]),
    ...p.weights.map((w, i): [string, Tensor] => [TRAIN_NAMES.nextM(w.name), p.nextM[i] ?? w]),
    ...p.weights.map((w, i): [string, Tensor] => [TRAIN_NAMES.nextV(w.name), p.nextV[i] ?? w]),
  ];
  return {
    ...emitModel(g, { name: o.name ?? 'train_step', inputs, outputs, metadata: { 'likeness.steps': String(steps) } }),
    steps,
    data: p.data.map((t) => ({ name: t.name, shape: t.shape })),
    masks: p.masks.map((t, i) => {
      const mask = model.masks[i] ?? g.fail(`no mask record for '${t.name}'`);
      return { name: t.name, shape: t.shape, layer: mask.layer, rate: mask.rate };
    }),
    params: p.weights.map((t) => ({ name: t.name, shape: t.shape })),
    optimizer,
  };
}
