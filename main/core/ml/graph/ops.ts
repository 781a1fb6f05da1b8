// ONNX operators (opset 17) with static shape inference and checks that fail naming the layer; main process and workers.
import { formatShape, sizeOf } from './builder.js';
import type { Attr, DType, Graph, Shape, Tensor } from './builder.js';
import { broadcastShapes, convOutputSize, convTransposeOutputSize, normalizeAxis, sameShape } from './shapes.js';
import type { SpatialOptions } from './shapes.js';

/** A tensor, or a number that becomes a float32 scalar constant. */
export type Operand = Tensor | number;

export interface ConvOptions extends SpatialOptions {
  readonly group: number;
}

export interface ConvTransposeOptions extends ConvOptions {
  readonly outputPadding: readonly number[];
}

const ints = (value: readonly number[]): Attr => ({ kind: 'ints', value });
const int = (value: number): Attr => ({ kind: 'int', value });

function lift(g: Graph, x: Operand): Tensor {
  return typeof x === 'number' ? g.scalar(x) : x;
}

function requireFloat(g: Graph, op: string, ...ts: Tensor[]): void {
  for (const t of ts) if (t.dtype !== 'float32') g.fail(`${op} needs float32 inputs, '${t.name}' is ${t.dtype}`);
}

function axesOf(g: Graph, op: string, axes: readonly number[], rank: number): number[] {
  const out = axes.map((a) => normalizeAxis(a, rank) ?? g.fail(`${op}: axis ${a} is out of range for rank ${rank}`));
  if (new Set(out).size !== out.length) g.fail(`${op}: repeated axis in [${axes.join(', ')}]`);
  return out.sort((a, b) => a - b);
}

function binary(g: Graph, op: string, a: Operand, b: Operand): Tensor {
  const ta = lift(g, a);
  const tb = lift(g, b);
  requireFloat(g, op, ta, tb);
  const shape = broadcastShapes(ta.shape, tb.shape) ?? g.fail(`${op}: shapes ${formatShape(ta.shape)} and ${formatShape(tb.shape)} do not broadcast`);
  return g.emit(op, [ta, tb], shape, 'float32');
}

function unary(g: Graph, op: string, x: Tensor, attrs: Readonly<Record<string, Attr>> = {}): Tensor {
  requireFloat(g, op, x);
  return g.emit(op, [x], x.shape, 'float32', attrs);
}

export const add = (g: Graph, a: Operand, b: Operand): Tensor => binary(g, 'Add', a, b);
export const sub = (g: Graph, a: Operand, b: Operand): Tensor => binary(g, 'Sub', a, b);
export const mul = (g: Graph, a: Operand, b: Operand): Tensor => binary(g, 'Mul', a, b);
export const div = (g: Graph, a: Operand, b: Operand): Tensor => binary(g, 'Div', a, b);
export const pow = (g: Graph, a: Operand, b: Operand): Tensor => binary(g, 'Pow', a, b);
export const min = (g: Graph, a: Operand, b: Operand): Tensor => binary(g, 'Min', a, b);

export const neg = (g: Graph, x: Tensor): Tensor => unary(g, 'Neg', x);
export const abs = (g: Graph, x: Tensor): Tensor => unary(g, 'Abs', x);
export const sign = (g: Graph, x: Tensor): Tensor => unary(g, 'Sign', x);
export const sqrt = (g: Graph, x: Tensor): Tensor => unary(g, 'Sqrt', x);
export const exp = (g: Graph, x: Tensor): Tensor => unary(g, 'Exp', x);
export const erf = (g: Graph, x: Tensor): Tensor => unary(g, 'Erf', x);
export const tanh = (g: Graph, x: Tensor): Tensor => unary(g, 'Tanh', x);
export const sigmoid = (g: Graph, x: Tensor): Tensor => unary(g, 'Sigmoid', x);
export const relu = (g: Graph, x: Tensor): Tensor => unary(g, 'Relu', x);
export const leakyRelu = (g: Graph, x: Tensor, alpha: number): Tensor => unary(g, 'LeakyRelu', x, { alpha: { kind: 'float', value: alpha } });

export function greater(g: Graph, a: Operand, b: Operand): Tensor {
  const ta = lift(g, a);
  const tb = lift(g, b);
  requireFloat(g, 'Greater', ta, tb);
  const shape = broadcastShapes(ta.shape, tb.shape) ?? g.fail(`Greater: shapes ${formatShape(ta.shape)} and ${formatShape(tb.shape)} do not broadcast`);
  return g.emit('Greater', [ta, tb], shape, 'bool');
}

const CAST_TO: Readonly<Record<DType, number>> = { float32: 1, int64: 7, bool: 9 };

export function cast(g: Graph, x: Tensor, to: DType): Tensor {
  return g.emit('Cast', [x], x.shape, to, { to: int(CAST_TO[to]) });
}

