// A trained model as one file: its weights (safetensors) with what inference needs beside them in the metadata, under a stage's key; main process and workers.
import type { z } from 'zod';
import { decodeSafetensors, encodeSafetensors } from './graph/index.js';

/** The weights as training saved them, with `parts` (JSON) added to their metadata under `key`. */
export function encodeModelFile(weights: Uint8Array, key: string, parts: unknown): Uint8Array {
  const file = decodeSafetensors(weights);
  return encodeSafetensors({ tensors: file.tensors, metadata: { ...file.metadata, [key]: JSON.stringify(parts) } });
}

/** The weights (as training saved them) and the parts, checked by `schema`; `what` names the model in errors. */
export function decodeModelFile<T>(bytes: Uint8Array, key: string, schema: z.ZodType<T>, what: string): { weights: Uint8Array; parts: T } {
  let file;
  try {
    file = decodeSafetensors(bytes);
  } catch (error) {
    throw new Error(`not a ${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const raw = file.metadata[key];
  if (raw === undefined) throw new Error(`not a ${what}: its metadata has no ${what} parameters`);
  const parts = schema.parse(JSON.parse(raw));
  const metadata = { ...file.metadata };
  delete metadata[key];
  return { weights: encodeSafetensors({ tensors: file.tensors, metadata }), parts };
}
