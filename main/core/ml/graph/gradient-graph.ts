// Assembles a graph that outputs the loss and raw gradients (for gradient checks and debugging); main process and workers.
import type { Graph, Tensor } from './builder.js';
import { gradients } from './autodiff.js';
import { emitModel } from './emit.js';
import type { EmittedModel } from './emit.js';
import { TRAIN_NAMES } from './train-step.js';

export const gradName = (name: string): string => `grad/${name}`;

export interface GradientGraphOptions {
  readonly loss: Tensor;
  /** Model inputs to differentiate as well; every weight always is. */
  readonly wrt?: readonly Tensor[];
  /** Extra forward values to output, by public name. */
  readonly outputs?: Readonly<Record<string, Tensor>>;
  readonly name?: string;
}

/** Inputs: model inputs, masks, weights. Outputs: `loss`, the extra outputs, `grad/<name>` per weight and `wrt` input. */
export function buildGradientGraph(model: Graph, o: GradientGraphOptions): EmittedModel {
  const g = model.fork();
  const targets = [...g.params.map((p) => p.tensor), ...(o.wrt ?? [])];
  const grads = gradients(g, o.loss, targets);
  const inputs = [...g.inputs, ...g.masks.map((m) => m.tensor), ...g.params.map((p) => p.tensor)];
  const outputs: [string, Tensor][] = [
    [TRAIN_NAMES.loss, o.loss],
    ...Object.entries(o.outputs ?? {}),
    ...targets.map((t, i): [string, Tensor] => [gradName(t.name), grads[i] ?? t]),
  ];
  return emitModel(g, { name: o.name ?? 'gradients', inputs, outputs });
}
