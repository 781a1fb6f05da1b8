// Reverse-mode differentiation over the emitted forward nodes: one backward rule per op, each emitting ONNX nodes; main process and workers.
import { formatShape, sizeOf } from './builder.js';
import type { Graph, Node, Scope, Shape, Tensor } from './builder.js';
import * as op from './ops.js';
import type { ConvOptions } from './ops.js';
import { broadcastAxes, convTransposeOutputSize, sameShape } from './shapes.js';

/** Returns the gradient of each input the caller `needs`; the others may be left undefined. */
type Rule = (g: Graph, node: Node, dy: Tensor, needs: readonly boolean[]) => readonly (Tensor | undefined)[];

const AUTODIFF_SCOPE: Scope = { name: 'gradients', kind: 'Autodiff', prefix: 'grad' };

function input(node: Node, i: number): Tensor {
  const t = node.inputs[i];
  if (!t) throw new Error(`autodiff: ${node.op} node '${node.output.name}' lacks input ${i}`);
  return t;
}

function intsAttr(node: Node, name: string): readonly number[] {
  const a = node.attrs[name];
  if (a?.kind !== 'ints') throw new Error(`autodiff: ${node.op} node '${node.output.name}' lacks attribute ${name}`);
  return a.value;
}

function numberAttr(node: Node, name: string): number {
  const a = node.attrs[name];
  if (a?.kind !== 'int' && a?.kind !== 'float') throw new Error(`autodiff: ${node.op} node '${node.output.name}' lacks attribute ${name}`);
  return a.value;
}

/** The values of an int64 constant input (shape, axes, pads). */
function constantInts(g: Graph, t: Tensor): number[] {
  const c = g.constants.get(t.name);
  if (!(c?.data instanceof BigInt64Array)) throw new Error(`autodiff: '${t.name}' is not an int64 constant`);
  return Array.from(c.data, Number);
}

/** Sums a broadcast gradient back to the operand's shape. */
function reduceTo(g: Graph, grad: Tensor, shape: Shape): Tensor {
  if (sameShape(grad.shape, shape)) return grad;
  const axes = broadcastAxes(grad.shape, shape);
  const summed = axes.length > 0 ? op.reduceSum(g, grad, axes, true) : grad;
  return sameShape(summed.shape, shape) ? summed : op.reshape(g, summed, shape);
}

function swapLast(g: Graph, t: Tensor): Tensor {
  const perm = t.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [r - 1, r - 2];
  return op.transpose(g, t, perm);
}

function step(g: Graph, x: Tensor): Tensor {
  return op.cast(g, op.greater(g, x, 0), 'float32');
}

function convOptions(node: Node): ConvOptions {
  return { strides: intsAttr(node, 'strides'), pads: intsAttr(node, 'pads'), dilations: intsAttr(node, 'dilations'), group: numberAttr(node, 'group') };
}

/**
 * Correlates `signal` [N, A, ...Sa] with `kernel` [N, B, ...Sb] over the batch, per group: the weight
 * gradient of Conv (signal = x, kernel = dy) and of ConvTranspose (signal = dy, kernel = x). The batch
 * becomes the channel axis and the forward stride becomes the dilation; the result is [B, A/group, ...K].
 */
function correlateOverBatch(g: Graph, signal: Tensor, kernel: Tensor, weightShape: Shape, o: ConvOptions): Tensor {
  const [n, a] = signal.shape as [number, number];
  const b = kernel.shape[1] ?? 0;
  const groups = o.group;
  const spatialA = signal.shape.slice(2);
  const spatialB = kernel.shape.slice(2);
  const tail = spatialA.map((_, i) => i + 3);
  // [N, G, A/G, ...] -> [A/G, G, N, ...] -> [A/G, G*N, ...]: each group's batch becomes its input channels.
  const s = op.reshape(g, op.transpose(g, op.reshape(g, signal, [n, groups, a / groups, ...spatialA]), [2, 1, 0, ...tail]), [a / groups, groups * n, ...spatialA]);
  // [N, G, B/G, ...] -> [G, B/G, N, ...] -> [B, N, ...]: output channel j of group k reads that group's batch.
  const k = op.reshape(g, op.transpose(g, op.reshape(g, kernel, [n, groups, b / groups, ...spatialB]), [1, 2, 0, ...tail]), [b, n, ...spatialB]);
  const z = op.conv(g, s, k, undefined, { strides: o.dilations, dilations: o.strides, pads: o.pads, group: groups });
  const zt = op.transpose(g, z, [1, 0, ...spatialA.map((_, i) => i + 2)]);
  const kernelSize = weightShape.slice(2);
  // The forward floor division can leave trailing input rows unread; they show up as extra taps here.
  if (sameShape(zt.shape.slice(2), kernelSize)) return zt;
  return op.slice(g, zt, kernelSize.map(() => 0), kernelSize, kernelSize.map((_, i) => i + 2));
}

