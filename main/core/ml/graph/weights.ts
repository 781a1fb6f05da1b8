// Weight initialisation, the architecture hash, and weights/train-state (de)serialisation as safetensors bytes; main process and workers.
import { createHash } from 'node:crypto';
import { formatShape, sizeOf } from './builder.js';
import type { Graph, Json } from './builder.js';
import { randomStream } from './random.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import type { SafetensorsFile, StoredTensor } from './safetensors.js';
import type { TrainState, WeightMap } from './train-io.js';
import { TRAIN_NAMES } from './train-step.js';

const ARCHITECTURE_FORMAT = 'likeness-graph/1';
export const METADATA = { architecture: 'likeness.architecture', kind: 'likeness.kind', step: 'likeness.step' } as const;

/** Seeded weights: each parameter draws from its own stream, so adding a layer leaves the others' values alone. */
export function initWeights(model: Graph, seed: number): Map<string, Float32Array> {
  return new Map(
    model.params.map((p) => {
      const data = new Float32Array(sizeOf(p.tensor.shape));
      if (p.init.kind === 'constant') {
        data.fill(p.init.value);
      } else {
        const next = randomStream(`init/${seed}/${p.tensor.name}`);
        for (let i = 0; i < data.length; i++) data[i] = (2 * next() - 1) * p.init.bound;
      }
      return [p.tensor.name, data];
    }),
  );
}

/**
 * The model's layers (kind, config, wiring, parameter shapes) without batch size, input resolution
 * or loss layers: what must match for saved weights to mean the same thing.
 */
export function architecture(model: Graph): Json {
  return {
    format: ARCHITECTURE_FORMAT,
    layers: model.layers.filter((l) => l.role === 'model').map((l) => ({ name: l.name, kind: l.kind, config: l.config, inputs: [...l.inputs], params: l.params })),
  };
}

/** JSON with sorted keys, so equal descriptions serialise to equal bytes. */
export function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as { readonly [key: string]: Json };
    return `{${Object.keys(record)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k] ?? null)}`)
      .join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`architecture: ${value} cannot be described`);
  return JSON.stringify(value);
}

/** sha256 (hex) of the canonical architecture description. */
export function architectureHash(model: Graph): string {
  return createHash('sha256').update(canonicalJson(architecture(model))).digest('hex');
}

function checkedTensors(model: Graph, map: WeightMap, name: (p: string) => string, what: string): [string, StoredTensor][] {
  return model.params.map((p) => {
    const data = map.get(p.tensor.name);
    if (!data) throw new Error(`weights: no ${what} for '${p.tensor.name}'`);
    if (data.length !== sizeOf(p.tensor.shape)) throw new Error(`weights: ${what} '${p.tensor.name}' has ${data.length} values, shape ${formatShape(p.tensor.shape)} needs ${sizeOf(p.tensor.shape)}`);
    return [name(p.tensor.name), { shape: p.tensor.shape, data }];
  });
}

const same = (name: string): string => name;

export function encodeWeights(model: Graph, weights: WeightMap): Uint8Array {
  return encodeSafetensors({
    tensors: new Map(checkedTensors(model, weights, same, 'weight')),
    metadata: { [METADATA.architecture]: architectureHash(model), [METADATA.kind]: 'weights' },
  });
}

function openFor(model: Graph, bytes: Uint8Array, kind: string): SafetensorsFile {
  const file = decodeSafetensors(bytes);
  const saved = file.metadata[METADATA.architecture];
  const expected = architectureHash(model);
  if (saved === undefined) throw new Error('weights: the file has no architecture hash, so it cannot be matched to this model');
  if (saved !== expected) throw new Error(`weights: the file was saved for architecture ${saved.slice(0, 12)}…, this model is ${expected.slice(0, 12)}…; the layers differ`);
  if (file.metadata[METADATA.kind] !== kind) throw new Error(`weights: the file holds ${file.metadata[METADATA.kind] ?? 'unknown content'}, expected ${kind}`);
  return file;
}

function take(model: Graph, tensors: ReadonlyMap<string, StoredTensor>, name: (p: string) => string): Map<string, Float32Array> {
  return new Map(
    model.params.map((p) => {
      const t = tensors.get(name(p.tensor.name));
      if (!t) throw new Error(`weights: the file lacks '${name(p.tensor.name)}'`);
      if (formatShape(t.shape) !== formatShape(p.tensor.shape)) throw new Error(`weights: '${name(p.tensor.name)}' is ${formatShape(t.shape)} in the file, the model needs ${formatShape(p.tensor.shape)}`);
      return [p.tensor.name, t.data];
    }),
  );
}

function rejectExtra(tensors: ReadonlyMap<string, StoredTensor>, expected: number): void {
  if (tensors.size !== expected) throw new Error(`weights: the file holds ${tensors.size} tensors, the model expects ${expected}`);
}

/** Weights of `model` from safetensors bytes; throws when the architecture hash or any tensor differs. */
export function decodeWeights(model: Graph, bytes: Uint8Array): Map<string, Float32Array> {
  const { tensors } = openFor(model, bytes, 'weights');
  rejectExtra(tensors, model.params.length);
  return take(model, tensors, same);
}

/** A resumable checkpoint: weights, AdamW moments (as `m/<name>`, `v/<name>`) and the step count. */
export function encodeTrainState(model: Graph, state: TrainState): Uint8Array {
  return encodeSafetensors({
    tensors: new Map([...checkedTensors(model, state.weights, same, 'weight'), ...checkedTensors(model, state.m, TRAIN_NAMES.m, 'first moment'), ...checkedTensors(model, state.v, TRAIN_NAMES.v, 'second moment')]),
    metadata: { [METADATA.architecture]: architectureHash(model), [METADATA.kind]: 'train-state', [METADATA.step]: String(state.step) },
  });
}

export function decodeTrainState(model: Graph, bytes: Uint8Array): TrainState {
  const { tensors, metadata } = openFor(model, bytes, 'train-state');
  rejectExtra(tensors, 3 * model.params.length);
  const step = Number(metadata[METADATA.step]);
  if (!Number.isSafeInteger(step) || step < 0) throw new Error(`weights: invalid step count '${metadata[METADATA.step] ?? ''}'`);
  return { step, weights: take(model, tensors, same), m: take(model, tensors, TRAIN_NAMES.m), v: take(model, tensors, TRAIN_NAMES.v) };
}
