// The train-step and inference graphs: names, K unrolled steps equal K single steps, deterministic resume, dropout removed at inference.
import { describe, expect, it } from 'vitest';
import * as nn from '../../../main/core/ml/graph/index.js';
import type { Graph, Tensor, TrainState } from '../../../main/core/ml/graph/index.js';
import { relError, runOnce, uniform } from './gradcheck.js';
import * as ref from './reference.js';
import { openTrainer } from './trainer.js';

interface Mlp {
  readonly g: Graph;
  readonly y: Tensor;
  readonly loss: Tensor;
}

function mlpWithDropout(batch: number): Mlp {
  const g = new nn.Graph();
  const x = g.input('x', [batch, 4]);
  const t = g.input('t', [batch, 2]);
  let h = nn.relu(g, nn.linear(g, x, { name: 'fc1', inFeatures: 4, outFeatures: 16 }));
  h = nn.dropout(g, h, { name: 'drop', rate: 0.3 });
  const y = nn.linear(g, h, { name: 'fc2', inFeatures: 16, outFeatures: 2 });
  return { g, y, loss: nn.l2Loss(g, y, t) };
}

const batches = Array.from({ length: 6 }, (_, k) => ({ x: uniform(`batch/x/${k}`, 32), t: uniform(`batch/t/${k}`, 16) }));

async function trainSingle(m: Mlp, state: TrainState, from: number, count: number): Promise<{ state: TrainState; losses: number[] }> {
  const trainer = await openTrainer(nn.buildTrainStep(m.g, { loss: m.loss }));
  const losses: number[] = [];
  let s = state;
  for (let k = from; k < from + count; k++) {
    const b = batches[k];
    if (!b) throw new Error(`no batch ${k}`);
    const r = await trainer.run(s, b, 0.02, 42);
    s = r.state;
    losses.push(...r.losses);
  }
  await trainer.release();
  return { state: s, losses };
}

function expectSameWeights(a: TrainState, b: TrainState, tolerance: number): void {
  for (const [name, w] of a.weights) {
    expect(relError(w, b.weights.get(name) ?? []), name).toBeLessThanOrEqual(tolerance);
    expect(relError(a.m.get(name) ?? [], b.m.get(name) ?? []), `m/${name}`).toBeLessThanOrEqual(tolerance);
    expect(relError(a.v.get(name) ?? [], b.v.get(name) ?? []), `v/${name}`).toBeLessThanOrEqual(tolerance);
  }
}

describe('train-step graph', () => {
  it('declares weights, moments, data, masks, lr and step, and returns loss, norm and the next state', () => {
    const m = mlpWithDropout(8);
    const nodes = m.g.nodes.length;
    const graph = nn.buildTrainStep(m.g, { loss: m.loss });
    expect(m.g.nodes.length, 'the model graph is left as it was').toBe(nodes);
    expect(graph.inputNames).toEqual([
      'x',
      't',
      'mask/drop',
      'fc1.weight',
      'fc1.bias',
      'fc2.weight',
      'fc2.bias',
      'm/fc1.weight',
      'm/fc1.bias',
      'm/fc2.weight',
      'm/fc2.bias',
      'v/fc1.weight',
      'v/fc1.bias',
      'v/fc2.weight',
      'v/fc2.bias',
      'lr',
      'step',
    ]);
    expect(graph.outputNames.slice(0, 4)).toEqual(['loss', 'grad_norm', 'next/fc1.weight', 'next/fc1.bias']);
    expect(graph.outputNames).toContain('next/v/fc2.bias');
    expect(graph.masks).toEqual([{ name: 'mask/drop', shape: [8, 16], layer: 'drop', rate: 0.3 }]);
  });

  it('runs K unrolled steps in one call with the same result as K single steps', async () => {
    const m = mlpWithDropout(8);
    const start = nn.initialTrainState(nn.initWeights(m.g, 5));
    const single = await trainSingle(m, start, 0, 3);

    const graph = nn.buildTrainStep(m.g, { loss: m.loss, steps: 3 });
    expect(graph.data).toEqual([
      { name: 'x', shape: [3, 8, 4] },
      { name: 't', shape: [3, 8, 2] },
    ]);
    const trainer = await openTrainer(graph);
    const stacked = (key: 'x' | 't'): Float32Array => Float32Array.from(batches.slice(0, 3).flatMap((b) => [...b[key]]));
    const unrolled = await trainer.run(start, { x: stacked('x'), t: stacked('t') }, 0.02, 42);
    await trainer.release();

    expect(unrolled.state.step).toBe(3);
    expect(relError(unrolled.losses, single.losses)).toBeLessThan(1e-6);
    expectSameWeights(unrolled.state, single.state, 1e-6);
  });

  it('resumes from a saved train state exactly where it stopped', async () => {
    const m = mlpWithDropout(8);
    const start = nn.initialTrainState(nn.initWeights(m.g, 9));
    const straight = await trainSingle(m, start, 0, 6);
    const firstHalf = await trainSingle(m, start, 0, 3);
    const restored = nn.decodeTrainState(m.g, nn.encodeTrainState(m.g, firstHalf.state));
    expect(restored.step).toBe(3);
    const secondHalf = await trainSingle(m, restored, 3, 3);
    expect([...firstHalf.losses, ...secondHalf.losses]).toEqual(straight.losses);
    expectSameWeights(secondHalf.state, straight.state, 0);
  });

  it('draws dropout masks from (seed, step, layer) only', () => {
    const a = nn.dropoutMask(1, 7, 'drop', 0.5, 1000);
    expect(nn.dropoutMask(1, 7, 'drop', 0.5, 1000)).toEqual(a);
    expect(nn.dropoutMask(1, 8, 'drop', 0.5, 1000)).not.toEqual(a);
    expect(nn.dropoutMask(2, 7, 'drop', 0.5, 1000)).not.toEqual(a);
    const kept = a.filter((v) => v !== 0);
    expect(new Set(kept)).toEqual(new Set([2]));
    expect(kept.length).toBeGreaterThan(440);
    expect(kept.length).toBeLessThan(560);
  });
});

describe('inference graph', () => {
  it('runs the forward pass without dropout, with weights embedded or fed', async () => {
    const m = mlpWithDropout(8);
    const weights = nn.initWeights(m.g, 3);
    const x = uniform('infer/x', 32);
    const embedded = nn.buildInference(m.g, { outputs: { y: m.y }, weights });
    expect(embedded.inputNames).toEqual(['x']);
    expect(embedded.outputNames).toEqual(['y']);
    const yEmbedded = (await runOnce(embedded.bytes, { x: { dims: [8, 4], data: x } })).y ?? new Float32Array();

    const fed = nn.buildInference(m.g, { outputs: { y: m.y } });
    expect(fed.inputNames).toEqual(['x', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    const feeds = Object.fromEntries([['x', { dims: [8, 4], data: x }], ...m.g.params.map((p) => [p.tensor.name, { dims: p.tensor.shape, data: weights.get(p.tensor.name) ?? new Float32Array() }])]);
    const yFed = (await runOnce(fed.bytes, feeds)).y ?? new Float32Array();
    expect(yFed).toEqual(yEmbedded);

    const w = (name: string): Float64Array => Float64Array.from(weights.get(name) ?? []);
    const hidden = ref.linearForward(Float64Array.from(x), w('fc1.weight'), w('fc1.bias'), 8, 4, 16).map(ref.ACTIVATIONS.relu.f);
    expect(relError(yEmbedded, ref.linearForward(hidden, w('fc2.weight'), w('fc2.bias'), 8, 16, 2))).toBeLessThan(1e-5);
  });
});
