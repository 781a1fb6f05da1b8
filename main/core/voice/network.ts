// The voice-conversion network (context window of eSpeak frames → one creator frame) and its training recipe; training worker and main process (inference rebuilds it).
import * as nn from '../ml/graph/index.js';
import type { Graph, Tensor } from '../ml/graph/index.js';
import type { LearningRateSchedule } from '../ml/train/schedule.js';
import { type Dataset, type ModelSpec, type RecipeDefinition, preparedRecipe } from '../ml/train/recipe.js';
import { centreOffset, inputSize, targetFrameSize } from './dataset.js';
import type { VoiceStats } from './dataset.js';
import { FRAME_SECONDS, MCEP_SIZE } from './spec.js';

export interface VoiceNetworkDims {
  /** Source frames either side of the centre frame. */
  readonly context: number;
  /** Band-aperiodicity bands per frame. */
  readonly bands: number;
  /** Width of the hidden layers. */
  readonly hidden: number;
  /** Pre-norm residual blocks h + W·GELU(LayerNorm(h)) after the input projection. */
  readonly blocks: number;
  /** Predict the normalised target as the centre source frame plus a correction, rather than from scratch. */
  readonly residual: boolean;
}

export interface VoiceLoss {
  readonly kind: 'l1' | 'l2';
  /** Weight of each aperiodicity band relative to one mel-cepstral coefficient. */
  readonly bapWeight: number;
}

/**
 * Measured on a 10-minute eSpeak NG voice pair (held-out MCD after 6 epochs, ±4 frames): 512 wide with 3 blocks 4.57 dB,
 * 1 block 4.77, 256 wide 4.78; predicting a correction to the centre frame was worse (4.74), the speakers being far apart.
 */
export const DEFAULT_VOICE_SHAPE = { hidden: 512, blocks: 3, residual: false } as const;
/** L1 beat L2 on held-out MCD (4.57 against 4.81 dB); the bap weight did not move MCD (0.25, 0.5, 1 within 0.02 dB) while 1 gave the best aperiodicity. */
export const DEFAULT_VOICE_LOSS: VoiceLoss = { kind: 'l1', bapWeight: 1 };

/** Dims for data normalised with `stats`, default size unless overridden. */
export function voiceNetworkDims(stats: VoiceStats, shape: Partial<Pick<VoiceNetworkDims, 'hidden' | 'blocks' | 'residual'>> = {}): VoiceNetworkDims {
  return { ...DEFAULT_VOICE_SHAPE, ...shape, context: stats.context, bands: stats.bands };
}

export function voiceParamCount(dims: VoiceNetworkDims): number {
  const h = dims.hidden;
  const out = targetFrameSize(dims.bands);
  return (inputSize(dims.context, dims.bands) + 1) * h + dims.blocks * (2 * h + (h + 1) * h) + 2 * h + (h + 1) * out;
}

/** The centre frame's mcep and bap, laid out as a target row, so the network can learn a correction to it. */
function centreFrame(g: Graph, x: Tensor, dims: VoiceNetworkDims): Tensor {
  return g.layer('CentreFrame', 'centre', { context: dims.context, bands: dims.bands }, [x], () => {
    const at = centreOffset(dims.context, dims.bands);
    const mcep = nn.ops.slice(g, x, [at], [at + MCEP_SIZE], [1]);
    const bap = nn.ops.slice(g, x, [at + MCEP_SIZE + 2], [at + MCEP_SIZE + 2 + dims.bands], [1]);
    return nn.ops.concat(g, [mcep, bap], 1);
  });
}

/** mean(w_d · |y − t|) or mean(w_d · (y − t)²), w_d = 1 on mcep and bapWeight on bap: one layer, outside the architecture hash. */
function weightedLoss(g: Graph, y: Tensor, t: Tensor, dims: VoiceNetworkDims, loss: VoiceLoss): Tensor {
  return g.layer(
    'VoiceLoss',
    'loss',
    { kind: loss.kind, bapWeight: loss.bapWeight },
    [y, t],
    () => {
      const size = targetFrameSize(dims.bands);
      const weights = Array.from({ length: size }, (_, d) => (d < MCEP_SIZE ? 1 : loss.bapWeight));
      const d = nn.ops.sub(g, y, t);
      const e = loss.kind === 'l1' ? nn.ops.abs(g, d) : nn.ops.mul(g, d, d);
      const weighted = nn.ops.mul(g, e, g.constant(weights, [size]));
      return nn.ops.reduceMean(g, weighted, [0, 1], false);
    },
    'loss',
  );
}

