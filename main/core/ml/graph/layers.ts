// Neural-network layers built from the ONNX ops, each a named entry of the architecture; main process and workers.
import { formatShape, sizeOf } from './builder.js';
import type { Graph, ParamInit, Tensor } from './builder.js';
import * as op from './ops.js';
import { sameShape } from './shapes.js';

/** How weights start: Kaiming-uniform (ReLU gain) or Xavier-uniform; biases start at zero. */
export type InitScheme = 'kaiming' | 'xavier';

export interface LayerOptions {
  /** Unique layer name; parameters are `<name>.weight`, `<name>.bias`. Defaults to `<kind><n>`. */
  readonly name?: string;
}

const ZEROS: ParamInit = { kind: 'constant', value: 0 };
const ONES: ParamInit = { kind: 'constant', value: 1 };

function weightInit(scheme: InitScheme, fanIn: number, fanOut: number): ParamInit {
  return { kind: 'uniform', bound: scheme === 'kaiming' ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut)) };
}

function tuple(v: number | readonly number[], rank: number): number[] {
  return typeof v === 'number' ? new Array<number>(rank).fill(v) : [...v];
}

export interface LinearOptions extends LayerOptions {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly bias?: boolean;
  readonly init?: InitScheme;
}

/** y = x W + b over the last axis; W is stored [in, out] so the forward pass needs no transpose. */
export function linear(g: Graph, x: Tensor, o: LinearOptions): Tensor {
  const bias = o.bias ?? true;
  return g.layer('Linear', o.name, { inFeatures: o.inFeatures, outFeatures: o.outFeatures, bias }, [x], () => {
    const features = x.shape.at(-1);
    if (x.shape.length < 2 || features !== o.inFeatures) g.fail(`input ${formatShape(x.shape)} has ${features ?? 0} features, expected ${o.inFeatures}`);
    const w = g.param('weight', [o.inFeatures, o.outFeatures], weightInit(o.init ?? 'kaiming', o.inFeatures, o.outFeatures), true);
    const y = op.matmul(g, x, w);
    return bias ? op.add(g, y, g.param('bias', [o.outFeatures], ZEROS, false)) : y;
  });
}

interface ConvGeometry {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number | readonly number[];
  readonly stride?: number | readonly number[];
  readonly padding?: number | readonly number[];
  readonly dilation?: number | readonly number[];
  readonly bias?: boolean;
  readonly init?: InitScheme;
}

export interface Conv1dOptions extends LayerOptions, ConvGeometry {
  readonly groups?: number;
}
export type Conv2dOptions = Conv1dOptions;

export interface ConvTranspose2dOptions extends LayerOptions, ConvGeometry {
  /** Extra rows/columns at the end of the output, below the stride: picks among the sizes a stride allows. */
  readonly outputPadding?: number | readonly number[];
}

function geometry(o: ConvGeometry, rank: number) {
  const padding = tuple(o.padding ?? 0, rank);
  return {
    kernel: tuple(o.kernel, rank),
    strides: tuple(o.stride ?? 1, rank),
    pads: [...padding, ...padding],
    dilations: tuple(o.dilation ?? 1, rank),
    bias: o.bias ?? true,
  };
}

function checkChannels(g: Graph, x: Tensor, rank: number, expected: number): void {
  if (x.shape.length !== rank + 2) g.fail(`input ${formatShape(x.shape)} should have rank ${rank + 2} ([N, C, ...${rank} spatial])`);
  if (x.shape[1] !== expected) g.fail(`input has ${x.shape[1] ?? 0} channels, expected ${expected}`);
}

function convNd(g: Graph, kind: string, rank: number, x: Tensor, o: Conv1dOptions): Tensor {
  const geo = geometry(o, rank);
  const groups = o.groups ?? 1;
  const config = { inChannels: o.inChannels, outChannels: o.outChannels, kernel: geo.kernel, stride: geo.strides, padding: geo.pads, dilation: geo.dilations, groups, bias: geo.bias };
  return g.layer(kind, o.name, config, [x], () => {
    checkChannels(g, x, rank, o.inChannels);
    if (o.inChannels % groups !== 0 || o.outChannels % groups !== 0) g.fail(`${groups} groups do not divide ${o.inChannels} input and ${o.outChannels} output channels`);
    const receptive = sizeOf(geo.kernel);
    const w = g.param('weight', [o.outChannels, o.inChannels / groups, ...geo.kernel], weightInit(o.init ?? 'kaiming', (o.inChannels / groups) * receptive, (o.outChannels / groups) * receptive), true);
    const b = geo.bias ? g.param('bias', [o.outChannels], ZEROS, false) : undefined;
    return op.conv(g, x, w, b, { strides: geo.strides, pads: geo.pads, dilations: geo.dilations, group: groups });
  });
}

