// Gradient checks per layer: onnxruntime's float32 forward and gradients against float64 references, and those against finite differences.
import { describe, it } from 'vitest';
import * as nn from '../../../main/core/ml/graph/index.js';
import { ops } from '../../../main/core/ml/graph/index.js';
import type { Graph, Tensor } from '../../../main/core/ml/graph/index.js';
import { expectAgreement, gradCheck, uniform } from './gradcheck.js';
import type { CaseInput, GradCase } from './gradcheck.js';
import * as ref from './reference.js';
import type { Activation, Conv2dGeometry, ConvTransposeGeometry, Dims4, F64 } from './reference.js';

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function value(v: ReadonlyMap<string, F64>, name: string): F64 {
  const x = v.get(name);
  if (!x) throw new Error(`no value for ${name}`);
  return x;
}

function input(name: string, shape: readonly number[], o: { gap?: number; range?: number; wrt?: boolean } = {}): CaseInput {
  const r = o.range ?? 1;
  return { name, shape, values: uniform(`input/${name}/${shape.join('x')}`, size(shape), -r, r, o.gap ?? 0), wrt: o.wrt ?? true };
}

/** A layer followed by an L2 loss against a random target. */
function layerCase(o: {
  inputs: CaseInput[];
  outShape: readonly number[];
  layer: (g: Graph, xs: readonly Tensor[]) => Tensor;
  forward: (v: ReadonlyMap<string, F64>) => F64;
  backward: (v: ReadonlyMap<string, F64>, dy: F64) => Record<string, F64>;
}): GradCase {
  return {
    inputs: [...o.inputs, { name: 'target', shape: o.outShape, values: uniform('target', size(o.outShape)) }],
    build: (g, xs) => {
      const y = o.layer(g, xs.slice(0, -1));
      const target = xs.at(-1);
      if (!target) throw new Error('no target');
      return { loss: nn.l2Loss(g, y, target), outputs: { y } };
    },
    ref: (v) => {
      const y = o.forward(v);
      const { loss, grad } = ref.l2(y, value(v, 'target'));
      return { loss, outputs: { y }, grads: o.backward(v, grad) };
    },
  };
}

function first(xs: readonly Tensor[]): Tensor {
  const x = xs[0];
  if (!x) throw new Error('no input');
  return x;
}

