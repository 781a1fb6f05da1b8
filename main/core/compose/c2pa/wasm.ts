// C2PA: loads c2pa-wasm (c2pa-rs compiled to WebAssembly) into Node and exposes the narrow, typed part of it the studio uses (main process and render workers).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as C2paWasm from '@contentauth/c2pa-wasm';
import { packageDir } from '../../platform/modules.js';

/** A c2pa-rs failure, e.g. kind 'JumbfNotFound' or 'InvalidAsset' with detail 'Box size extends beyond asset bounds'. */
export class C2paError extends Error {
  constructor(
    readonly kind: string,
    readonly detail: string,
  ) {
    super(detail ? `${kind}: ${detail}` : kind);
    this.name = 'C2paError';
  }
}

/** c2pa-wasm rejects with strings such as `C2pa(InvalidAsset("…"))`; anything else passes through as an Error. */
function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  const text = String(thrown);
  const match = /^C2pa\((\w+)(?:\((.*)\))?\)$/s.exec(text);
  if (!match) return new C2paError('Unknown', text);
  const detail = (match[2] ?? '').replace(/^"(.*)"$/s, '$1');
  return new C2paError(match[1] ?? 'Unknown', detail);
}

/** c2pa-wasm's BlobStream copies a blob of up to this size into wasm memory in one read. */
const BLOB_STREAM_BUFFER_LIMIT = 50 * 1024 * 1024;

/**
 * Just enough of a Blob for c2pa-wasm's BlobStream over bytes already in memory: Node's Blob cannot be read
 * synchronously, which BlobStream needs (see FileReaderSync below). It never reports a size above the buffering
 * limit: past it BlobStream streams through slice() a few bytes per call and, on an MP4 with over 50 MiB of media,
 * spins without returning, blocking the process. Buffered, the one read returns all the bytes whatever size was reported.
 */
class MemoryBlob {
  constructor(readonly bytes: Uint8Array) {}

  get size(): number {
    return Math.min(this.bytes.length, BLOB_STREAM_BUFFER_LIMIT);
  }
}

/** Browser workers' synchronous Blob reader, which c2pa-wasm's Builder calls and Node lacks; it reads MemoryBlobs only. */
class MemoryFileReaderSync {
  readAsArrayBuffer(blob: unknown): ArrayBuffer {
    if (!(blob instanceof MemoryBlob)) throw new TypeError('FileReaderSync here reads only in-memory C2PA input.');
    const { bytes } = blob;
    // The glue copies the bytes into wasm memory straight away, so a whole-buffer view is lent rather than copied.
    const whole = bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    return whole ? (bytes.buffer as ArrayBuffer) : bytes.slice().buffer;
  }
}

/**
 * The largest input handed to c2pa-wasm. It works in 32-bit wasm memory (4 GB) and holds the input, the signed copy
 * and its buffers at once: a 529 MB MP4 signs, a 950 MB one aborts the instance with an uncaught trap that takes the
 * process down, so larger files are refused before they get there.
 */
export const C2PA_INPUT_LIMIT = 512 * 1024 * 1024;

function checkSize(bytes: Uint8Array): void {
  if (bytes.length > C2PA_INPUT_LIMIT) {
    const mb = (n: number) => `${Math.round(n / (1024 * 1024))} MB`;
    throw new RangeError(`This file is ${mb(bytes.length)}; C2PA signing and reading here handle at most ${mb(C2PA_INPUT_LIMIT)}.`);
  }
}

let loading: Promise<typeof C2paWasm> | undefined;

function c2pa(): Promise<typeof C2paWasm> {
  loading ??= (async () => {
    const scope = globalThis as { FileReaderSync?: unknown };
    scope.FileReaderSync ??= MemoryFileReaderSync;
    const dir = packageDir('@contentauth/c2pa-wasm');
    if (dir === undefined) throw new Error('The C2PA library (@contentauth/c2pa-wasm) is not installed.');
    // Bytes from disk, never a URL: the glue would otherwise fetch() it. Instantiating asynchronously keeps the
    // 9 MB compile off the event loop.
    const [module, bytes] = await Promise.all([import('@contentauth/c2pa-wasm'), readFile(join(dir, 'pkg', 'c2pa_bg.wasm'))]);
    await module.default({ module_or_path: bytes });
    return module;
  })().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** Signs the claim: receives the claim bytes, returns the complete COSE_Sign1 of exactly `reserveSize` bytes. */
export interface ClaimSigner {
  reserveSize: number;
  sign(claim: Uint8Array): Promise<Uint8Array<ArrayBuffer>>;
}

function signerDefinition(signer: ClaimSigner) {
  return {
    alg: 'es256',
    reserveSize: signer.reserveSize,
    sign: (claim: Uint8Array<ArrayBuffer>) => signer.sign(claim),
  };
}

async function withBuilder<T>(
  definition: string,
  context: string,
  input: Uint8Array,
  use: (builder: C2paWasm.WasmBuilder, source: Blob) => Promise<T>,
): Promise<T> {
  checkSize(input);
  const { WasmBuilder } = await c2pa();
  let builder: C2paWasm.WasmBuilder | undefined;
  try {
    builder = WasmBuilder.fromJson(definition, context);
    // MemoryBlob stands in for a Blob: the glue only reads its size and hands it to FileReaderSync.
    return await use(builder, new MemoryBlob(input) as unknown as Blob);
  } catch (thrown) {
    throw toError(thrown);
  } finally {
    builder?.free();
  }
}

/** The asset with the manifest embedded in it. */
export function signEmbedded(definition: string, context: string, signer: ClaimSigner, format: string, input: Uint8Array): Promise<Uint8Array> {
  return withBuilder(definition, context, input, (builder, source) => builder.sign(signerDefinition(signer), [], format, source));
}

/** A detached manifest store (.c2pa) for the asset; the asset itself is left untouched. */
export function signDetached(definition: string, context: string, signer: ClaimSigner, format: string, input: Uint8Array): Promise<Uint8Array> {
  return withBuilder(definition, context, input, async (builder, source) => {
    builder.setNoEmbed(true);
    const result: unknown = await builder.signAndGetManifestBytes(signerDefinition(signer), [], format, source);
    const manifest = (result as { manifest?: unknown } | null)?.manifest;
    if (!(manifest instanceof Uint8Array)) throw new C2paError('Unknown', 'c2pa-wasm returned no manifest store');
    return manifest;
  });
}

/** The manifest store read and validated by c2pa-rs, as its JSON report and its crJSON (which also carries hash assertions and certificate names). */
export async function readStore(format: string, bytes: Uint8Array, context: string): Promise<{ json: string; crJson: string }> {
  checkSize(bytes);
  const { WasmReader } = await c2pa();
  let reader: C2paWasm.WasmReader | undefined;
  try {
    reader = await WasmReader.fromBytes(format, bytes, context);
    return { json: reader.json(), crJson: reader.crJson() };
  } catch (thrown) {
    throw toError(thrown);
  } finally {
    reader?.free();
  }
}
