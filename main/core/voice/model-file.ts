// The voice model as one file: the trained weights (safetensors) with what conversion needs beside them in the metadata; main process and workers.
import { z } from 'zod';
import { decodeSafetensors, encodeSafetensors } from '../ml/graph/index.js';
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
  f0: z.object({ source: LogF0, target: LogF0 }),
  wordsPerMinute: z.number().int().min(80).max(450),
});

/** The weights as training saved them, with the model's parts added to their metadata. */
export function encodeVoiceModel(weights: Uint8Array, parts: VoiceModelParts): Uint8Array {
  const file = decodeSafetensors(weights);
  return encodeSafetensors({ tensors: file.tensors, metadata: { ...file.metadata, [PARTS_KEY]: JSON.stringify(parts) } });
}

export function decodeVoiceModel(bytes: Uint8Array): { weights: Uint8Array; parts: VoiceModelParts } {
  let file;
  try {
    file = decodeSafetensors(bytes);
  } catch (error) {
    throw new Error(`not a voice model: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const raw = file.metadata[PARTS_KEY];
  if (raw === undefined) throw new Error('not a voice model: its metadata has no voice parameters');
  const parts = Parts.parse(JSON.parse(raw)) as VoiceModelParts;
  const metadata = { ...file.metadata };
  delete metadata[PARTS_KEY];
  return { weights: encodeSafetensors({ tensors: file.tensors, metadata }), parts };
}
