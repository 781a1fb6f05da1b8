// face-api's TinyFaceDetector, FaceLandmark68Net and FaceRecognitionNet rebuilt as ONNX graphs with our graph builder, weights embedded; main process and workers.
import { buildInference, Graph, ops } from '../ml/graph/index.js';
import type { EmittedModel, Tensor } from '../ml/graph/index.js';
import { depthwiseToOnnx, hwioToOihw, weight } from './faceapi-weights.js';
import type { FaceApiWeights } from './faceapi-weights.js';

/** TensorFlow padding: 'same' (extra row/column at the bottom/right when odd), 'valid', or explicit ONNX pads [top, left, bottom, right]. */
export type TfPadding = 'same' | 'valid' | readonly [number, number, number, number];

/** ONNX pads [top, left, bottom, right] for a TensorFlow padding, from the static input size. */
export function tfPads(inH: number, inW: number, kernel: number, stride: number, padding: TfPadding): number[] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding !== 'same') return [...padding];
  const along = (size: number): [number, number] => {
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + kernel - size, 0);
    const before = Math.floor(total / 2);
    return [before, total - before];
  };
  const [top, bottom] = along(inH);
  const [left, right] = along(inW);
  return [top, left, bottom, right];
}

interface ConvSpec {
  readonly kernel: number;
  readonly stride: number;
  readonly padding: TfPadding;
  readonly outChannels: number;
  /** Channels per group on the input side times group = input channels; depthwise: group = channels. */
  readonly group?: number;
}

/** Accumulates a graph and the float32 values of its parameters, keyed by parameter name. */
class NetBuilder {
  readonly g = new Graph();
  readonly values = new Map<string, Float32Array>();

  /** Conv with ONNX weight [O, I/group, k, k] and optional bias, padded the TensorFlow way. */
  conv(name: string, x: Tensor, spec: ConvSpec, w: Float32Array, bias?: Float32Array): Tensor {
    const { g } = this;
    const [, c, h, wd] = x.shape as [number, number, number, number];
    const group = spec.group ?? 1;
    const pads = tfPads(h, wd, spec.kernel, spec.stride, spec.padding);
    const config = { kernel: spec.kernel, stride: spec.stride, pads, group, outChannels: spec.outChannels, bias: bias !== undefined };
    return g.layer('TfConv2d', name, config, [x], () => {
      const wt = g.param('weight', [spec.outChannels, c / group, spec.kernel, spec.kernel], { kind: 'constant', value: 0 }, true);
      this.values.set(wt.name, w);
      let b: Tensor | undefined;
      if (bias) {
        b = g.param('bias', [spec.outChannels], { kind: 'constant', value: 0 }, false);
        this.values.set(b.name, bias);
      }
      // ONNX pads list all begins, then all ends: [top, left, bottom, right].
      return ops.conv(g, x, wt, b, { strides: [spec.stride, spec.stride], pads, dilations: [1, 1], group });
    });
  }

  /** MaxPool with TensorFlow padding; padded cells never win (ONNX pads max pooling with -inf). */
  maxPool(name: string, x: Tensor, kernel: number, stride: number, padding: TfPadding): Tensor {
    return this.pool('MaxPool', name, x, kernel, stride, padding);
  }

  /** AveragePool over valid windows only (face-api uses it with 'valid'). */
  avgPool(name: string, x: Tensor, kernel: number, stride: number): Tensor {
    return this.pool('AveragePool', name, x, kernel, stride, 'valid');
  }

  private pool(op: 'MaxPool' | 'AveragePool', name: string, x: Tensor, kernel: number, stride: number, padding: TfPadding): Tensor {
    const { g } = this;
    const [n, c, h, wd] = x.shape as [number, number, number, number];
    const pads = tfPads(h, wd, kernel, stride, padding);
    const outH = Math.floor((h + pads[0]! + pads[2]! - kernel) / stride) + 1;
    const outW = Math.floor((wd + pads[1]! + pads[3]! - kernel) / stride) + 1;
    return g.layer(op, name, { kernel, stride, pads }, [x], () => {
      if (outH < 1 || outW < 1) g.fail(`input [${x.shape.join(', ')}] is too small for a ${kernel}x${kernel} window`);
      return g.emit(op, [x], [n, c, outH, outW], 'float32', {
        kernel_shape: { kind: 'ints', value: [kernel, kernel] },
        strides: { kind: 'ints', value: [stride, stride] },
        pads: { kind: 'ints', value: pads },
      });
    });
  }

