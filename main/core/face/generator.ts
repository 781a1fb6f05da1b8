// The mouth generator at render time: trained weights + audio statistics draw one mouth crop per video frame on the CPU; main process and render workers.
import type { InferenceSession } from 'onnxruntime-node';
import { buildInference, decodeWeights } from '../ml/graph/index.js';
import { ort, sessionOptions } from '../ml/runtime/sessions.js';
import { floatOutput } from '../ml/runtime/tensors.js';
import { blankMouth, cropToPlanar, normaliseAudio, planarToCrop } from './dataset.js';
import type { FaceStats } from './dataset.js';
import { buildFaceNetwork, DEFAULT_FACE_DIMS, FACE_OUTPUT } from './network.js';
import type { FaceNetworkDims } from './network.js';
import { AUDIO_WINDOW, MEL_BANDS, MOUTH_SIZE } from './spec.js';

export interface MouthGeneratorOptions {
  /** Intra-op threads; default 1, so drawing leaves the other core to blending and encoding. */
  readonly threads?: number;
}

export class MouthGenerator {
  private constructor(
    private readonly session: InferenceSession,
    private readonly stats: FaceStats,
  ) {}

  /**
   * Rebuilds the network for one frame at a time (frames arrive one by one while rendering), embeds `weights`
   * (safetensors bytes as training saved them; the architecture hash must match `dims`) and opens a session.
   */
  static async open(weights: Uint8Array, stats: FaceStats, dims: FaceNetworkDims = DEFAULT_FACE_DIMS, options: MouthGeneratorOptions = {}): Promise<MouthGenerator> {
    if (stats.bands !== MEL_BANDS || stats.window !== AUDIO_WINDOW) throw new Error(`mouth generator: the statistics are for ${stats.window} × ${stats.bands} audio windows, expected ${AUDIO_WINDOW} × ${MEL_BANDS}`);
    const spec = buildFaceNetwork(1, dims);
    const model = buildInference(spec.graph, { outputs: spec.outputs, weights: decodeWeights(spec.graph, weights), name: 'face_mouth' });
    const session = await ort().InferenceSession.create(model.bytes, sessionOptions('cpu', options.threads ?? 1));
    return new MouthGenerator(session, stats);
  }

  /**
   * One mouth crop (96 × 96 RGB bytes) for a raw log-mel window (AUDIO_WINDOW × MEL_BANDS, as preparation makes them),
   * the rest reference crop (restFrame) and the current frame's crop. The crop is blanked here as training blanked it, so
   * the mouth to redraw can never leak in; the blanking mask is 0 or 1, so a crop already blanked gives the same mouth.
   */
  async generate(audioWindow: Float32Array, reference: Uint8Array, current: Uint8Array): Promise<Uint8Array> {
    const { Tensor } = ort();
    const image = [1, 3, MOUTH_SIZE, MOUTH_SIZE];
    const out = await this.session.run({
      audio: new Tensor('float32', normaliseAudio(audioWindow, this.stats), [1, 1, AUDIO_WINDOW, MEL_BANDS]),
      reference: new Tensor('float32', cropToPlanar(reference), image),
      masked: new Tensor('float32', cropToPlanar(blankMouth(current)), image),
    });
    return planarToCrop(floatOutput(out, FACE_OUTPUT));
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
