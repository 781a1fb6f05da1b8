// The oracle: face-api itself on tfjs's wasm backend (tfjs-node is not installed; the pure-JS CPU backend takes seconds a photo), weights decoded by tfjs from the same shipped files.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as FaceApi from '@vladmandic/face-api';
import { faceApiModelDir } from '../../../main/core/vision/faceapi-weights.js';
import { FACE_NETWORKS } from '../../../main/core/vision/models.js';
import type { FaceNetworkId } from '../../../main/core/vision/models.js';

export type FaceApiModule = typeof FaceApi;

let loaded: Promise<FaceApiModule> | undefined;

function weightMap(api: FaceApiModule, id: FaceNetworkId): FaceApi.tf.NamedTensorMap {
  const dir = faceApiModelDir() ?? '';
  const files = FACE_NETWORKS[id];
  const manifest = JSON.parse(readFileSync(join(dir, files.manifest), 'utf8')) as { weights: FaceApi.tf.io.WeightsManifestEntry[] }[];
  const bin = readFileSync(join(dir, files.bin));
  const buffer = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
  return api.tf.io.decodeWeights(buffer, manifest[0]?.weights ?? []);
}

/** face-api (its Node build for the wasm backend) on tfjs-backend-wasm, with all three nets loaded. */
export function oracle(): Promise<FaceApiModule> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    // The same CommonJS tfjs instance face-api's Node build requires.
    const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
    const api = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApiModule;
    const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths: (prefix: string) => void };
    wasm.setWasmPaths(`${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs could not start its wasm backend');
    await tf.ready();
    api.nets.tinyFaceDetector.loadFromWeightMap(weightMap(api, 'tinyFaceDetector'));
    api.nets.faceLandmark68Net.loadFromWeightMap(weightMap(api, 'faceLandmark68'));
    api.nets.faceRecognitionNet.loadFromWeightMap(weightMap(api, 'faceRecognition'));
    return api;
  })();
  return loaded;
}

/** tfjs's own decoding of a network's weights, for checking ours value by value. */
export async function oracleWeights(id: FaceNetworkId): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  const api = await oracle();
  const map = weightMap(api, id);
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, t] of Object.entries(map)) {
    out.set(name, { shape: t.shape, data: t.dataSync() as Float32Array });
    t.dispose();
  }
  return out;
}