/** Conv1d on [N, C, L]. */
export function conv1d(g: Graph, x: Tensor, o: Conv1dOptions): Tensor {
  return convNd(g, 'Conv1d', 1, x, o);
}

/** Conv2d on [N, C, H, W]; stride, padding and dilation per axis or one for both. */
export function conv2d(g: Graph, x: Tensor, o: Conv2dOptions): Tensor {
  return convNd(g, 'Conv2d', 2, x, o);
}

/** ConvTranspose2d on [N, C, H, W]; weight [in, out, kh, kw] as ONNX stores it. */
export function convTranspose2d(g: Graph, x: Tensor, o: ConvTranspose2dOptions): Tensor {
  const geo = geometry(o, 2);
  const outputPadding = tuple(o.outputPadding ?? 0, 2);
  const config = { inChannels: o.inChannels, outChannels: o.outChannels, kernel: geo.kernel, stride: geo.strides, padding: geo.pads, dilation: geo.dilations, outputPadding, bias: geo.bias };
  return g.layer('ConvTranspose2d', o.name, config, [x], () => {
    checkChannels(g, x, 2, o.inChannels);
    const receptive = sizeOf(geo.kernel);
    const w = g.param('weight', [o.inChannels, o.outChannels, ...geo.kernel], weightInit(o.init ?? 'kaiming', o.inChannels * receptive, o.outChannels * receptive), true);
    const b = geo.bias ? g.param('bias', [o.outChannels], ZEROS, false) : undefined;
    return op.convTranspose(g, x, w, b, { strides: geo.strides, pads: geo.pads, dilations: geo.dilations, group: 1, outputPadding });
  });
}

export interface Upsample2dOptions extends LayerOptions {
  readonly scale: number;
}

/** Nearest-neighbour upsampling by an integer factor, as reshape + expand (its gradient is a block sum). */
export function upsample2d(g: Graph, x: Tensor, o: Upsample2dOptions): Tensor {
  return g.layer('Upsample2d', o.name, { scale: o.scale, mode: 'nearest' }, [x], () => {
    if (!Number.isInteger(o.scale) || o.scale < 1) g.fail(`scale ${o.scale} must be a positive integer`);
    if (x.shape.length !== 4) g.fail(`input ${formatShape(x.shape)} should be [N, C, H, W]`);
    const [n, c, h, w] = x.shape as [number, number, number, number];
    const s = o.scale;
    const spread = op.expand(g, op.reshape(g, x, [n, c, h, 1, w, 1]), [n, c, h, s, w, s]);
    return op.reshape(g, spread, [n, c, h * s, w * s]);
  });
}

function activation(g: Graph, kind: string, x: Tensor, o: LayerOptions | undefined, config: Record<string, number | string>, body: () => Tensor): Tensor {
  return g.layer(kind, o?.name, config, [x], body);
}

export const relu = (g: Graph, x: Tensor, o?: LayerOptions): Tensor => activation(g, 'ReLU', x, o, {}, () => op.relu(g, x));
export const tanh = (g: Graph, x: Tensor, o?: LayerOptions): Tensor => activation(g, 'Tanh', x, o, {}, () => op.tanh(g, x));
export const sigmoid = (g: Graph, x: Tensor, o?: LayerOptions): Tensor => activation(g, 'Sigmoid', x, o, {}, () => op.sigmoid(g, x));

export interface LeakyReluOptions extends LayerOptions {
  readonly alpha?: number;
}

export function leakyRelu(g: Graph, x: Tensor, o?: LeakyReluOptions): Tensor {
  const alpha = o?.alpha ?? 0.01;
  return activation(g, 'LeakyReLU', x, o, { alpha }, () => op.leakyRelu(g, x, alpha));
}

export interface GeluOptions extends LayerOptions {
  /** 'none': x·Φ(x) with Erf (float32 only on onnxruntime CPU); 'tanh': the tanh approximation. */
  readonly approximate?: 'none' | 'tanh';
}

