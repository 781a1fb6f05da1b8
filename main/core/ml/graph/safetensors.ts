// The safetensors file format (F32 only) as pure encode/decode over bytes, with strict validation; main process and workers.
import { float32FromLittleEndian, littleEndianBytes } from './bytes.js';

/**
 * Layout: an 8-byte little-endian header length N; N bytes of UTF-8 JSON mapping each tensor name to
 * { dtype, shape, data_offsets: [begin, end] } (offsets into the data section) plus an optional
 * "__metadata__" object of strings; then the data section, little-endian, tensors back to back.
 */
export interface StoredTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface SafetensorsFile {
  readonly tensors: ReadonlyMap<string, StoredTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

const MAX_HEADER_BYTES = 100 * 1024 * 1024;
const METADATA_KEY = '__metadata__';

function fail(message: string): never {
  throw new Error(`safetensors: ${message}`);
}

function elements(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function encodeSafetensors(file: SafetensorsFile): Uint8Array {
  const names = [...file.tensors.keys()].sort();
  const header: Record<string, unknown> = { [METADATA_KEY]: file.metadata };
  let offset = 0;
  for (const name of names) {
    if (name === METADATA_KEY) fail(`'${METADATA_KEY}' cannot name a tensor`);
    const t = file.tensors.get(name) ?? fail(`tensor '${name}' vanished`);
    if (t.data.length !== elements(t.shape)) fail(`tensor '${name}' has ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  // Pad with spaces so the data section starts 8-byte aligned, which readers that map the file expect.
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const name of names) {
    const bytes = littleEndianBytes((file.tensors.get(name) ?? fail(`tensor '${name}' vanished`)).data);
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

function parseHeader(bytes: Uint8Array): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.length < 8) fail(`the file is ${bytes.length} bytes, too short for the 8-byte header length (truncated?)`);
  const declared = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(Math.min(MAX_HEADER_BYTES, bytes.length - 8))) {
    fail(`the header length says ${declared} bytes but ${bytes.length - 8} follow (truncated or not a safetensors file)`);
  }
  const length = Number(declared);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + length)));
  } catch {
    fail('the header is not valid UTF-8 JSON (corrupt file?)');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail('the header is not a JSON object');
  return { header: parsed as Record<string, unknown>, dataStart: 8 + length };
}

function isIndexArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((d) => Number.isSafeInteger(d) && d >= 0);
}

export function decodeSafetensors(bytes: Uint8Array): SafetensorsFile {
  const { header, dataStart } = parseHeader(bytes);
  const dataLength = bytes.length - dataStart;
  const rawMetadata = header[METADATA_KEY] ?? {};
  if (typeof rawMetadata !== 'object' || rawMetadata === null || Array.isArray(rawMetadata) || !Object.values(rawMetadata).every((v) => typeof v === 'string')) {
    fail('__metadata__ must map strings to strings');
  }
  const entries: { name: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === METADATA_KEY) continue;
    if (typeof entry !== 'object' || entry === null) fail(`tensor '${name}' has no description`);
    const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (dtype !== 'F32') fail(`tensor '${name}' has dtype ${String(dtype)}; only F32 is supported`);
    if (!isIndexArray(shape)) fail(`tensor '${name}' has an invalid shape`);
    if (!isIndexArray(offsets) || offsets.length !== 2 || (offsets[0] ?? 0) > (offsets[1] ?? 0)) fail(`tensor '${name}' has invalid data_offsets`);
    const [begin = 0, end = 0] = offsets;
    if (end - begin !== elements(shape) * 4) fail(`tensor '${name}' spans ${end - begin} bytes but shape [${shape.join(', ')}] needs ${elements(shape) * 4}`);
    entries.push({ name, shape, begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin);
  let expected = 0;
  for (const e of entries) {
    if (e.begin !== expected) fail(`tensor '${e.name}' starts at byte ${e.begin}, expected ${expected}: the data section has gaps or overlaps`);
    expected = e.end;
  }
  if (expected > dataLength) fail(`the tensors need ${expected} data bytes but the file holds ${dataLength} (truncated?)`);
  if (expected < dataLength) fail(`${dataLength - expected} trailing data bytes belong to no tensor (corrupt file?)`);
  const tensors = new Map<string, StoredTensor>();
  for (const e of entries) {
    tensors.set(e.name, { shape: e.shape, data: float32FromLittleEndian(bytes.subarray(dataStart + e.begin, dataStart + e.end)) });
  }
  return { tensors, metadata: rawMetadata as Record<string, string> };
}
