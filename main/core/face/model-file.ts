// The face model as one file: the mouth network's weights with the audio statistics, rest mouth and idle-loop geometry beside them; main process and workers.
import { z } from 'zod';
import { decodeModelFile, encodeModelFile } from '../ml/model-file.js';
import type { FaceModelParts } from './training.js';

export const FACE_MODEL_MEDIA_TYPE = 'application/vnd.likeness.face-model.v1+safetensors';
const PARTS_KEY = 'likeness.face';

const Parts = z.object({
  stats: z.object({ version: z.literal(1), bands: z.number().int(), window: z.number().int(), mean: z.array(z.number()), std: z.array(z.number()) }),
  dims: z.object({ channels: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]), outChannels: z.number().int().positive(), audio: z.number().int().positive() }),
  reference: z.string().min(1),
  idle: z.object({ size: z.number().int().positive(), length: z.number().int().positive(), transforms: z.array(z.number()) }),
});

export function encodeFaceModel(weights: Uint8Array, parts: FaceModelParts): Uint8Array {
  return encodeModelFile(weights, PARTS_KEY, parts);
}

export function decodeFaceModel(bytes: Uint8Array): { weights: Uint8Array; parts: FaceModelParts } {
  return decodeModelFile(bytes, PARTS_KEY, Parts as z.ZodType<FaceModelParts>, 'face model');
}
