// AdamW with gradient clipping: one step of the train-step graph equals a JavaScript AdamW step on the same gradients.
import { describe, expect, it } from 'vitest';
import * as nn from '../../../main/core/ml/graph/index.js';
import type { AdamWOptions, TrainState } from '../../../main/core/ml/graph/index.js';
import { relError, uniform } from './gradcheck.js';
import * as ref from './reference.js';
import { openTrainer } from './trainer.js';

interface Moments {
  readonly p: Float64Array;
  readonly m: Float64Array;
  readonly v: Float64Array;
}

/** torch.nn.utils.clip_grad_norm_ followed by torch.optim.AdamW.step, in float64. */
function adamwReference(params: Record<string, Moments & { g: Float64Array; decay: boolean }>, lr: number, step: number, o: AdamWOptions): { next: Record<string, Moments>; norm: number } {
  let sq = 0;
  for (const { g } of Object.values(params)) for (const x of g) sq += x * x;
  const norm = Math.sqrt(sq);
  const coef = Math.min(1, o.maxGradNorm / (norm + 1e-6));
  const bc1 = 1 - o.beta1 ** step;
  const bc2 = 1 - o.beta2 ** step;
  const next: Record<string, Moments> = {};
  for (const [name, s] of Object.entries(params)) {
    const m = s.m.map((mi, i) => o.beta1 * mi + (1 - o.beta1) * coef * (s.g[i] ?? 0));
    const v = s.v.map((vi, i) => o.beta2 * vi + (1 - o.beta2) * (coef * (s.g[i] ?? 0)) ** 2);
    const p = s.p.map((pi, i) => (s.decay ? pi * (1 - lr * o.weightDecay) : pi) - (lr / bc1) * ((m[i] ?? 0) / (Math.sqrt(v[i] ?? 0) / Math.sqrt(bc2) + o.eps)));
    next[name] = { p, m, v };
  }
  return { next, norm };
}

describe('AdamW with gradient-norm clipping', () => {
  it.each([
    { label: 'clipping active', maxGradNorm: 0.05 },
    { label: 'clipping inactive', maxGradNorm: 100 },
    { label: 'clipping off', maxGradNorm: Number.POSITIVE_INFINITY },
  ])('one graph step equals the reference step ($label)', async ({ maxGradNorm }) => {
    const g = new nn.Graph();
    const x = g.input('x', [6, 4]);
    const t = g.input('t', [6, 3]);
    const loss = nn.l2Loss(g, nn.linear(g, x, { name: 'fc', inFeatures: 4, outFeatures: 3 }), t);
    const optimizer: AdamWOptions = { beta1: 0.8, beta2: 0.95, eps: 1e-6, weightDecay: 0.1, maxGradNorm };
    const graph = nn.buildTrainStep(g, { loss, optimizer });

    const xs = uniform('adamw/x', 24);
    const ts = uniform('adamw/t', 18);
    const weights = nn.initWeights(g, 3);
    weights.set('fc.bias', uniform('adamw/bias', 3, -0.5, 0.5));
    // Mid-training state: moments already non-zero and the step past 1, so the bias corrections matter.
    const state: TrainState = {
      step: 4,
      weights,
      m: new Map([...weights].map(([k, w]) => [k, uniform(`adamw/m/${k}`, w.length, -0.1, 0.1)])),
      v: new Map([...weights].map(([k, w]) => [k, uniform(`adamw/v/${k}`, w.length, 0.001, 0.02)])),
    };
    const trainer = await openTrainer(graph);
    const result = await trainer.run(state, { x: xs, t: ts }, 0.01);
    await trainer.release();

    const f64 = (a: Float32Array | undefined): Float64Array => Float64Array.from(a ?? []);
    const w = f64(weights.get('fc.weight'));
    const b = f64(weights.get('fc.bias'));
    const y = ref.linearForward(f64(xs), w, b, 6, 4, 3);
    const { loss: refLoss, grad } = ref.l2(y, f64(ts));
    const grads = ref.linearBackward(f64(xs), w, grad, 6, 4, 3);
    const expected = adamwReference(
      {
        'fc.weight': { p: w, m: f64(state.m.get('fc.weight')), v: f64(state.v.get('fc.weight')), g: grads.dw, decay: true },
        'fc.bias': { p: b, m: f64(state.m.get('fc.bias')), v: f64(state.v.get('fc.bias')), g: grads.db, decay: false },
      },
      0.01,
      5,
      optimizer,
    );

    expect(relError(result.losses, [refLoss])).toBeLessThan(1e-5);
    expect(relError(result.gradNorms, [expected.norm])).toBeLessThan(1e-5);
    expect(result.state.step).toBe(5);
    if (maxGradNorm === 0.05) expect(expected.norm).toBeGreaterThan(0.05);
    for (const name of ['fc.weight', 'fc.bias']) {
      const want = expected.next[name];
      const before = f64(weights.get(name));
      if (!want) throw new Error(`no reference for ${name}`);
      // Compare the update, not the weights: it is ~lr in size, so this is the strict check.
      const delta = f64(result.state.weights.get(name)).map((p, i) => p - (before[i] ?? 0));
      const wantDelta = want.p.map((p, i) => p - (before[i] ?? 0));
      expect(relError(delta, wantDelta), `${name} update`).toBeLessThan(1e-4);
      expect(relError(f64(result.state.m.get(name)), want.m), `${name} m`).toBeLessThan(1e-5);
      expect(relError(f64(result.state.v.get(name)), want.v), `${name} v`).toBeLessThan(1e-5);
    }
  });
});