  fn(kind: string, name: string, inputs: readonly Tensor[], body: () => Tensor): Tensor {
    return this.g.layer(kind, name, {}, inputs, body);
  }

  emit(outputs: Readonly<Record<string, Tensor>>, name: string): EmittedModel {
    return buildInference(this.g, { outputs, weights: this.values, name });
  }
}

const channelsOf = (x: Tensor): number => x.shape[1] ?? 0;

/** tf.separableConv2d: depthwise 3x3 (stride, padding) without bias, then pointwise 1x1 with face-api's bias. */
function separable(b: NetBuilder, weights: FaceApiWeights, prefix: string, name: string, x: Tensor, outChannels: number, stride: number, padding: TfPadding): Tensor {
  const c = channelsOf(x);
  const dw = depthwiseToOnnx(weight(weights, `${prefix}/depthwise_filter`, [3, 3, c, 1]));
  const pw = hwioToOihw(weight(weights, `${prefix}/pointwise_filter`, [1, 1, c, outChannels]));
  const bias = weight(weights, `${prefix}/bias`, [outChannels]).data;
  const depth = b.conv(`${name}.depthwise`, x, { kernel: 3, stride, padding, outChannels: c, group: c }, dw);
  return b.conv(`${name}.pointwise`, depth, { kernel: 1, stride: 1, padding: 'valid', outChannels }, pw, bias);
}

export type DetectorSize = 224 | 320 | 416 | 512 | 608;

/**
 * TinyFaceDetector: conv 3x3 (valid) + leaky ReLU(0.1), then five depthwise-separable blocks
 * (pad 1, leaky ReLU 0.1) with 2x2 max pools (stride 2, 2, 2, 2, then 1; TF 'same'), then a 1x1 conv
 * to 25 channels = 5 anchors x (x, y, w, h, score). Input `image` [1, 3, S, S] already normalised
 * ((pixel - mean) / 255); output `grid` [1, 25, S/32, S/32], channel = anchor * 5 + field.
 */
export function buildTinyFaceDetector(weights: FaceApiWeights, size: DetectorSize): EmittedModel {
  if (size % 32 !== 0) throw new Error(`TinyFaceDetector: input size ${size} must be a multiple of 32`);
  const b = new NetBuilder();
  const { g } = b;
  const image = g.input('image', [1, 3, size, size]);
  const leaky = (name: string, x: Tensor): Tensor => b.fn('LeakyReLU', name, [x], () => ops.leakyRelu(g, x, 0.1));
  let x = b.conv('conv0', image, { kernel: 3, stride: 1, padding: 'valid', outChannels: 16 }, hwioToOihw(weight(weights, 'conv0/filters', [3, 3, 3, 16])), weight(weights, 'conv0/bias', [16]).data);
  x = leaky('conv0.leaky', x);
  x = b.maxPool('pool0', x, 2, 2, 'same');
  const filters = [32, 64, 128, 256, 512];
  filters.forEach((out, i) => {
    const n = i + 1;
    x = separable(b, weights, `conv${n}`, `conv${n}`, x, out, 1, [1, 1, 1, 1]);
    x = leaky(`conv${n}.leaky`, x);
    x = b.maxPool(`pool${n}`, x, 2, n === 5 ? 1 : 2, 'same');
  });
  const grid = b.conv('conv8', x, { kernel: 1, stride: 1, padding: 'valid', outChannels: 25 }, hwioToOihw(weight(weights, 'conv8/filters', [1, 1, 512, 25])), weight(weights, 'conv8/bias', [25]).data);
  return b.emit({ grid }, `tiny_face_detector_${size}`);
}