describe('gradients of layers match float64 references', () => {
  it.each([
    { label: '2-D input', shape: [4, 5] },
    { label: '3-D input (batched over a shared weight)', shape: [2, 3, 5] },
  ])('Linear, $label', async ({ shape }) => {
    const rows = size(shape) / 5;
    const c = layerCase({
      inputs: [input('x', shape)],
      outShape: [...shape.slice(0, -1), 3],
      layer: (g, xs) => nn.linear(g, first(xs), { name: 'fc', inFeatures: 5, outFeatures: 3 }),
      forward: (v) => ref.linearForward(value(v, 'x'), value(v, 'fc.weight'), value(v, 'fc.bias'), rows, 5, 3),
      backward: (v, dy) => {
        const r = ref.linearBackward(value(v, 'x'), value(v, 'fc.weight'), dy, rows, 5, 3);
        return { x: r.dx, 'fc.weight': r.dw, 'fc.bias': r.db };
      },
    });
    expectAgreement(await gradCheck(c));
  });

  const convCases: { label: string; d: Dims4; m: number; k: [number, number]; geo: Conv2dGeometry }[] = [
    // Remainder (size + pads - span) mod stride: 0 along H, 1 along W, so only W needs output_padding.
    { label: 'kernel 3, stride 2, padding 1, 7x8 input', d: { n: 2, c: 3, h: 7, w: 8 }, m: 4, k: [3, 3], geo: { stride: [2, 2], pad: [1, 1, 1, 1], dilation: [1, 1], groups: 1 } },
    { label: 'kernel 4, stride 2, padding 1, odd 9x7 input', d: { n: 2, c: 2, h: 9, w: 7 }, m: 3, k: [4, 4], geo: { stride: [2, 2], pad: [1, 1, 1, 1], dilation: [1, 1], groups: 1 } },
    { label: 'groups 2, dilation 2, strides 2x3', d: { n: 1, c: 4, h: 10, w: 9 }, m: 6, k: [3, 2], geo: { stride: [2, 3], pad: [1, 0, 1, 0], dilation: [2, 1], groups: 2 } },
  ];
  it.each(convCases)('Conv2d, $label', async ({ d, m, k, geo }) => {
    const out = ref.convOutDims(d, m, k[0], k[1], geo);
    const c = layerCase({
      inputs: [input('x', [d.n, d.c, d.h, d.w])],
      outShape: [out.n, out.c, out.h, out.w],
      layer: (g, xs) =>
        nn.conv2d(g, first(xs), { name: 'conv', inChannels: d.c, outChannels: m, kernel: k, stride: geo.stride, padding: [geo.pad[0], geo.pad[1]], dilation: geo.dilation, groups: geo.groups }),
      forward: (v) => ref.conv2dForward(value(v, 'x'), value(v, 'conv.weight'), value(v, 'conv.bias'), d, m, k[0], k[1], geo),
      backward: (v, dy) => {
        const r = ref.conv2dBackward(value(v, 'x'), value(v, 'conv.weight'), dy, d, m, k[0], k[1], geo);
        return { x: r.dx, 'conv.weight': r.dw, 'conv.bias': r.db };
      },
    });
    expectAgreement(await gradCheck(c));
  });

  it('Conv1d, stride 2, padding 2, dilation 2, length 14', async () => {
    const d: Dims4 = { n: 2, c: 3, h: 1, w: 14 };
    const geo: Conv2dGeometry = { stride: [1, 2], pad: [0, 2, 0, 2], dilation: [1, 2], groups: 1 };
    const out = ref.convOutDims(d, 4, 1, 3, geo);
    const c = layerCase({
      inputs: [input('x', [2, 3, 14])],
      outShape: [2, 4, out.w],
      layer: (g, xs) => nn.conv1d(g, first(xs), { name: 'conv', inChannels: 3, outChannels: 4, kernel: 3, stride: 2, padding: 2, dilation: 2 }),
      forward: (v) => ref.conv2dForward(value(v, 'x'), value(v, 'conv.weight'), value(v, 'conv.bias'), d, 4, 1, 3, geo),
      backward: (v, dy) => {
        const r = ref.conv2dBackward(value(v, 'x'), value(v, 'conv.weight'), dy, d, 4, 1, 3, geo);
        return { x: r.dx, 'conv.weight': r.dw, 'conv.bias': r.db };
      },
    });
    expectAgreement(await gradCheck(c));
  });

  const transposeCases: { label: string; d: Dims4; m: number; k: [number, number]; geo: ConvTransposeGeometry }[] = [
    { label: 'stride 2, padding 1, output padding 1', d: { n: 2, c: 3, h: 4, w: 5 }, m: 2, k: [3, 3], geo: { stride: [2, 2], pad: [1, 1, 1, 1], dilation: [1, 1], outputPadding: [1, 1] } },
    { label: 'per-axis stride, dilation, output padding', d: { n: 1, c: 2, h: 3, w: 4 }, m: 3, k: [2, 3], geo: { stride: [2, 3], pad: [1, 0, 1, 0], dilation: [2, 1], outputPadding: [1, 2] } },
  ];
  it.each(transposeCases)('ConvTranspose2d, $label', async ({ d, m, k, geo }) => {
    const out = ref.convTransposeOutDims(d, m, k[0], k[1], geo);
    const c = layerCase({
      inputs: [input('x', [d.n, d.c, d.h, d.w])],
      outShape: [out.n, out.c, out.h, out.w],
      layer: (g, xs) =>
        nn.convTranspose2d(g, first(xs), { name: 'up', inChannels: d.c, outChannels: m, kernel: k, stride: geo.stride, padding: [geo.pad[0], geo.pad[1]], dilation: geo.dilation, outputPadding: geo.outputPadding }),
      forward: (v) => ref.convTransposeForward(value(v, 'x'), value(v, 'up.weight'), value(v, 'up.bias'), d, m, k[0], k[1], geo),
      backward: (v, dy) => {
        const r = ref.convTransposeBackward(value(v, 'x'), value(v, 'up.weight'), dy, d, m, k[0], k[1], geo);
        return { x: r.dx, 'up.weight': r.dw, 'up.bias': r.db };
      },
    });
    expectAgreement(await gradCheck(c));
  });

  it('Upsample2d (nearest, x2) followed by Conv2d', async () => {
    const d: Dims4 = { n: 2, c: 2, h: 3, w: 4 };
    const up: Dims4 = { ...d, h: 6, w: 8 };
    const geo: Conv2dGeometry = { stride: [1, 1], pad: [1, 1, 1, 1], dilation: [1, 1], groups: 1 };
    const c = layerCase({
      inputs: [input('x', [2, 2, 3, 4])],
      outShape: [2, 3, 6, 8],
      layer: (g, xs) => nn.conv2d(g, nn.upsample2d(g, first(xs), { scale: 2 }), { name: 'conv', inChannels: 2, outChannels: 3, kernel: 3, padding: 1 }),
      forward: (v) => ref.conv2dForward(ref.upsampleForward(value(v, 'x'), d, 2), value(v, 'conv.weight'), value(v, 'conv.bias'), up, 3, 3, 3, geo),
      backward: (v, dy) => {
        const r = ref.conv2dBackward(ref.upsampleForward(value(v, 'x'), d, 2), value(v, 'conv.weight'), dy, up, 3, 3, 3, geo);
        return { x: ref.upsampleBackward(r.dx, d, 2), 'conv.weight': r.dw, 'conv.bias': r.db };
      },
    });
    expectAgreement(await gradCheck(c));
  });

  const activations: { label: string; build: (g: Graph, x: Tensor) => Tensor; act: Activation }[] = [
    { label: 'ReLU', build: (g, x) => nn.relu(g, x), act: ref.ACTIVATIONS.relu },
    { label: 'LeakyReLU', build: (g, x) => nn.leakyRelu(g, x, { alpha: 0.1 }), act: ref.ACTIVATIONS.leakyRelu },
    { label: 'Tanh', build: (g, x) => nn.tanh(g, x), act: ref.ACTIVATIONS.tanh },
    { label: 'Sigmoid', build: (g, x) => nn.sigmoid(g, x), act: ref.ACTIVATIONS.sigmoid },
    { label: 'GELU (erf)', build: (g, x) => nn.gelu(g, x), act: ref.ACTIVATIONS.gelu },
    { label: 'GELU (tanh approximation)', build: (g, x) => nn.gelu(g, x, { approximate: 'tanh' }), act: ref.ACTIVATIONS.geluTanh },
  ];
  it.each(activations)('$label', async ({ build, act }) => {
    const c = layerCase({
      inputs: [input('x', [3, 7], { range: 2.5, gap: 0.05 })],
      outShape: [3, 7],
      layer: (g, xs) => build(g, first(xs)),
      forward: (v) => value(v, 'x').map(act.f),
      backward: (v, dy) => ({ x: value(v, 'x').map((x, i) => act.df(x) * (dy[i] ?? 0)) }),
    });
    expectAgreement(await gradCheck(c));
  });

  it('LayerNorm over the last axis', async () => {
    const perPosition = (_row: number, pos: number): number => pos;
    const c = layerCase({
      inputs: [input('x', [4, 6])],
      outShape: [4, 6],
      layer: (g, xs) => nn.layerNorm(g, first(xs), { name: 'ln', dim: 6 }),
      forward: (v) => ref.normForward(value(v, 'x'), 4, 6, 1e-5, value(v, 'ln.weight'), value(v, 'ln.bias'), perPosition).y,
      backward: (v, dy) => {
        const r = ref.normBackward(value(v, 'x'), dy, 4, 6, 1e-5, value(v, 'ln.weight'), value(v, 'ln.bias'), perPosition);
        return { x: r.dx, 'ln.weight': r.dgamma, 'ln.bias': r.dbeta };
      },
    });
    expectAgreement(await gradCheck(c));
  });

  it('GroupNorm, 3 groups of 2 channels', async () => {
    // Rows are (sample, group) with 2 channels x 9 pixels each; the affine is per channel.
    const perChannel = (row: number, pos: number): number => (row % 3) * 2 + Math.floor(pos / 9);
    const c = layerCase({
      inputs: [input('x', [2, 6, 3, 3])],
      outShape: [2, 6, 3, 3],
      layer: (g, xs) => nn.groupNorm(g, first(xs), { name: 'gn', groups: 3, channels: 6 }),
      forward: (v) => ref.normForward(value(v, 'x'), 6, 18, 1e-5, value(v, 'gn.weight'), value(v, 'gn.bias'), perChannel).y,
      backward: (v, dy) => {
        const r = ref.normBackward(value(v, 'x'), dy, 6, 18, 1e-5, value(v, 'gn.weight'), value(v, 'gn.bias'), perChannel);
        return { x: r.dx, 'gn.weight': r.dgamma, 'gn.bias': r.dbeta };
      },
    });
    expectAgreement(await gradCheck(c));
  });

  it('residual add', async () => {
    const c = layerCase({
      inputs: [input('a', [3, 4]), input('b', [3, 4])],
      outShape: [3, 4],
      layer: (g, [a, b]) => nn.residual(g, a ?? first([]), b ?? first([])),
      forward: (v) => value(v, 'a').map((x, i) => x + (value(v, 'b')[i] ?? 0)),
      backward: (_v, dy) => ({ a: dy, b: dy }),
    });
    expectAgreement(await gradCheck(c));
  });

  it('concat along channels', async () => {
    // a [2, 3, 4] and b [2, 2, 4]: each sample's 12 values of a come before its 8 values of b.
    const c = layerCase({
      inputs: [input('a', [2, 3, 4]), input('b', [2, 2, 4])],
      outShape: [2, 5, 4],
      layer: (g, xs) => nn.concat(g, xs),
      forward: (v) => {
        const [a, b] = [value(v, 'a'), value(v, 'b')];
        return Float64Array.from([...a.subarray(0, 12), ...b.subarray(0, 8), ...a.subarray(12), ...b.subarray(8)]);
      },
      backward: (_v, dy) => ({
        a: Float64Array.from([...dy.subarray(0, 12), ...dy.subarray(20, 32)]),
        b: Float64Array.from([...dy.subarray(12, 20), ...dy.subarray(32)]),
      }),
    });
    expectAgreement(await gradCheck(c));
  });

  it('dropout with its mask as an input', async () => {
    const c = layerCase({
      inputs: [input('x', [4, 8])],
      outShape: [4, 8],
      layer: (g, xs) => nn.dropout(g, first(xs), { name: 'drop', rate: 0.25 }),
      forward: (v) => value(v, 'x').map((x, i) => x * (value(v, 'mask/drop')[i] ?? 0)),
      backward: (v, dy) => ({ x: dy.map((d, i) => d * (value(v, 'mask/drop')[i] ?? 0)) }),
    });
    expectAgreement(await gradCheck(c));
  });

  it('a custom layer of primitive ops: batched MatMul, Transpose, Pad, Neg, Exp, ReduceSum', async () => {
    // c = a @ b per sample [2, 3, 5]; d = c^T [2, 5, 3]; e = pad d by one row before and two columns after [2, 6, 5];
    // y = sum over rows of exp(-e) [2, 5].
    const forward = (a: F64, b: F64): { c: F64; y: F64; e: (n: number, i: number, j: number) => number } => {
      const c = new Float64Array(30);
      for (let n = 0; n < 2; n++)
        for (let i = 0; i < 3; i++)
          for (let j = 0; j < 5; j++) {
            let acc = 0;
            for (let k = 0; k < 4; k++) acc += (a[n * 12 + i * 4 + k] ?? 0) * (b[n * 20 + k * 5 + j] ?? 0);
            c[n * 15 + i * 5 + j] = acc;
          }
      // e[n, r, q] = d[n, r - 1, q] = c[n, q, r - 1] inside the padded border, 0 outside.
      const e = (n: number, r: number, q: number): number => (r >= 1 && q < 3 ? (c[n * 15 + q * 5 + (r - 1)] ?? 0) : 0);
      const y = new Float64Array(10);
      for (let n = 0; n < 2; n++) for (let q = 0; q < 5; q++) for (let r = 0; r < 6; r++) y[n * 5 + q] = (y[n * 5 + q] ?? 0) + Math.exp(-e(n, r, q));
      return { c, y, e };
    };
    const c = layerCase({
      inputs: [input('a', [2, 3, 4]), input('b', [2, 4, 5])],
      outShape: [2, 5],
      layer: (g, [a, b]) =>
        g.layer('Primitives', 'prim', {}, [a ?? first([]), b ?? first([])], () => {
          const d = ops.transpose(g, ops.matmul(g, a ?? first([]), b ?? first([])), [0, 2, 1]);
          return ops.reduceSum(g, ops.exp(g, ops.neg(g, ops.pad(g, d, [0, 1, 0, 0, 0, 2]))), [1], false);
        }),
      forward: (v) => forward(value(v, 'a'), value(v, 'b')).y,
      backward: (v, dy) => {
        const a = value(v, 'a');
        const b = value(v, 'b');
        const { e } = forward(a, b);
        // Only the unpadded region reaches c: dc[n, i, j] = -exp(-e[n, j + 1, i]) * dy[n, i'] with i' the output column.
        const dc = new Float64Array(30);
        for (let n = 0; n < 2; n++) for (let i = 0; i < 3; i++) for (let j = 0; j < 5; j++) dc[n * 15 + i * 5 + j] = -Math.exp(-e(n, j + 1, i)) * (dy[n * 5 + i] ?? 0);
        const da = new Float64Array(24);
        const db = new Float64Array(40);
        for (let n = 0; n < 2; n++)
          for (let i = 0; i < 3; i++)
            for (let j = 0; j < 5; j++)
              for (let k = 0; k < 4; k++) {
                const g = dc[n * 15 + i * 5 + j] ?? 0;
                da[n * 12 + i * 4 + k] = (da[n * 12 + i * 4 + k] ?? 0) + g * (b[n * 20 + k * 5 + j] ?? 0);
                db[n * 20 + k * 5 + j] = (db[n * 20 + k * 5 + j] ?? 0) + g * (a[n * 12 + i * 4 + k] ?? 0);
              }
        return { a: da, b: db };
      },
    });
    expectAgreement(await gradCheck(c));
  });
});
