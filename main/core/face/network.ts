// The mouth generator network (audio window + reference mouth + masked crop → mouth crop) and its training recipe; training worker and main process (inference rebuilds it).
import * as nn from '../ml/graph/index.js';
import type { Graph, Tensor } from '../ml/graph/index.js';
import { type Dataset, type ModelSpec, type RecipeDefinition, preparedRecipe } from '../ml/train/recipe.js';
import { AUDIO_WINDOW, MEL_BANDS, MOUTH_SIZE } from './spec.js';

export interface FaceNetworkDims {
  /** Image encoder channels at 48, 24 and 12 pixels, multiples of 4 (GroupNorm in 4 groups); the decoder mirrors them. */
  readonly channels: readonly [number, number, number];
  /** Channels of the last decoder stage, at the full 96 pixels (kept small: every pixel of it costs at render time). */
  readonly outChannels: number;
  /** Length of the audio code tiled over the 12 × 12 bottleneck. */
  readonly audio: number;
}

export interface FaceLoss {
  /** Weight of the mouth-weighted mean absolute error. */
  readonly l1: number;
  /** Weight of 1 − SSIM (7-pixel Gaussian window) of the luma over the whole crop. */
  readonly ssim: number;
}

export const DEFAULT_FACE_DIMS: FaceNetworkDims = { channels: [16, 32, 64], outChannels: 8, audio: 64 };
/**
 * SSIM of the luma keeps edges and local contrast (lip outline, teeth) that L1 alone averages into blur; at 0.2 it
 * refines rather than leads: the mouth-weighted L1 is the term that ties the drawn mouth to the audio.
 */
export const DEFAULT_FACE_LOSS: FaceLoss = { l1: 1, ssim: 0.2 };

/** The inference output: the generated mouth crop [batch, 3, 96, 96], 0..1. */
export const FACE_OUTPUT = 'mouth';

/** Audio encoder geometry: three stride-2 convolutions take the 40 × 40 window to 5 × 5. */
const AUDIO_CHANNELS = [16, 32, 32] as const;
const AUDIO_SIDE = 5;
const BOTTLENECK_SIDE = MOUTH_SIZE / 8;
const SLOPE = 0.2;
const NORM_GROUPS = 4;
/** A fresh head's outputs of ±0.5 move the reference by ±0.05 rather than burying it, so training starts near the copy. */
const DELTA_SCALE = 0.1;

function conv(inC: number, outC: number, k: number): number {
  return outC * inC * k * k + outC;
}

/** Parameters of buildFaceNetwork(…, dims): what the weights file holds. */
export function faceParamCount(dims: FaceNetworkDims): number {
  const [c1, c2, c3] = dims.channels;
  const [a1, a2, a3] = AUDIO_CHANNELS;
  const norms = 2 * (c1 + c2 + c3 + a1 + a2 + a3 + 2 * c3 + c2 + c2 + c1 + c1);
  const image = conv(6, c1, 3) + conv(c1, c2, 3) + conv(c2, c3, 3);
  const audio = conv(1, a1, 3) + conv(a1, a2, 3) + conv(a2, a3, 3) + a3 * AUDIO_SIDE * AUDIO_SIDE * dims.audio + dims.audio;
  const bottleneck = conv(c3 + dims.audio, c3, 3) + conv(c3, c3, 3);
  const decoder = conv(c3, c2, 4) + conv(2 * c2, c2, 3) + conv(c2, c1, 4) + conv(2 * c1, c1, 3) + conv(c1, dims.outChannels, 4) + conv(dims.outChannels + 6, 4, 1);
  return norms + image + audio + bottleneck + decoder;
}

/**
 * GroupNorm then LeakyReLU. Normalising made the synthetic mouth task converge in about half the steps; the full-size
 * stage goes without, since a norm over 96² maps costs render time and training time for no measured gain.
 */
function act(g: Graph, x: Tensor, name: string, norm = true): Tensor {
  const h = norm ? nn.groupNorm(g, x, { name: `${name}.norm`, groups: NORM_GROUPS, channels: x.shape[1] ?? 0 }) : x;
  return nn.leakyRelu(g, h, { name: `${name}.act`, alpha: SLOPE });
}

function down(g: Graph, x: Tensor, name: string, inChannels: number, outChannels: number): Tensor {
  return act(g, nn.conv2d(g, x, { name, inChannels, outChannels, kernel: 3, stride: 2, padding: 1 }), name);
}

