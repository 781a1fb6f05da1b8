// Inlines K copies of one train step into a single graph, so one session.run trains K steps; main process and workers.
import type { Graph, Scope, Tensor } from './builder.js';
import { nodesFor } from './emit.js';
import * as op from './ops.js';

/** One train step as graph values: what it reads and what it produces. */
export interface StepProgram {
  readonly data: readonly Tensor[];
  readonly masks: readonly Tensor[];
  readonly weights: readonly Tensor[];
  readonly m: readonly Tensor[];
  readonly v: readonly Tensor[];
  readonly lr: Tensor;
  readonly step: Tensor;
  readonly loss: Tensor;
  readonly gradNorm: Tensor;
  readonly nextWeights: readonly Tensor[];
  readonly nextM: readonly Tensor[];
  readonly nextV: readonly Tensor[];
}

/**
 * Chains `steps` copies of `one` (whose nodes are in `g`): copy k reads slice k of the data and
 * masks (which gain a leading [steps] axis), the state copy k-1 wrote, step + k and the same lr.
 * Loss and gradient norm become [steps] vectors.
 */
export function unroll(g: Graph, one: StepProgram, steps: number): StepProgram {
  const body = nodesFor(g.nodes, [one.loss, one.gradNorm, ...one.nextWeights, ...one.nextM, ...one.nextV]);
  const stacked = (t: Tensor): Tensor => ({ ...t, shape: [steps, ...t.shape] });
  const data = one.data.map(stacked);
  const masks = one.masks.map(stacked);
  const perStep = [...one.data, ...one.masks];
  const perStepStacked = [...data, ...masks];
  const scope: Scope = { name: 'unroll', kind: 'Unroll', prefix: 'unroll' };
  let state = [...one.weights, ...one.m, ...one.v];
  const losses: Tensor[] = [];
  const norms: Tensor[] = [];
  for (let k = 0; k < steps; k++) {
    const values = new Map<string, Tensor>([[one.lr.name, one.lr]]);
    g.within({ ...scope, prefix: `step${k}/input` }, () => {
      perStep.forEach((t, i) => {
        const all = perStepStacked[i] ?? g.fail(`no stacked input for '${t.name}'`);
        values.set(t.name, op.reshape(g, op.slice(g, all, [k], [k + 1], [0]), t.shape));
      });
      values.set(one.step.name, k === 0 ? one.step : op.add(g, one.step, k));
    });
    [...one.weights, ...one.m, ...one.v].forEach((t, i) => values.set(t.name, state[i] ?? t));
    for (const n of body) {
      const inputs = n.inputs.map((t) => values.get(t.name) ?? (g.constants.has(t.name) ? t : g.fail(`unroll: '${t.name}' has no value in step ${k}`)));
      const copy = g.within({ ...n.scope, prefix: `step${k}/${n.scope.prefix}` }, () => g.emit(n.op, inputs, n.output.shape, n.output.dtype, n.attrs));
      values.set(n.output.name, copy);
    }
    const valueOf = (t: Tensor): Tensor => values.get(t.name) ?? g.fail(`unroll: step ${k} did not compute '${t.name}'`);
    state = [...one.nextWeights, ...one.nextM, ...one.nextV].map(valueOf);
    losses.push(valueOf(one.loss));
    norms.push(valueOf(one.gradNorm));
  }
  const stack = (ts: readonly Tensor[]): Tensor => g.within(scope, () => op.concat(g, ts.map((t) => op.reshape(g, t, [1])), 0));
  const count = one.weights.length;
  return {
    ...one,
    data,
    masks,
    loss: stack(losses),
    gradNorm: stack(norms),
    nextWeights: state.slice(0, count),
    nextM: state.slice(count, 2 * count),
    nextV: state.slice(2 * count),
  };
}
