// Training state and the pure mapping between it and the train-step graph's feeds and fetches; main process and workers.
import { formatShape, sizeOf } from './builder.js';
import { dropoutMask } from './random.js';
import { TRAIN_NAMES } from './train-step.js';
import type { TrainStepGraph } from './train-step.js';

export type WeightMap = ReadonlyMap<string, Float32Array>;

/** A float32 tensor on the host, as onnxruntime's Tensor takes it: `new ort.Tensor('float32', data, dims)`. */
export interface HostTensor {
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

export interface TrainState {
  /** Steps completed; the next step is number step + 1. */
  readonly step: number;
  readonly weights: WeightMap;
  readonly m: WeightMap;
  readonly v: WeightMap;
}

export function initialTrainState(weights: WeightMap): TrainState {
  const zeros = new Map([...weights].map(([name, w]) => [name, new Float32Array(w.length)]));
  return { step: 0, weights, m: zeros, v: new Map([...zeros].map(([name, z]) => [name, new Float32Array(z.length)])) };
}

export interface TrainFeedOptions {
  readonly lr: number;
  /** Dropout seed: masks depend on (seed, step, layer) only, so a resumed run repeats them. */
  readonly seed: number;
}

function stateTensor(map: WeightMap, name: string, shape: readonly number[], what: string): HostTensor {
  const data = map.get(name);
  if (!data) throw new Error(`train feeds: no ${what} for '${name}'`);
  if (data.length !== sizeOf(shape)) throw new Error(`train feeds: ${what} '${name}' has ${data.length} values, shape ${formatShape(shape)} needs ${sizeOf(shape)}`);
  return { dims: shape, data };
}

/**
 * Feeds for one session.run of `graph`: `batch` holds each data input (all K steps stacked when the
 * graph is unrolled); masks are drawn for steps state.step + 1 ... state.step + K.
 */
export function trainFeeds(graph: TrainStepGraph, state: TrainState, batch: Readonly<Record<string, Float32Array>>, o: TrainFeedOptions): Record<string, HostTensor> {
  const feeds: Record<string, HostTensor> = {};
  for (const d of graph.data) {
    const data = batch[d.name];
    if (!data) throw new Error(`train feeds: the batch lacks '${d.name}'`);
    if (data.length !== sizeOf(d.shape)) throw new Error(`train feeds: '${d.name}' has ${data.length} values, shape ${formatShape(d.shape)} needs ${sizeOf(d.shape)}`);
    feeds[d.name] = { dims: d.shape, data };
  }
  for (const mask of graph.masks) {
    const perStep = sizeOf(mask.shape) / graph.steps;
    const data = new Float32Array(sizeOf(mask.shape));
    for (let k = 0; k < graph.steps; k++) data.set(dropoutMask(o.seed, state.step + 1 + k, mask.layer, mask.rate, perStep), k * perStep);
    feeds[mask.name] = { dims: mask.shape, data };
  }
  for (const p of graph.params) {
    feeds[p.name] = stateTensor(state.weights, p.name, p.shape, 'weight');
    feeds[TRAIN_NAMES.m(p.name)] = stateTensor(state.m, p.name, p.shape, 'first moment');
    feeds[TRAIN_NAMES.v(p.name)] = stateTensor(state.v, p.name, p.shape, 'second moment');
  }
  feeds[TRAIN_NAMES.lr] = { dims: [], data: Float32Array.of(o.lr) };
  feeds[TRAIN_NAMES.step] = { dims: [], data: Float32Array.of(state.step + 1) };
  return feeds;
}

export interface TrainResult {
  readonly state: TrainState;
  /** One loss and one pre-clipping gradient norm per step run. */
  readonly losses: readonly number[];
  readonly gradNorms: readonly number[];
}

/** What session.run returns, structurally: `{ data }` per output name. */
export type Fetches = Readonly<Record<string, { readonly data: unknown } | undefined>>;

function fetched(outputs: Fetches, name: string): Float32Array {
  const data = outputs[name]?.data;
  if (!(data instanceof Float32Array)) throw new Error(`train outputs: '${name}' is missing or not float32`);
  return data;
}

/** The state after the run, and its losses and gradient norms. */
export function readTrainOutputs(graph: TrainStepGraph, state: TrainState, outputs: Fetches): TrainResult {
  const collect = (name: (p: string) => string): Map<string, Float32Array> => new Map(graph.params.map((p) => [p.name, fetched(outputs, name(p.name))]));
  return {
    state: { step: state.step + graph.steps, weights: collect(TRAIN_NAMES.next), m: collect(TRAIN_NAMES.nextM), v: collect(TRAIN_NAMES.nextV) },
    losses: Array.from(fetched(outputs, TRAIN_NAMES.loss)),
    gradNorms: Array.from(fetched(outputs, TRAIN_NAMES.gradNorm)),
  };
}