/** The inference output: the predicted normalised target frame. */
export const VOICE_OUTPUT = 'y';

/**
 * x [batch, (2·context + 1)·(40 + 2 + bands)] normalised source frames; t [batch, 40 + bands] normalised target frame.
 */
export function buildVoiceNetwork(batchSize: number, dims: VoiceNetworkDims, loss: VoiceLoss = DEFAULT_VOICE_LOSS): ModelSpec {
  const g = new nn.Graph();
  const inputs = inputSize(dims.context, dims.bands);
  const outputs = targetFrameSize(dims.bands);
  const x = g.input('x', [batchSize, inputs]);
  const t = g.input('t', [batchSize, outputs]);
  let h = nn.linear(g, x, { name: 'in', inFeatures: inputs, outFeatures: dims.hidden });
  for (let b = 0; b < dims.blocks; b++) {
    const branch = nn.gelu(g, nn.layerNorm(g, h, { name: `block${b}.norm`, dim: dims.hidden }), { name: `block${b}.act` });
    h = nn.residual(g, h, nn.linear(g, branch, { name: `block${b}.fc`, inFeatures: dims.hidden, outFeatures: dims.hidden }), { name: `block${b}` });
  }
  h = nn.gelu(g, nn.layerNorm(g, h, { name: 'out.norm', dim: dims.hidden }), { name: 'out.act' });
  let y = nn.linear(g, h, { name: 'out', inFeatures: dims.hidden, outFeatures: outputs, init: 'xavier' });
  if (dims.residual) y = nn.residual(g, centreFrame(g, x, dims), y, { name: 'skip' });
  return { graph: g, loss: weightedLoss(g, y, t, dims, loss), outputs: { [VOICE_OUTPUT]: y } };
}

export interface VoiceRecipeOptions {
  readonly dims: VoiceNetworkDims;
  readonly loss?: VoiceLoss;
  readonly batchSize?: number;
  readonly stepsPerRun?: number;
  readonly learningRate?: number;
  readonly learningRateSchedule?: LearningRateSchedule;
  readonly weightDecay?: number;
  readonly patience?: number;
  readonly epochs?: number;
}

/**
 * 2e-3 learned faster than 1e-3 and ended lower after 15 epochs (4.26 against 4.30 dB); 5e-4 lagged. Held at 2e-3, validation
 * was still improving after 15 epochs, and 30 reached 3.01 dB held-out MCD on the test creator's 10 minutes. Decayed along a
 * cosine after a 3 % warm-up, 12 epochs reach 3.04 dB and 10 reach 3.05 dB in a third of the time.
 */
export const VOICE_RECIPE_DEFAULTS = {
  batchSize: 256,
  stepsPerRun: 4,
  learningRate: 2e-3,
  learningRateSchedule: { kind: 'cosine', warmup: 0.03, floor: 0.05 },
  weightDecay: 1e-4,
  patience: 4,
  epochs: 10,
} as const;

/** A recipe over an already prepared dataset (see buildVoiceDataset); it is built per training job, not registered. */
export function voiceRecipe(dataset: Dataset, options: VoiceRecipeOptions): RecipeDefinition {
  const o = { ...VOICE_RECIPE_DEFAULTS, ...options };
  return preparedRecipe({ name: 'voice-convert', title: 'Voice conversion', description: `Maps eSpeak NG frames (with ±${Math.round(o.dims.context * FRAME_SECONDS * 1000)} ms of context) to the creator’s mel-cepstrum and aperiodicity.` }, o, dataset, (batchSize) => buildVoiceNetwork(batchSize, o.dims, o.loss));
}