export function gelu(g: Graph, x: Tensor, o?: GeluOptions): Tensor {
  const approximate = o?.approximate ?? 'none';
  return activation(g, 'GELU', x, o, { approximate }, () => {
    const half = op.mul(g, x, 0.5);
    if (approximate === 'none') return op.mul(g, half, op.add(g, op.erf(g, op.mul(g, x, Math.SQRT1_2)), 1));
    const inner = op.mul(g, op.add(g, x, op.mul(g, op.mul(g, op.mul(g, x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
    return op.mul(g, half, op.add(g, op.tanh(g, inner), 1));
  });
}

/** (x - mean) / sqrt(var + eps) over the last axis, from primitive ops. */
function normalizeLastAxis(g: Graph, x: Tensor, eps: number): Tensor {
  const centred = op.sub(g, x, op.reduceMean(g, x, [-1], true));
  const variance = op.reduceMean(g, op.mul(g, centred, centred), [-1], true);
  return op.div(g, centred, op.sqrt(g, op.add(g, variance, eps)));
}

export interface LayerNormOptions extends LayerOptions {
  /** Size of the last axis, which is normalised. */
  readonly dim: number;
  readonly eps?: number;
}

export function layerNorm(g: Graph, x: Tensor, o: LayerNormOptions): Tensor {
  const eps = o.eps ?? 1e-5;
  return g.layer('LayerNorm', o.name, { dim: o.dim, eps }, [x], () => {
    if (x.shape.at(-1) !== o.dim) g.fail(`input ${formatShape(x.shape)} ends in ${x.shape.at(-1) ?? 0}, expected ${o.dim}`);
    const gamma = g.param('weight', [o.dim], ONES, false);
    const beta = g.param('bias', [o.dim], ZEROS, false);
    return op.add(g, op.mul(g, normalizeLastAxis(g, x, eps), gamma), beta);
  });
}

export interface GroupNormOptions extends LayerOptions {
  readonly groups: number;
  readonly channels: number;
  readonly eps?: number;
}

/** GroupNorm on [N, C, ...]: statistics per sample and channel group, then a per-channel affine. */
export function groupNorm(g: Graph, x: Tensor, o: GroupNormOptions): Tensor {
  const eps = o.eps ?? 1e-5;
  return g.layer('GroupNorm', o.name, { groups: o.groups, channels: o.channels, eps }, [x], () => {
    if (x.shape.length < 3) g.fail(`input ${formatShape(x.shape)} should be [N, C, ...spatial]`);
    if (x.shape[1] !== o.channels) g.fail(`input has ${x.shape[1] ?? 0} channels, expected ${o.channels}`);
    if (o.channels % o.groups !== 0) g.fail(`${o.groups} groups do not divide ${o.channels} channels`);
    const n = x.shape[0] ?? 1;
    const grouped = op.reshape(g, x, [n, o.groups, sizeOf(x.shape) / (n * o.groups)]);
    const normalized = op.reshape(g, normalizeLastAxis(g, grouped, eps), x.shape);
    const perChannel = [o.channels, ...x.shape.slice(2).map(() => 1)];
    const gamma = op.reshape(g, g.param('weight', [o.channels], ONES, false), perChannel);
    const beta = op.reshape(g, g.param('bias', [o.channels], ZEROS, false), perChannel);
    return op.add(g, op.mul(g, normalized, gamma), beta);
  });
}

/** A residual connection: the two branches must have the same shape (no silent broadcasting). */
export function residual(g: Graph, x: Tensor, branch: Tensor, o?: LayerOptions): Tensor {
  return g.layer('Residual', o?.name, {}, [x, branch], () => {
    if (!sameShape(x.shape, branch.shape)) g.fail(`branch ${formatShape(branch.shape)} does not match the skip ${formatShape(x.shape)}`);
    return op.add(g, x, branch);
  });
}

export interface ConcatOptions extends LayerOptions {
  /** Defaults to 1, the channel axis. */
  readonly axis?: number;
}

export function concat(g: Graph, xs: readonly Tensor[], o?: ConcatOptions): Tensor {
  const axis = o?.axis ?? 1;
  return g.layer('Concat', o?.name, { axis }, xs, () => op.concat(g, xs, axis));
}

export interface DropoutOptions extends LayerOptions {
  readonly rate: number;
}

/** Train-time dropout: multiplies by a mask input (0 or 1/(1-rate)); the inference graph drops it. */
export function dropout(g: Graph, x: Tensor, o: DropoutOptions): Tensor {
  return g.layer('Dropout', o.name, { rate: o.rate }, [x], () => {
    if (!(o.rate >= 0 && o.rate < 1)) g.fail(`rate ${o.rate} must be in [0, 1)`);
    return op.mul(g, x, g.mask(x.shape, o.rate));
  });
}

/** [N, ...] to [N, rest]. */
export function flatten(g: Graph, x: Tensor, o?: LayerOptions): Tensor {
  return g.layer('Flatten', o?.name, {}, [x], () => {
    const n = x.shape[0] ?? 1;
    return op.reshape(g, x, [n, sizeOf(x.shape) / n]);
  });
}
