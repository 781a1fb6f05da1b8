// Reads face-api's tfjs weight files (manifest + .bin shards) into named float32 tensors, checks pinned hashes, and converts TensorFlow filter layouts to ONNX; main process and workers.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageFile } from '../platform/modules.js';
import { FACE_NETWORKS } from './models.js';
import type { FaceNetworkFiles, FaceNetworkId } from './models.js';

export interface NamedWeight {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export type FaceApiWeights = ReadonlyMap<string, NamedWeight>;

type Quantization =
  | { readonly dtype: 'uint8' | 'uint16'; readonly scale: number; readonly min: number }
  | { readonly dtype: 'float16' };

interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32';
  readonly quantization?: Quantization;
}

export interface ManifestGroup {
  readonly paths: readonly string[];
  readonly weights: readonly WeightSpec[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseSpec(raw: unknown, where: string): WeightSpec {
  if (!isRecord(raw) || typeof raw.name !== 'string') throw new Error(`${where}: a weight entry has no name`);
  const { name, shape, dtype, quantization } = raw;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) throw new Error(`${where}: weight '${name}' has no valid shape`);
  if (dtype !== 'float32' && dtype !== 'int32') throw new Error(`${where}: weight '${name}' has dtype ${String(dtype)}; only float32 and int32 are supported`);
  const spec: WeightSpec = { name, shape: shape as number[], dtype };
  if (quantization === undefined) return spec;
  if (!isRecord(quantization)) throw new Error(`${where}: weight '${name}' has a malformed quantization`);
  const q = quantization;
  if (q.dtype === 'float16') return { ...spec, quantization: { dtype: 'float16' } };
  if ((q.dtype === 'uint8' || q.dtype === 'uint16') && typeof q.scale === 'number' && typeof q.min === 'number') {
    return { ...spec, quantization: { dtype: q.dtype, scale: q.scale, min: q.min } };
  }
  throw new Error(`${where}: weight '${name}' uses quantization ${JSON.stringify(q)}; supported: uint8/uint16 with scale and min, float16`);
}

/** Validates a tfjs `*-weights_manifest.json` (already JSON-parsed). */
export function parseManifest(json: unknown, where = 'weights manifest'): ManifestGroup[] {
  if (!Array.isArray(json) || json.length === 0) throw new Error(`${where}: expected a non-empty array of weight groups`);
  return json.map((group, i) => {
    if (!isRecord(group) || !Array.isArray(group.paths) || !group.paths.every((p) => typeof p === 'string') || !Array.isArray(group.weights)) {
      throw new Error(`${where}: group ${i} needs 'paths' (file names) and 'weights'`);
    }
    return { paths: group.paths as string[], weights: group.weights.map((w) => parseSpec(w, where)) };
  });
}

const BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 };

