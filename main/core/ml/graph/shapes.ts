// Pure static-shape arithmetic for the ops the builder emits (broadcasting, convolution sizes); main process and workers.
import type { Shape } from './builder.js';

/** Numpy-style broadcast of two shapes, or undefined when they do not broadcast. */
export function broadcastShapes(a: Shape, b: Shape): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return undefined;
    out.push(Math.max(da, db));
  }
  return out;
}

/** The axes of `from` that a broadcast to `from` expanded out of `to`: summing over them undoes it. */
export function broadcastAxes(from: Shape, to: Shape): number[] {
  const lead = from.length - to.length;
  const axes: number[] = [];
  for (let i = 0; i < from.length; i++) {
    if (i < lead || (to[i - lead] === 1 && from[i] !== 1)) axes.push(i);
  }
  return axes;
}

export function normalizeAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return Number.isInteger(a) && a >= 0 && a < rank ? a : undefined;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export interface SpatialOptions {
  readonly strides: readonly number[];
  /** ONNX order: all begins, then all ends. */
  readonly pads: readonly number[];
  readonly dilations: readonly number[];
}

/** Output size of a convolution along axis `i`: floor((in + pads - dilated kernel) / stride) + 1. */
export function convOutputSize(input: number, kernel: number, o: SpatialOptions, i: number): number {
  const rank = o.strides.length;
  const span = (o.dilations[i] ?? 1) * (kernel - 1) + 1;
  return Math.floor((input + (o.pads[i] ?? 0) + (o.pads[i + rank] ?? 0) - span) / (o.strides[i] ?? 1)) + 1;
}

/** Output size of a transposed convolution along axis `i`. */
export function convTransposeOutputSize(input: number, kernel: number, o: SpatialOptions, outputPadding: number, i: number): number {
  const rank = o.strides.length;
  const span = (o.dilations[i] ?? 1) * (kernel - 1) + 1;
  return (o.strides[i] ?? 1) * (input - 1) + outputPadding + span - (o.pads[i] ?? 0) - (o.pads[i + rank] ?? 0);
}
