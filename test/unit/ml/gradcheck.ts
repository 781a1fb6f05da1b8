// Gradient-check harness: runs an emitted gradient graph in onnxruntime (float32) against a float64 reference and its finite differences.
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { buildGradientGraph, dropoutMask, Graph, gradName, initWeights, randomStream } from '../../../main/core/ml/graph/index.js';
import type { Tensor } from '../../../main/core/ml/graph/index.js';
import type { F64 } from './reference.js';

export interface CaseInput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
  /** Differentiate with respect to this input too. */
  readonly wrt?: boolean;
}

export interface RefResult {
  readonly loss: number;
  readonly outputs: Readonly<Record<string, F64>>;
  /** By input or parameter name. */
  readonly grads: Readonly<Record<string, F64>>;
}

export interface GradCase {
  readonly inputs: readonly CaseInput[];
  readonly build: (g: Graph, inputs: readonly Tensor[]) => { loss: Tensor; outputs?: Record<string, Tensor> };
  /** The float64 reference, given every input, parameter and mask value by name. */
  readonly ref: (values: ReadonlyMap<string, F64>) => RefResult;
}

export interface GradReport {
  /** Relative errors of onnxruntime against the reference, by output or gradient name. */
  readonly ort: Readonly<Record<string, number>>;
  /** Relative errors of the reference gradients against central differences, by name. */
  readonly fd: Readonly<Record<string, number>>;
}

/** ||a - b|| / max(||b||, tiny): insensitive to individual near-zero entries. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff += ((a[i] ?? 0) - (b[i] ?? 0)) ** 2;
    norm += (b[i] ?? 0) ** 2;
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-12);
}

/** Deterministic uniform values in [lo, hi), optionally kept at least `gap` away from zero (off ReLU/abs kinks). */
export function uniform(key: string, size: number, lo = -1, hi = 1, gap = 0): Float32Array {
  const next = randomStream(key);
  return Float32Array.from({ length: size }, () => {
    const v = lo + (hi - lo) * next();
    return Math.abs(v) < gap ? Math.sign(v || 1) * gap : v;
  });
}

export function toOrtFeeds(feeds: Readonly<Record<string, { readonly dims: readonly number[]; readonly data: Float32Array }>>): Record<string, ort.Tensor> {
  return Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor('float32', v.data, v.dims)]));
}

export async function runOnce(bytes: Uint8Array, feeds: Readonly<Record<string, { readonly dims: readonly number[]; readonly data: Float32Array }>>): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run(toOrtFeeds(feeds));
    return Object.fromEntries(
      Object.entries(out).map(([k, t]) => {
        if (!(t.data instanceof Float32Array)) throw new Error(`output ${k} is not float32`);
        return [k, t.data];
      }),
    );
  } finally {
    await session.release();
  }
}

const f64 = (a: Float32Array): F64 => Float64Array.from(a);

export async function gradCheck(c: GradCase, seed = 'case'): Promise<GradReport> {
  const g = new Graph();
  const tensors = c.inputs.map((i) => g.input(i.name, i.shape));
  const { loss, outputs = {} } = c.build(g, tensors);
  const feeds: Record<string, { dims: readonly number[]; data: Float32Array }> = {};
  for (const i of c.inputs) feeds[i.name] = { dims: i.shape, data: i.values };
  // Start from the initialiser and shake every value, so biases and gains are not trivially 0 or 1.
  for (const [name, w] of initWeights(g, 1)) {
    const shake = uniform(`${seed}/shake/${name}`, w.length, -0.3, 0.3);
    const p = g.params.find((q) => q.tensor.name === name);
    feeds[name] = { dims: p?.tensor.shape ?? [w.length], data: w.map((v, k) => v + (shake[k] ?? 0)) };
  }
  for (const m of g.masks) feeds[m.tensor.name] = { dims: m.tensor.shape, data: dropoutMask(7, 1, m.layer, m.rate, m.tensor.shape.reduce((a, b) => a * b, 1)) };

  const wrtNames = [...g.params.map((p) => p.tensor.name), ...c.inputs.filter((i) => i.wrt).map((i) => i.name)];
  const graph = buildGradientGraph(g, { loss, wrt: tensors.filter((_, k) => c.inputs[k]?.wrt), outputs });
  const fetched = await runOnce(graph.bytes, feeds);

  const values = new Map(Object.entries(feeds).map(([k, v]) => [k, f64(v.data)]));
  const ref = c.ref(values);
  const ortErrors: Record<string, number> = { loss: relError([fetched.loss?.[0] ?? Number.NaN], [ref.loss]) };
  for (const name of Object.keys(outputs)) ortErrors[name] = relError(fetched[name] ?? [], ref.outputs[name] ?? []);
  for (const name of wrtNames) ortErrors[gradName(name)] = relError(fetched[gradName(name)] ?? [], ref.grads[name] ?? []);

  const fd: Record<string, number> = {};
  const h = 1e-5;
  for (const name of wrtNames) {
    const base = values.get(name) ?? new Float64Array();
    const numeric = new Float64Array(base.length);
    for (let k = 0; k < base.length; k++) {
      const v = base[k] ?? 0;
      base[k] = v + h;
      const up = c.ref(values).loss;
      base[k] = v - h;
      const down = c.ref(values).loss;
      base[k] = v;
      numeric[k] = (up - down) / (2 * h);
    }
    fd[name] = relError(ref.grads[name] ?? [], numeric);
  }
  return { ort: ortErrors, fd };
}

/** onnxruntime (float32) within 1e-4 of the float64 reference; the reference within 1e-6 of finite differences. */
export function expectAgreement(report: GradReport, ortTolerance = 1e-4): void {
  for (const [name, err] of Object.entries(report.ort)) expect(err, `onnxruntime vs reference: ${name}`).toBeLessThan(ortTolerance);
  for (const [name, err] of Object.entries(report.fd)) expect(err, `reference vs finite differences: ${name}`).toBeLessThan(1e-6);
  expect(Object.keys(report.fd).length).toBeGreaterThan(0);
}
