// Converts host tensors to onnxruntime tensors and back; main process and workers.
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { HostTensor } from '../graph/index.js';
import { ort } from './sessions.js';

export function toOrtFeeds(feeds: Readonly<Record<string, HostTensor>>): Record<string, Tensor> {
  const { Tensor: OrtTensor } = ort();
  return Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, new OrtTensor('float32', t.data, t.dims)]));
}

export function floatOutput(outputs: InferenceSession.ReturnType, name: string): Float32Array {
  const data = outputs[name]?.data;
  if (!(data instanceof Float32Array)) throw new Error(`the model produced no float32 output '${name}'`);
  return data;
}