/**
 * FaceLandmark68Net: four dense blocks (conv0 stride 2 — a plain 3x3 conv in the first block,
 * depthwise-separable after — then three separable convs, each fed the ReLU of the sum of all
 * earlier outputs), channels 32, 64, 128, 256 at 56, 28, 14, 7 px; 7x7 average pool; fully
 * connected 256 -> 136. Input `face` [1, 3, 112, 112] normalised; output `landmarks` [1, 136]
 * = 68 (x, y) relative to the padded square crop.
 */
export function buildFaceLandmark68(weights: FaceApiWeights): EmittedModel {
  const b = new NetBuilder();
  const { g } = b;
  const face = g.input('face', [1, 3, 112, 112]);
  const relu = (name: string, x: Tensor): Tensor => b.fn('ReLU', name, [x], () => ops.relu(g, x));
  const sumOf = (name: string, xs: readonly Tensor[]): Tensor => b.fn('Add', name, xs, () => ops.sum(g, xs));
  let x = face;
  [32, 64, 128, 256].forEach((channels, i) => {
    const p = `dense${i}`;
    const first =
      i === 0
        ? b.conv(`${p}.conv0`, x, { kernel: 3, stride: 2, padding: 'same', outChannels: channels }, hwioToOihw(weight(weights, `${p}/conv0/filters`, [3, 3, 3, channels])), weight(weights, `${p}/conv0/bias`, [channels]).data)
        : separable(b, weights, `${p}/conv0`, `${p}.conv0`, x, channels, 2, 'same');
    const out1 = relu(`${p}.out1`, first);
    const out2 = separable(b, weights, `${p}/conv1`, `${p}.conv1`, out1, channels, 1, 'same');
    const in3 = relu(`${p}.in3`, sumOf(`${p}.sum3`, [out1, out2]));
    const out3 = separable(b, weights, `${p}/conv2`, `${p}.conv2`, in3, channels, 1, 'same');
    const in4 = relu(`${p}.in4`, sumOf(`${p}.sum4`, [out1, out2, out3]));
    const out4 = separable(b, weights, `${p}/conv3`, `${p}.conv3`, in4, channels, 1, 'same');
    x = relu(`${p}.out`, sumOf(`${p}.sum`, [out1, out2, out3, out4]));
  });
  const pooled = b.avgPool('pool', x, 7, 2);
  const fcW = weight(weights, 'fc/weights', [256, 136]).data;
  const fcB = weight(weights, 'fc/bias', [136]).data;
  const landmarks = g.layer('Linear', 'fc', { inFeatures: 256, outFeatures: 136 }, [pooled], () => {
    const w = g.param('weight', [256, 136], { kind: 'constant', value: 0 }, true);
    const bias = g.param('bias', [136], { kind: 'constant', value: 0 }, false);
    b.values.set(w.name, fcW);
    b.values.set(bias.name, fcB);
    return ops.add(g, ops.matmul(g, ops.reshape(g, pooled, [1, 256]), w), bias);
  });
  return b.emit({ landmarks }, 'face_landmark_68');
}

/** conv + bias then face-api's per-channel scale layer (x * weights + biases), folded into the conv. */
function scaledConv(b: NetBuilder, weights: FaceApiWeights, prefix: string, name: string, x: Tensor, outChannels: number, kernel: number, stride: number, padding: TfPadding): Tensor {
  const c = channelsOf(x);
  const filters = weight(weights, `${prefix}/conv/filters`, [kernel, kernel, c, outChannels]);
  const bias = weight(weights, `${prefix}/conv/bias`, [outChannels]).data;
  const s = weight(weights, `${prefix}/scale/weights`, [outChannels]).data;
  const t = weight(weights, `${prefix}/scale/biases`, [outChannels]).data;
  const w = hwioToOihw(filters);
  const per = c * kernel * kernel;
  for (let o = 0; o < outChannels; o++) for (let i = 0; i < per; i++) w[o * per + i]! *= s[o]!;
  const folded = Float32Array.from(bias, (v, o) => v * s[o]! + t[o]!);
  return b.conv(name, x, { kernel, stride, padding, outChannels }, w, folded);
}

