// The voice model as one file: the trained weights (safetensors) with what conversion needs beside them in the metadata; main process and workers.
import { z } from 'zod';
import { decodeModelFile, encodeModelFile } from '../ml/model-file.js';
import type { VoiceModelParts } from './training.js';

export const VOICE_MODEL_MEDIA_TYPE = 'application/vnd.likeness.voice-model.v1+safetensors';
const PARTS_KEY = 'likeness.voice';

const LogF0 = z.object({ mean: z.number(), std: z.number().nonnegative(), count: z.number().int() });
const Parts = z.object({
  stats: z.object({
    version: z.literal(1),
    context: z.number().int().nonnegative(),
    bands: z.number().int().positive(),
    inputMean: z.array(z.number()),
    inputStd: z.array(z.number()),
    targetMean: z.array(z.number()),
    targetStd: z.array(z.number()),
  }),
  dims: z.object({ context: z.number().int(), bands: z.number().int(), hidden: z.number().int(), blocks: z.number().int(), residual: z.boolean() }),
  // Models trained before the learned contour existed have none and map F0 by mean and variance.
  f0: z.object({
    source: LogF0,
    target: LogF0,
    contour: z.object({ span: z.number().int().positive(), step: z.number().int().positive(), weights: z.array(z.number()), phrase: z.literal(true).optional() }).optional(),
  }),
  wordsPerMinute: z.number().int().min(80).max(450),
});

export function encodeVoiceModel(weights: Uint8Array, parts: VoiceModelParts): Uint8Array {
  return encodeModelFile(weights, PARTS_KEY, parts);
}

export function decodeVoiceModel(bytes: Uint8Array): { weights: Uint8Array; parts: VoiceModelParts } {
  return decodeModelFile(bytes, PARTS_KEY, Parts as z.ZodType<VoiceModelParts>, 'voice model');
}