function same(g: Graph, x: Tensor, name: string, inChannels: number, outChannels: number): Tensor {
  return act(g, nn.conv2d(g, x, { name, inChannels, outChannels, kernel: 3, padding: 1 }), name);
}

/** A 4×4 stride-2 transposed convolution doubles the side exactly and, unlike nearest upsampling, learns its interpolation. */
function up(g: Graph, x: Tensor, name: string, inChannels: number, outChannels: number, norm = true): Tensor {
  return act(g, nn.convTranspose2d(g, x, { name, inChannels, outChannels, kernel: 4, stride: 2, padding: 1 }), name, norm);
}

/** [B, A] → [B, A, side, side]: the same audio code at every bottleneck position. */
function tile(g: Graph, code: Tensor, side: number): Tensor {
  return g.layer('Tile2d', 'audio.tile', { side }, [code], () => {
    const [b, a] = code.shape as [number, number];
    return nn.ops.expand(g, nn.ops.reshape(g, code, [b, a, 1, 1]), [b, a, side, side]);
  });
}

/**
 * The output: gm · masked + (1 − gm) · (reference + Δ), the gate gm a sigmoid of the head's first channel and Δ its
 * other three. Most of the crop is a copy (the unblanked rows of the current frame, skin and jaw of the reference), so
 * the network starts at the "copy the reference" answer and spends its capacity on the mouth. A plain sigmoid output
 * must first learn to reproduce every pixel (many more steps, and blur); a sigmoid gate between the reference and a
 * drawn colour locked onto the reference before the colour was any good and never let go. Δ is linear: values past
 * 0..1 are clamped when the crop is read out (planarToCrop).
 */
function compose(g: Graph, head: Tensor, masked: Tensor, reference: Tensor): Tensor {
  return g.layer('Compose', 'compose', { deltaScale: DELTA_SCALE }, [head, masked, reference], () => {
    const gate = nn.ops.sigmoid(g, nn.ops.slice(g, head, [0], [1], [1]));
    const drawn = nn.ops.add(g, reference, nn.ops.mul(g, nn.ops.slice(g, head, [1], [4], [1]), DELTA_SCALE));
    return nn.ops.add(g, drawn, nn.ops.mul(g, gate, nn.ops.sub(g, masked, drawn)));
  });
}

/** Rec. 601 luma [B, 1, H, W] of an RGB batch: structure lives in brightness, and SSIM over one channel costs a third of three. */
function luma(g: Graph, rgb: Tensor, name: string): Tensor {
  return g.layer(
    'Luma',
    name,
    {},
    [rgb],
    () => {
      const channel = (c: number, w: number) => nn.ops.mul(g, nn.ops.slice(g, rgb, [c], [c + 1], [1]), w);
      return nn.ops.sum(g, [channel(0, 0.299), channel(1, 0.587), channel(2, 0.114)]);
    },
    'loss',
  );
}

/**
 * weight · |y − t| averaged over every value, plus 1 − SSIM: one loss layer, outside the architecture hash.
 * The dataset scales `weight` to mean 1, so the L1 term stays on the scale of a plain mean absolute error.
 */
export function faceLoss(g: Graph, y: Tensor, t: Tensor, weight: Tensor, loss: FaceLoss = DEFAULT_FACE_LOSS): Tensor {
  const l1 = g.layer(
    'WeightedL1Loss',
    'loss.l1',
    {},
    [y, t, weight],
    () => {
      const e = nn.ops.mul(g, nn.ops.abs(g, nn.ops.sub(g, y, t)), weight);
      return nn.ops.reduceMean(g, e, [0, 1, 2, 3], false);
    },
    'loss',
  );
  const ssim = nn.ssimLoss(g, luma(g, y, 'loss.luma_y'), luma(g, t, 'loss.luma_t'), { name: 'loss.ssim' });
  return nn.combineLosses(
    g,
    [
      { loss: l1, weight: loss.l1 },
      { loss: ssim, weight: loss.ssim },
    ],
    { name: 'loss' },
  );
}