/**
 * FaceRecognitionNet (dlib's ResNet-34-like metric network): 7x7/2 conv (valid) + scale + ReLU,
 * 3x3/2 max pool (valid), residual stages 32x3, 64x4, 128x3, 256x3 plus a final 256 down block
 * (down blocks: 3x3/2 valid conv, skip = 2x2/2 average pool zero-padded in channels and, when the
 * conv output is one cell smaller, a zero row/column appended to the conv output), global mean,
 * fully connected 256 -> 128 without bias. Input `face` [1, 3, 150, 150]; output `descriptor` [1, 128].
 */
export function buildFaceRecognition(weights: FaceApiWeights): EmittedModel {
  const b = new NetBuilder();
  const { g } = b;
  const face = g.input('face', [1, 3, 150, 150]);
  const relu = (name: string, x: Tensor): Tensor => b.fn('ReLU', name, [x], () => ops.relu(g, x));
  let x = relu('conv32_down.relu', scaledConv(b, weights, 'conv32_down', 'conv32_down', face, 32, 7, 2, 'valid'));
  x = b.maxPool('pool', x, 3, 2, 'valid');
  const residual = (p: string, input: Tensor): Tensor => {
    const c = channelsOf(input);
    const h = relu(`${p}.conv1.relu`, scaledConv(b, weights, `${p}/conv1`, `${p}.conv1`, input, c, 3, 1, 'same'));
    const out = scaledConv(b, weights, `${p}/conv2`, `${p}.conv2`, h, c, 3, 1, 'same');
    return relu(`${p}.relu`, b.fn('Add', `${p}.add`, [out, input], () => ops.add(g, out, input)));
  };
  const residualDown = (p: string, input: Tensor, outChannels: number): Tensor => {
    const h = relu(`${p}.conv1.relu`, scaledConv(b, weights, `${p}/conv1`, `${p}.conv1`, input, outChannels, 3, 2, 'valid'));
    let out = scaledConv(b, weights, `${p}/conv2`, `${p}.conv2`, h, outChannels, 3, 1, 'same');
    let pooled = b.avgPool(`${p}.skip`, input, 2, 2);
    const [, pc, ph, pw] = pooled.shape as [number, number, number, number];
    const [, , oh, ow] = out.shape as [number, number, number, number];
    if (oh !== ph || ow !== pw) {
      const grown = out;
      out = b.fn('Pad', `${p}.grow`, [grown], () => ops.pad(g, grown, [0, 0, 0, 0, 0, 0, ph - oh, pw - ow]));
    }
    if (pc !== outChannels) {
      const narrow = pooled;
      pooled = b.fn('Pad', `${p}.widen`, [narrow], () => ops.pad(g, narrow, [0, 0, 0, 0, 0, outChannels - pc, 0, 0]));
    }
    const sum = out;
    const skip = pooled;
    return relu(`${p}.relu`, b.fn('Add', `${p}.add`, [skip, sum], () => ops.add(g, skip, sum)));
  };
  for (const p of ['conv32_1', 'conv32_2', 'conv32_3']) x = residual(p, x);
  x = residualDown('conv64_down', x, 64);
  for (const p of ['conv64_1', 'conv64_2', 'conv64_3']) x = residual(p, x);
  x = residualDown('conv128_down', x, 128);
  for (const p of ['conv128_1', 'conv128_2']) x = residual(p, x);
  x = residualDown('conv256_down', x, 256);
  for (const p of ['conv256_1', 'conv256_2']) x = residual(p, x);
  x = residualDown('conv256_down_out', x, 256);
  const features = x;
  const fc = weight(weights, 'fc', [256, 128]).data;
  const descriptor = g.layer('Linear', 'fc', { inFeatures: 256, outFeatures: 128, bias: false }, [features], () => {
    const w = g.param('weight', [256, 128], { kind: 'constant', value: 0 }, true);
    b.values.set(w.name, fc);
    return ops.matmul(g, ops.reshape(g, ops.reduceMean(g, features, [2, 3], false), [1, 256]), w);
  });
  return b.emit({ descriptor }, 'face_recognition');
}
