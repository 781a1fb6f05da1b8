// Training checkpoint file: loop position and best-so-far plus the full optimiser state, in one atomically written file; main process and workers.
import type { Provider } from '../runtime/providers.js';

/**
 * Layout: the 8 bytes `LKCKPT01`, a little-endian uint32 length, that many bytes of UTF-8 JSON (the meta below),
 * then the train state as safetensors (weights, Adam moments, step, architecture hash).
 */
const MAGIC = 'LKCKPT01';

export interface CheckpointMeta {
  readonly recipe: string;
  readonly seed: number;
  readonly epochs: number;
  /** The epoch in progress and how many of its runs are done. */
  readonly epoch: number;
  readonly run: number;
  readonly bestEpoch: number | null;
  readonly bestValLoss: number | null;
  readonly epochsWithoutImprovement: number;
  readonly lastTrainLoss: number | null;
  readonly lastValLoss: number | null;
  /** Kept so a resumed run computes exactly what an uninterrupted one would. */
  readonly threads: number;
  readonly provider: Provider;
}

export function encodeCheckpoint(meta: CheckpointMeta, state: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(meta));
  const out = new Uint8Array(8 + 4 + json.length + state.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(state, 12 + json.length);
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array): { meta: CheckpointMeta; state: Uint8Array } {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw new Error('not a Likeness training checkpoint (bad header)');
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + length > bytes.length) throw new Error('the training checkpoint is truncated');
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length))) as CheckpointMeta;
  } catch {
    throw new Error('the training checkpoint is damaged (unreadable header)');
  }
  return { meta, state: bytes.subarray(12 + length) };
}