/**
 * audio [B, 1, 40, 40] normalised log-mel window (time × band); reference [B, 3, 96, 96] a rest mouth of the creator, 0..1;
 * masked [B, 3, 96, 96] the current crop blanked from the upper lip down, 0..1; t [B, 3, 96, 96] the real crop; weight
 * [B, 1, 96, 96] per-pixel L1 weight (heavier on the mouth). A U-Net over both crops down to 12 × 12, where the audio
 * code joins; skips at 48 and 24 pixels, and the crops themselves at the 1 × 1 head, whose output `compose` turns into
 * the crop. Only 8 channels ever exist at 96 × 96: full-size maps dominate the cost at render time.
 */
export function buildFaceNetwork(batchSize: number, dims: FaceNetworkDims = DEFAULT_FACE_DIMS, loss: FaceLoss = DEFAULT_FACE_LOSS): ModelSpec {
  const [c1, c2, c3] = dims.channels;
  const [a1, a2, a3] = AUDIO_CHANNELS;
  const image = [batchSize, 3, MOUTH_SIZE, MOUTH_SIZE];
  const g = new nn.Graph();
  const audio = g.input('audio', [batchSize, 1, AUDIO_WINDOW, MEL_BANDS]);
  const reference = g.input('reference', image);
  const masked = g.input('masked', image);
  const t = g.input('t', image);
  const weight = g.input('weight', [batchSize, 1, MOUTH_SIZE, MOUTH_SIZE]);

  const crops = nn.concat(g, [reference, masked], { name: 'crops' });
  const e1 = down(g, crops, 'enc1', 6, c1);
  const e2 = down(g, e1, 'enc2', c1, c2);
  const e3 = down(g, e2, 'enc3', c2, c3);

  let a = down(g, audio, 'audio1', 1, a1);
  a = down(g, a, 'audio2', a1, a2);
  a = down(g, a, 'audio3', a2, a3);
  const code = act(g, nn.linear(g, nn.flatten(g, a, { name: 'audio.flat' }), { name: 'audio.fc', inFeatures: a3 * AUDIO_SIDE * AUDIO_SIDE, outFeatures: dims.audio }), 'audio.fc', false);

  let b = same(g, nn.concat(g, [e3, tile(g, code, BOTTLENECK_SIDE)], { name: 'mix.in' }), 'mix1', c3 + dims.audio, c3);
  b = same(g, b, 'mix2', c3, c3);

  const d2 = same(g, nn.concat(g, [up(g, b, 'up2', c3, c2), e2], { name: 'skip2' }), 'dec2', 2 * c2, c2);
  const d1 = same(g, nn.concat(g, [up(g, d2, 'up1', c2, c1), e1], { name: 'skip1' }), 'dec1', 2 * c1, c1);
  const d0 = nn.concat(g, [up(g, d1, 'up0', c1, dims.outChannels, false), crops], { name: 'skip0' });
  const head = nn.conv2d(g, d0, { name: 'out', inChannels: dims.outChannels + 6, outChannels: 4, kernel: 1, init: 'xavier' });
  const y = compose(g, head, masked, reference);
  return { graph: g, loss: faceLoss(g, y, t, weight, loss), outputs: { [FACE_OUTPUT]: y } };
}

export interface FaceRecipeOptions {
  readonly dims?: FaceNetworkDims;
  readonly loss?: FaceLoss;
  readonly batchSize?: number;
  readonly stepsPerRun?: number;
  readonly learningRate?: number;
  readonly weightDecay?: number;
  readonly patience?: number;
  readonly epochs?: number;
}

/** One step per run: on the CPU there is no device copy to amortise, and shorter runs answer pause and cancel sooner. */
export const FACE_RECIPE_DEFAULTS = { batchSize: 16, stepsPerRun: 1, learningRate: 2e-3, weightDecay: 1e-4, patience: 4, epochs: 20 } as const;

/** A recipe over an already prepared dataset (see buildFaceDataset); it is built per training job, not registered. */
export function faceRecipe(dataset: Dataset, options: FaceRecipeOptions = {}): RecipeDefinition {
  const o = { ...FACE_RECIPE_DEFAULTS, ...options };
  const dims = options.dims ?? DEFAULT_FACE_DIMS;
  return preparedRecipe({ name: 'face-mouth', title: 'Mouth generator', description: 'Draws the creator’s mouth for 0.4 s of audio around each frame, from a rest mouth and the crop blanked from the upper lip down.' }, o, dataset, (batchSize) => buildFaceNetwork(batchSize, dims, o.loss));
}