function biasGrad(g: Graph, dy: Tensor): Tensor {
  return op.reduceSum(g, dy, dy.shape.map((_, i) => i).filter((i) => i !== 1), false);
}

const conv: Rule = (g, node, dy, needs) => {
  const x = input(node, 0);
  const w = input(node, 1);
  const o = convOptions(node);
  const kernel = w.shape.slice(2);
  let dx: Tensor | undefined;
  if (needs[0]) {
    // A strided conv maps several input sizes to one output size: output_padding restores the exact one.
    const outputPadding = x.shape.slice(2).map((s, i) => s - convTransposeOutputSize(dy.shape[i + 2] ?? 0, kernel[i] ?? 1, o, 0, i));
    dx = op.convTranspose(g, dy, w, undefined, { ...o, outputPadding });
  }
  return [dx, needs[1] ? correlateOverBatch(g, x, dy, w.shape, o) : undefined, needs[2] ? biasGrad(g, dy) : undefined];
};

const convTranspose: Rule = (g, node, dy, needs) => {
  const x = input(node, 0);
  const w = input(node, 1);
  const o = convOptions(node);
  return [
    needs[0] ? op.conv(g, dy, w, undefined, o) : undefined,
    needs[1] ? correlateOverBatch(g, dy, x, w.shape, o) : undefined,
    needs[2] ? biasGrad(g, dy) : undefined,
  ];
};

const matmul: Rule = (g, node, dy, needs) => {
  const a = input(node, 0);
  const b = input(node, 1);
  let db: Tensor | undefined;
  if (needs[1]) {
    if (b.shape.length === 2) {
      // A shared weight: fold every batch axis into one GEMM instead of reducing a batched product.
      const [k, n] = b.shape as [number, number];
      const a2 = op.reshape(g, a, [sizeOf(a.shape) / k, k]);
      const dy2 = op.reshape(g, dy, [sizeOf(dy.shape) / n, n]);
      db = op.matmul(g, op.transpose(g, a2, [1, 0]), dy2);
    } else {
      db = reduceTo(g, op.matmul(g, swapLast(g, a), dy), b.shape);
    }
  }
  return [needs[0] ? reduceTo(g, op.matmul(g, dy, swapLast(g, b)), a.shape) : undefined, db];
};

function reduceRule(g: Graph, node: Node, dy: Tensor, axes: readonly number[], scale: number): Tensor {
  const x = input(node, 0);
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const shaped = sameShape(dy.shape, kept) ? dy : op.reshape(g, dy, kept);
  return op.expand(g, scale === 1 ? shaped : op.mul(g, shaped, scale), x.shape);
}