/** Batched matrix product; both operands have rank >= 2 and their leading dimensions broadcast. */
export function matmul(g: Graph, a: Tensor, b: Tensor): Tensor {
  requireFloat(g, 'MatMul', a, b);
  if (a.shape.length < 2 || b.shape.length < 2) g.fail(`MatMul needs rank >= 2, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [k2, n] = b.shape.slice(-2) as [number, number];
  if (k !== k2) g.fail(`MatMul: inner dimensions differ, ${formatShape(a.shape)} x ${formatShape(b.shape)}`);
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2)) ?? g.fail(`MatMul: batch dimensions of ${formatShape(a.shape)} and ${formatShape(b.shape)} do not broadcast`);
  return g.emit('MatMul', [a, b], [...batch, m, n], 'float32');
}

function checkSpatial(g: Graph, op: string, x: Tensor, w: Tensor, o: ConvOptions): number {
  const rank = x.shape.length - 2;
  if (rank < 1 || w.shape.length !== x.shape.length) g.fail(`${op}: input ${formatShape(x.shape)} and weight ${formatShape(w.shape)} need matching ranks >= 3`);
  if (o.strides.length !== rank || o.dilations.length !== rank || o.pads.length !== 2 * rank) g.fail(`${op}: strides, dilations and pads must cover ${rank} spatial axes`);
  if (![...o.strides, ...o.dilations, o.group].every((v) => Number.isInteger(v) && v >= 1) || !o.pads.every((p) => Number.isInteger(p) && p >= 0)) {
    g.fail(`${op}: strides, dilations and group must be positive integers and pads non-negative`);
  }
  return rank;
}

function attrsOf(o: ConvOptions, kernel: readonly number[]): Record<string, Attr> {
  return { kernel_shape: ints(kernel), strides: ints(o.strides), pads: ints(o.pads), dilations: ints(o.dilations), group: int(o.group) };
}

/** Conv: x [N, C, ...S], w [M, C/group, ...K], optional bias [M]. */
export function conv(g: Graph, x: Tensor, w: Tensor, bias: Tensor | undefined, o: ConvOptions): Tensor {
  requireFloat(g, 'Conv', x, w);
  checkSpatial(g, 'Conv', x, w, o);
  const [n, c] = x.shape as [number, number];
  const [m, cg] = w.shape as [number, number];
  if (c !== cg * o.group || m % o.group !== 0) g.fail(`Conv: input has ${c} channels, weight ${formatShape(w.shape)} with group ${o.group} expects ${cg * o.group}`);
  if (bias && !sameShape(bias.shape, [m])) g.fail(`Conv: bias ${formatShape(bias.shape)} should be [${m}]`);
  const kernel = w.shape.slice(2);
  const spatial = x.shape.slice(2).map((s, i) => convOutputSize(s, kernel[i] ?? 1, o, i));
  if (spatial.some((s) => s < 1)) g.fail(`Conv: input ${formatShape(x.shape)} is too small for kernel ${formatShape(kernel)}`);
  return g.emit('Conv', bias ? [x, w, bias] : [x, w], [n, m, ...spatial], 'float32', attrsOf(o, kernel));
}

/** ConvTranspose: x [N, C, ...S], w [C, M/group, ...K], optional bias [M]. */
export function convTranspose(g: Graph, x: Tensor, w: Tensor, bias: Tensor | undefined, o: ConvTransposeOptions): Tensor {
  requireFloat(g, 'ConvTranspose', x, w);
  const rank = checkSpatial(g, 'ConvTranspose', x, w, o);
  const [n, c] = x.shape as [number, number];
  const m = (w.shape[1] ?? 0) * o.group;
  if (c !== w.shape[0] || c % o.group !== 0) g.fail(`ConvTranspose: input has ${c} channels, weight ${formatShape(w.shape)} expects ${w.shape[0] ?? 0}`);
  if (bias && !sameShape(bias.shape, [m])) g.fail(`ConvTranspose: bias ${formatShape(bias.shape)} should be [${m}]`);
  if (o.outputPadding.length !== rank || o.outputPadding.some((p, i) => !Number.isInteger(p) || p < 0 || p >= Math.max(o.strides[i] ?? 1, o.dilations[i] ?? 1))) {
    g.fail(`ConvTranspose: output padding [${o.outputPadding.join(', ')}] must be below the stride or dilation`);
  }
  const kernel = w.shape.slice(2);
  const spatial = x.shape.slice(2).map((s, i) => convTransposeOutputSize(s, kernel[i] ?? 1, o, o.outputPadding[i] ?? 0, i));
  if (spatial.some((s) => s < 1)) g.fail(`ConvTranspose: padding leaves no output for input ${formatShape(x.shape)}`);
  const attrs = { ...attrsOf(o, kernel), output_padding: ints(o.outputPadding) };
  return g.emit('ConvTranspose', bias ? [x, w, bias] : [x, w], [n, m, ...spatial], 'float32', attrs);
}

function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  return keepdims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

/** ReduceMean; opset 17 still takes the axes as an attribute. */
export function reduceMean(g: Graph, x: Tensor, axes: readonly number[], keepdims: boolean): Tensor {
  requireFloat(g, 'ReduceMean', x);
  const ax = axesOf(g, 'ReduceMean', axes, x.shape.length);
  return g.emit('ReduceMean', [x], reducedShape(x.shape, ax, keepdims), 'float32', { axes: ints(ax), keepdims: int(keepdims ? 1 : 0) });
}

/** ReduceSum; since opset 13 the axes are an input tensor. */
export function reduceSum(g: Graph, x: Tensor, axes: readonly number[], keepdims: boolean): Tensor {
  requireFloat(g, 'ReduceSum', x);
  const ax = axesOf(g, 'ReduceSum', axes, x.shape.length);
  if (ax.length === 0) g.fail('ReduceSum needs at least one axis');
  return g.emit('ReduceSum', [x, g.int64s(ax)], reducedShape(x.shape, ax, keepdims), 'float32', { keepdims: int(keepdims ? 1 : 0) });
}

/** Sum over every element, to a scalar. */
export function reduceAll(g: Graph, x: Tensor): Tensor {
  return reduceSum(g, x, x.shape.map((_, i) => i), false);
}

export function reshape(g: Graph, x: Tensor, shape: Shape): Tensor {
  if (!shape.every((d) => Number.isInteger(d) && d > 0) || sizeOf(shape) !== sizeOf(x.shape)) {
    g.fail(`Reshape: cannot reshape ${formatShape(x.shape)} to ${formatShape(shape)}`);
  }
  return g.emit('Reshape', [x, g.int64s(shape)], shape, x.dtype);
}

export function transpose(g: Graph, x: Tensor, perm: readonly number[]): Tensor {
  const sorted = [...perm].sort((a, b) => a - b);
  if (!sameShape(sorted, x.shape.map((_, i) => i))) g.fail(`Transpose: [${perm.join(', ')}] is not a permutation of rank ${x.shape.length}`);
  return g.emit('Transpose', [x], perm.map((p) => x.shape[p] ?? 0), x.dtype, { perm: ints(perm) });
}

export function expand(g: Graph, x: Tensor, shape: Shape): Tensor {
  const out = broadcastShapes(x.shape, shape);
  if (!out || !sameShape(out, shape)) g.fail(`Expand: ${formatShape(x.shape)} does not broadcast to ${formatShape(shape)}`);
  return g.emit('Expand', [x, g.int64s(shape)], shape, x.dtype);
}

export function concat(g: Graph, xs: readonly Tensor[], axis: number): Tensor {
  const first = xs[0] ?? g.fail('Concat needs at least one input');
  requireFloat(g, 'Concat', ...xs);
  const a = normalizeAxis(axis, first.shape.length) ?? g.fail(`Concat: axis ${axis} is out of range for rank ${first.shape.length}`);
  for (const x of xs) {
    if (x.shape.length !== first.shape.length || x.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      g.fail(`Concat: ${formatShape(x.shape)} does not match ${formatShape(first.shape)} outside axis ${a}`);
    }
  }
  const shape = first.shape.map((d, i) => (i === a ? xs.reduce((s, x) => s + (x.shape[i] ?? 0), 0) : d));
  return g.emit('Concat', xs, shape, 'float32', { axis: int(a) });
}

/** Slice with unit steps; `starts` and `ends` are in range (no clamping). */
export function slice(g: Graph, x: Tensor, starts: readonly number[], ends: readonly number[], axes: readonly number[]): Tensor {
  const ax = axes.map((a) => normalizeAxis(a, x.shape.length) ?? g.fail(`Slice: axis ${a} is out of range`));
  const shape = [...x.shape];
  ax.forEach((a, i) => {
    const s = starts[i] ?? -1;
    const e = ends[i] ?? -1;
    if (!(Number.isInteger(s) && Number.isInteger(e) && s >= 0 && e > s && e <= (x.shape[a] ?? 0))) g.fail(`Slice: [${s}, ${e}) is not inside axis ${a} of ${formatShape(x.shape)}`);
    shape[a] = e - s;
  });
  return g.emit('Slice', [x, g.int64s(starts), g.int64s(ends), g.int64s(ax)], shape, x.dtype);
}

/** Zero padding; `pads` holds all begins then all ends, non-negative. */
export function pad(g: Graph, x: Tensor, pads: readonly number[]): Tensor {
  const rank = x.shape.length;
  if (pads.length !== 2 * rank || !pads.every((p) => Number.isInteger(p) && p >= 0)) g.fail(`Pad: [${pads.join(', ')}] must hold ${2 * rank} non-negative integers`);
  requireFloat(g, 'Pad', x);
  return g.emit('Pad', [x, g.int64s(pads)], x.shape.map((d, i) => d + (pads[i] ?? 0) + (pads[i + rank] ?? 0)), 'float32');
}

/** Element-wise sum of tensors of one shape. */
export function sum(g: Graph, xs: readonly Tensor[]): Tensor {
  const first = xs[0] ?? g.fail('Sum needs at least one input');
  requireFloat(g, 'Sum', ...xs);
  for (const x of xs) if (!sameShape(x.shape, first.shape)) g.fail(`Sum: ${formatShape(x.shape)} differs from ${formatShape(first.shape)}`);
  return xs.length === 1 ? first : g.emit('Sum', xs, first.shape, 'float32');
}
