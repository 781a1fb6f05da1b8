// Assembles the inference graph: forward only, dropout removed, weights embedded or taken as inputs; main process and workers.
import type { Graph, Tensor } from './builder.js';
import { emitModel } from './emit.js';
import type { EmittedModel } from './emit.js';

export interface InferenceOptions {
  /** Outputs by public name. */
  readonly outputs: Readonly<Record<string, Tensor>>;
  /**
   * With weights, they are embedded as initializers: a self-contained model whose only inputs are
   * data. Without, each weight is a graph input under its parameter name, so one session serves any
   * checkpoint (validation during training).
   */
  readonly weights?: ReadonlyMap<string, Float32Array>;
  readonly name?: string;
}

export function buildInference(model: Graph, o: InferenceOptions): EmittedModel {
  const weightInputs = o.weights ? [] : model.params.map((p) => p.tensor);
  return emitModel(model, {
    name: o.name ?? 'inference',
    inputs: [...model.inputs, ...weightInputs],
    outputs: Object.entries(o.outputs),
    initializers: o.weights,
    dropoutAsIdentity: true,
    pruneInputs: true,
  });
}