const RULES: Readonly<Record<string, Rule>> = {
  Add: (g, n, dy) => [reduceTo(g, dy, input(n, 0).shape), reduceTo(g, dy, input(n, 1).shape)],
  Sub: (g, n, dy, needs) => [reduceTo(g, dy, input(n, 0).shape), needs[1] ? reduceTo(g, op.neg(g, dy), input(n, 1).shape) : undefined],
  Mul: (g, n, dy, needs) => [
    needs[0] ? reduceTo(g, op.mul(g, dy, input(n, 1)), input(n, 0).shape) : undefined,
    needs[1] ? reduceTo(g, op.mul(g, dy, input(n, 0)), input(n, 1).shape) : undefined,
  ],
  Div: (g, n, dy, needs) => {
    const q = op.div(g, dy, input(n, 1));
    return [needs[0] ? reduceTo(g, q, input(n, 0).shape) : undefined, needs[1] ? reduceTo(g, op.neg(g, op.mul(g, q, n.output)), input(n, 1).shape) : undefined];
  },
  Neg: (g, _n, dy) => [op.neg(g, dy)],
  Abs: (g, n, dy) => [op.mul(g, dy, op.sign(g, input(n, 0)))],
  Sqrt: (g, n, dy) => [op.div(g, op.mul(g, dy, 0.5), n.output)],
  Exp: (g, n, dy) => [op.mul(g, dy, n.output)],
  Erf: (g, n, dy) => {
    const x = input(n, 0);
    return [op.mul(g, dy, op.mul(g, op.exp(g, op.neg(g, op.mul(g, x, x))), 2 / Math.sqrt(Math.PI)))];
  },
  Tanh: (g, n, dy) => [op.mul(g, dy, op.sub(g, 1, op.mul(g, n.output, n.output)))],
  Sigmoid: (g, n, dy) => [op.mul(g, dy, op.mul(g, n.output, op.sub(g, 1, n.output)))],
  Relu: (g, n, dy) => [op.mul(g, dy, step(g, input(n, 0)))],
  LeakyRelu: (g, n, dy) => {
    const alpha = numberAttr(n, 'alpha');
    return [op.mul(g, dy, op.add(g, op.mul(g, step(g, input(n, 0)), 1 - alpha), alpha))];
  },
  MatMul: matmul,
  Conv: conv,
  ConvTranspose: convTranspose,
  ReduceMean: (g, n, dy) => {
    const axes = intsAttr(n, 'axes');
    const x = input(n, 0);
    return [reduceRule(g, n, dy, axes, 1 / axes.reduce((s, a) => s * (x.shape[a] ?? 1), 1))];
  },
  ReduceSum: (g, n, dy) => [reduceRule(g, n, dy, constantInts(g, input(n, 1)), 1)],
  Reshape: (g, n, dy) => [op.reshape(g, dy, input(n, 0).shape)],
  Transpose: (g, n, dy) => {
    const perm = intsAttr(n, 'perm');
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return [op.transpose(g, dy, inverse)];
  },
  Expand: (g, n, dy) => [reduceTo(g, dy, input(n, 0).shape)],
  Concat: (g, n, dy, needs) => {
    const axis = numberAttr(n, 'axis');
    let offset = 0;
    return n.inputs.map((x, i) => {
      const start = offset;
      offset += x.shape[axis] ?? 0;
      return needs[i] ? op.slice(g, dy, [start], [offset], [axis]) : undefined;
    });
  },
  Slice: (g, n, dy) => {
    const x = input(n, 0);
    const starts = constantInts(g, input(n, 1));
    const ends = constantInts(g, input(n, 2));
    const axes = constantInts(g, input(n, 3));
    const rank = x.shape.length;
    const pads = new Array<number>(2 * rank).fill(0);
    axes.forEach((a, i) => {
      pads[a] = starts[i] ?? 0;
      pads[a + rank] = (x.shape[a] ?? 0) - (ends[i] ?? 0);
    });
    return [op.pad(g, dy, pads)];
  },
  Pad: (g, n, dy) => {
    const x = input(n, 0);
    const pads = constantInts(g, input(n, 1));
    const axes = x.shape.map((_, i) => i);
    return [op.slice(g, dy, axes.map((a) => pads[a] ?? 0), axes.map((a) => (pads[a] ?? 0) + (x.shape[a] ?? 0)), axes)];
  },
  Sum: (_g, n, dy) => n.inputs.map(() => dy),
};

/**
 * Appends to `g` the nodes computing d(loss)/d(t) for each `t` in `wrt` and returns those gradients,
 * in order. Only nodes on a path from `wrt` to the loss are differentiated; a tensor the loss does
 * not depend on gets a zero gradient.
 */
export function gradients(g: Graph, loss: Tensor, wrt: readonly Tensor[]): Tensor[] {
  if (loss.shape.length !== 0 || loss.dtype !== 'float32') g.fail(`the loss must be a float32 scalar, '${loss.name}' is ${loss.dtype} ${formatShape(loss.shape)}`);
  const forward = [...g.nodes];
  const requires = new Set(wrt.map((t) => t.name));
  for (const n of forward) if (n.output.dtype === 'float32' && n.inputs.some((i) => requires.has(i.name))) requires.add(n.output.name);
  const needed = new Set([loss.name]);
  for (let i = forward.length - 1; i >= 0; i--) {
    const n = forward[i];
    if (n && needed.has(n.output.name) && requires.has(n.output.name)) for (const x of n.inputs) if (requires.has(x.name)) needed.add(x.name);
  }

  const parts = new Map<string, Tensor[]>([[loss.name, [g.scalar(1)]]]);
  const contribute = (t: Tensor, grad: Tensor): void => {
    if (!sameShape(t.shape, grad.shape)) g.fail(`gradient of '${t.name}' has shape ${formatShape(grad.shape)}, expected ${formatShape(t.shape)}`);
    parts.set(t.name, [...(parts.get(t.name) ?? []), grad]);
  };
  for (let i = forward.length - 1; i >= 0; i--) {
    const n = forward[i];
    const incoming = n && needed.has(n.output.name) && requires.has(n.output.name) ? parts.get(n.output.name) : undefined;
    if (!n || !incoming) continue;
    g.within({ name: n.scope.name, kind: n.scope.kind, prefix: `${n.scope.prefix}/grad` }, () => {
      const rule = RULES[n.op] ?? g.fail(`op ${n.op} has no gradient rule, so nothing before it can be trained`);
      const needs = n.inputs.map((x) => needed.has(x.name));
      const grads = rule(g, n, op.sum(g, incoming), needs);
      needs.forEach((need, k) => {
        if (need) contribute(input(n, k), grads[k] ?? g.fail(`the ${n.op} rule gave no gradient for input ${k}`));
      });
    });
  }
  return g.within(AUTODIFF_SCOPE, () =>
    wrt.map((t) => {
      const contributions = parts.get(t.name);
      return contributions ? op.sum(g, contributions) : op.expand(g, g.scalar(0), t.shape);
    }),
  );
}
