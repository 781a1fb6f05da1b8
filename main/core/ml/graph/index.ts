// Public API of the ONNX graph builder: layers, losses, train-step / gradient / inference graphs, weights I/O; main process and workers.
export { Graph, RESERVED_NAMES } from './builder.js';
export type { DType, Json, LayerRecord, Mask, Param, ParamInit, Scope, Shape, Tensor } from './builder.js';
export * as ops from './ops.js';
export type { ConvOptions, ConvTransposeOptions, Operand } from './ops.js';
export { concat, conv1d, conv2d, convTranspose2d, dropout, flatten, gelu, groupNorm, layerNorm, leakyRelu, linear, relu, residual, sigmoid, tanh, upsample2d } from './layers.js';
export type {
  ConcatOptions,
  Conv1dOptions,
  Conv2dOptions,
  ConvTranspose2dOptions,
  DropoutOptions,
  GeluOptions,
  GroupNormOptions,
  InitScheme,
  LayerNormOptions,
  LayerOptions,
  LeakyReluOptions,
  LinearOptions,
  Upsample2dOptions,
} from './layers.js';
export { combineLosses, l1Loss, l2Loss, ssimLoss } from './losses.js';
export type { LossTerm, SsimOptions } from './losses.js';
export { gradients } from './autodiff.js';
export { DEFAULT_ADAMW } from './optimizer.js';
export type { AdamWOptions } from './optimizer.js';
export { IR_VERSION, OPSET_VERSION } from './emit.js';
export type { EmittedModel } from './emit.js';
export { buildTrainStep, TRAIN_NAMES } from './train-step.js';
export type { TrainMask, TrainStepGraph, TrainStepOptions, TrainValue } from './train-step.js';
export { buildGradientGraph, gradName } from './gradient-graph.js';
export type { GradientGraphOptions } from './gradient-graph.js';
export { buildInference } from './inference.js';
export type { InferenceOptions } from './inference.js';
export { initialTrainState, readTrainOutputs, trainFeeds } from './train-io.js';
export type { Fetches, HostTensor, TrainFeedOptions, TrainResult, TrainState, WeightMap } from './train-io.js';
export { dropoutMask, randomStream } from './random.js';
export { architecture, architectureHash, canonicalJson, decodeTrainState, decodeWeights, encodeTrainState, encodeWeights, initWeights, METADATA } from './weights.js';
export { decodeSafetensors, encodeSafetensors } from './safetensors.js';
export type { SafetensorsFile, StoredTensor } from './safetensors.js';
