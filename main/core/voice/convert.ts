// Voice conversion at inference: trained weights + normalisation statistics turn eSpeak NG frames into the creator's frames on the CPU; main process and render workers.
import type { InferenceSession } from 'onnxruntime-node';
import { buildInference, decodeWeights } from '../ml/graph/index.js';
import { ort, sessionOptions } from '../ml/runtime/sessions.js';
import { floatOutput } from '../ml/runtime/tensors.js';
import { inputSize, restoreTargets, sourceInputs, targetFrameSize } from './dataset.js';
import type { VoiceStats } from './dataset.js';
import { buildVoiceNetwork, VOICE_OUTPUT, voiceNetworkDims } from './network.js';
import type { VoiceNetworkDims } from './network.js';
import type { VoiceFrames } from './spec.js';

/** Frames per session.run: large enough to keep the matrix products efficient, small enough that padding the last batch is cheap. */
export const DEFAULT_BATCH_FRAMES = 256;

export interface VoiceConverterOptions {
  /** The network the weights were trained for; default voiceNetworkDims(stats). The weights' architecture hash must match. */
  readonly dims?: VoiceNetworkDims;
  readonly batchFrames?: number;
  /** Intra-op threads; default 1, so conversion leaves the other core to the studio. */
  readonly threads?: number;
}

/** Maps the source F0 contour (Hz, 0 unvoiced) to the creator's; it must return one value per frame. */
export type F0Mapping = (f0: Float32Array) => Float32Array;

export class VoiceConverter {
  private constructor(
    private readonly session: InferenceSession,
    private readonly stats: VoiceStats,
    private readonly batchFrames: number,
  ) {}

  /** Rebuilds the network from its description, embeds `weights` (safetensors bytes as training saved them) and opens a session. */
  static async open(weights: Uint8Array, stats: VoiceStats, options: VoiceConverterOptions = {}): Promise<VoiceConverter> {
    const dims = options.dims ?? voiceNetworkDims(stats);
    if (dims.context !== stats.context || dims.bands !== stats.bands) {
      throw new Error(`voice converter: the network sees ±${dims.context} frames of ${dims.bands} bands, the statistics ±${stats.context} of ${stats.bands}`);
    }
    const batchFrames = options.batchFrames ?? DEFAULT_BATCH_FRAMES;
    if (!Number.isInteger(batchFrames) || batchFrames < 1) throw new Error(`voice converter: batchFrames must be a positive integer, got ${batchFrames}`);
    const spec = buildVoiceNetwork(batchFrames, dims);
    const model = buildInference(spec.graph, { outputs: spec.outputs, weights: decodeWeights(spec.graph, weights), name: 'voice_convert' });
    const session = await ort().InferenceSession.create(model.bytes, sessionOptions('cpu', options.threads ?? 1));
    return new VoiceConverter(session, stats, batchFrames);
  }

  /** The creator's frames for `frames`: mel-cepstrum and aperiodicity from the network, F0 through `mapF0` (identity by default). */
  async convert(frames: VoiceFrames, mapF0: F0Mapping = (f0) => f0): Promise<VoiceFrames> {
    const count = frames.f0.length;
    const f0 = mapF0(frames.f0);
    if (f0.length !== count) throw new Error(`voice converter: the F0 mapping returned ${f0.length} values for ${count} frames`);
    if (count === 0) return { f0: new Float32Array(0), mcep: [], bap: [] };
    const width = inputSize(this.stats.context, this.stats.bands);
    const outWidth = targetFrameSize(this.stats.bands);
    const inputs = sourceInputs(frames, this.stats);
    const rows = new Float32Array(count * outWidth);
    const batch = new Float32Array(this.batchFrames * width);
    const { Tensor } = ort();
    for (let start = 0; start < count; start += this.batchFrames) {
      const take = Math.min(this.batchFrames, count - start);
      // The last batch is padded with zeros (the mean frame); those rows are computed and dropped.
      if (take < this.batchFrames) batch.fill(0);
      batch.set(inputs.subarray(start * width, (start + take) * width));
      const out = await this.session.run({ x: new Tensor('float32', batch, [this.batchFrames, width]) });
      rows.set(floatOutput(out, VOICE_OUTPUT).subarray(0, take * outWidth), start * outWidth);
    }
    const { mcep, bap } = restoreTargets(rows, this.stats);
    return { f0: Float32Array.from(f0), mcep, bap };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