function bytesPerValue(spec: WeightSpec): number {
  return BYTES[spec.quantization?.dtype ?? spec.dtype] ?? 4;
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function float16ToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Decodes one value run exactly as tfjs's `io.decodeWeights` does (value = q * scale + min for affine quantization). */
function decodeValues(spec: WeightSpec, bytes: Uint8Array): Float32Array {
  const n = sizeOf(spec.shape);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  const q = spec.quantization;
  if (q === undefined) {
    for (let i = 0; i < n; i++) out[i] = spec.dtype === 'int32' ? view.getInt32(4 * i, true) : view.getFloat32(4 * i, true);
  } else if (q.dtype === 'float16') {
    for (let i = 0; i < n; i++) out[i] = float16ToFloat32(view.getUint16(2 * i, true));
  } else {
    for (let i = 0; i < n; i++) {
      const v = q.dtype === 'uint8' ? view.getUint8(i) : view.getUint16(2 * i, true);
      out[i] = spec.dtype === 'int32' ? Math.round(v * q.scale + q.min) : v * q.scale + q.min;
    }
  }
  return out;
}

/**
 * Decodes every weight of every group; `shards` maps each path a group names to its bytes. A shard
 * shorter or longer than its group's weights need is rejected, naming the file.
 */
export function decodeWeights(groups: readonly ManifestGroup[], shards: ReadonlyMap<string, Uint8Array>, where = 'weights'): Map<string, NamedWeight> {
  const weights = new Map<string, NamedWeight>();
  for (const group of groups) {
    const parts = group.paths.map((p) => shards.get(p) ?? missing(p));
    const total = parts.reduce((s, p) => s + p.length, 0);
    const buffer = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      buffer.set(p, at);
      at += p.length;
    }
    const needed = group.weights.reduce((s, w) => s + sizeOf(w.shape) * bytesPerValue(w), 0);
    const files = group.paths.join(', ');
    if (total < needed) throw new Error(`${where}: ${files} is truncated: the manifest needs ${needed} bytes, the file holds ${total}`);
    if (total > needed) throw new Error(`${where}: ${files} holds ${total} bytes but the manifest describes ${needed}; the file does not belong to this manifest`);
    let offset = 0;
    for (const spec of group.weights) {
      const length = sizeOf(spec.shape) * bytesPerValue(spec);
      if (weights.has(spec.name)) throw new Error(`${where}: weight '${spec.name}' appears twice`);
      weights.set(spec.name, { shape: spec.shape, data: decodeValues(spec, buffer.subarray(offset, offset + length)) });
      offset += length;
    }
  }
  return weights;

  function missing(path: string): never {
    throw new Error(`${where}: the manifest names shard '${path}', which was not provided`);
  }
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Throws a clear error when a file's hash is not the pinned one. */
export function verifyPinned(bytes: Uint8Array, expected: string, label: string): void {
  const actual = sha256(bytes);
  if (actual !== expected) {
    throw new Error(`${label}: sha256 ${actual} does not match the pinned ${expected}; the file is corrupted, truncated or from another version`);
  }
}

/** The folder holding face-api's shipped weights, or undefined when the package is not installed. */
export function faceApiModelDir(): string | undefined {
  return packageFile('@vladmandic/face-api', 'model');
}

/** Reads, verifies (sha256 of manifest and .bin) and decodes one network's weights. */
export async function loadFaceApiWeights(id: FaceNetworkId, dir = faceApiModelDir()): Promise<Map<string, NamedWeight>> {
  const files: FaceNetworkFiles = FACE_NETWORKS[id];
  if (dir === undefined) throw new Error(`${files.title}: the package ${files.source.package} is not installed, so its weights cannot be found`);
  const read = async (name: string): Promise<Uint8Array> => {
    try {
      return new Uint8Array(await readFile(join(dir, name)));
    } catch (error) {
      throw new Error(`${files.title}: cannot read ${join(dir, name)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };
  // The manifest first: it names the weight file, so a missing manifest is the error to report.
  const manifestBytes = await read(files.manifest);
  verifyPinned(manifestBytes, files.manifestSha256, `${files.title}: ${files.manifest}`);
  const bin = await read(files.bin);
  verifyPinned(bin, files.binSha256, `${files.title}: ${files.bin}`);
  const groups = parseManifest(JSON.parse(new TextDecoder().decode(manifestBytes)) as unknown, files.manifest);
  return decodeWeights(groups, new Map([[files.bin, bin]]), files.title);
}

/** Looks a weight up and checks its shape. */
export function weight(weights: FaceApiWeights, name: string, shape: readonly number[]): NamedWeight {
  const w = weights.get(name);
  if (!w) throw new Error(`weight '${name}' is missing`);
  if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`weight '${name}' has shape [${w.shape.join(', ')}], expected [${shape.join(', ')}]`);
  }
  return w;
}

/** TensorFlow conv filter [H, W, I, O] to ONNX [O, I, H, W]. */
export function hwioToOihw(w: NamedWeight): Float32Array {
  const [h, wd, i, o] = w.shape as [number, number, number, number];
  const out = new Float32Array(w.data.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < wd; x++)
      for (let c = 0; c < i; c++)
        for (let m = 0; m < o; m++) out[((m * i + c) * h + y) * wd + x] = w.data[((y * wd + x) * i + c) * o + m]!;
  return out;
}

/** TensorFlow depthwise filter [H, W, C, M] to ONNX [C*M, 1, H, W] (a Conv with group = C). */
export function depthwiseToOnnx(w: NamedWeight): Float32Array {
  const [h, wd, c, mult] = w.shape as [number, number, number, number];
  const out = new Float32Array(w.data.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < wd; x++)
      for (let ch = 0; ch < c; ch++)
        for (let m = 0; m < mult; m++) out[((ch * mult + m) * h + y) * wd + x] = w.data[((y * wd + x) * c + ch) * mult + m]!;
  return out;
}
