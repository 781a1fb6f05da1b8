// Reads a stored layer file through two reused buffers, hashing it as stored and, with the content key, decrypting it
// chunk by chunk; main process (job worker) and CLI.
//
// A read stream allocates a fresh buffer for every read, and those wait for the garbage collector: while verifying a
// 1 GiB twin they held tens of MB of resident memory. Here the only allocation per chunk is its plaintext.
import { open, type FileHandle } from 'node:fs/promises';
import { replaceFile, writeAll } from '../../store/atomic.js';
import { DEFAULT_CHUNK_SIZE, HEADER_BYTES, LayerDecryptor, type PlaintextSummary } from './chunked-gcm.js';
import { TwinCryptoError } from './errors.js';

export interface LayerFileReading {
  /** Every stored byte, in order; the buffer is reused once this returns. */
  onStored?: (bytes: Buffer) => void;
  /** Verified plaintext, in order (needs the content key); the next chunk is decrypted once this settles. */
  onPlaintext?: (bytes: Buffer) => Promise<void> | void;
}

/** Reads `path` whole: only hashed through `onStored` without a key; decrypted and checked with one. */
export async function readLayerFile(path: string, contentKey: Uint8Array, reading: LayerFileReading): Promise<PlaintextSummary>;
export async function readLayerFile(path: string, contentKey: Uint8Array | undefined, reading: LayerFileReading): Promise<PlaintextSummary | undefined>;
export async function readLayerFile(path: string, contentKey: Uint8Array | undefined, reading: LayerFileReading): Promise<PlaintextSummary | undefined> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (contentKey === undefined) {
      await readRecords(file, size, 0, DEFAULT_CHUNK_SIZE, (bytes) => reading.onStored?.(bytes));
      return undefined;
    }
    const header = await readFully(file, Buffer.alloc(Math.min(HEADER_BYTES, size)), 0);
    if (header === undefined) throw shrank(size);
    reading.onStored?.(header);
    const decryptor = LayerDecryptor.fromHeader(contentKey, header);
    await readRecords(file, size, HEADER_BYTES, decryptor.recordSize, async (record, last) => {
      reading.onStored?.(record);
      for (const piece of decryptor.next(record, last)) await reading.onPlaintext?.(piece);
    });
    return decryptor.finish();
  } finally {
    await file.close();
  }
}

/** Decrypts `src` into `dst`, which gets the whole plaintext or stays as it was (temp file, fsync, rename). */
export async function decryptFile(src: string, dst: string, contentKey: Uint8Array, onStored?: (bytes: Buffer) => void): Promise<PlaintextSummary> {
  let summary: PlaintextSummary | undefined;
  await replaceFile(dst, 0o600, async (out) => {
    summary = await readLayerFile(src, contentKey, { onStored, onPlaintext: (bytes) => writeAll(out, bytes) });
  });
  return summary!;
}

/**
 * Hands `from`..size to `each` in records of `recordSize` (the last one shorter, or empty when there is nothing after
 * `from`), reading the next record into the other buffer while `each` works on this one.
 */
async function readRecords(file: FileHandle, size: number, from: number, recordSize: number, each: (record: Buffer, last: boolean) => Promise<void> | void): Promise<void> {
  const bufferSize = Math.min(recordSize, Math.max(0, size - from));
  const buffers = [Buffer.alloc(bufferSize), Buffer.alloc(bufferSize)];
  const readAt = (position: number, turn: number): Promise<Buffer | undefined> => {
    const buffer = buffers[turn % 2]!;
    return readFully(file, buffer.subarray(0, Math.min(recordSize, size - position)), position);
  };
  let position = from;
  let turn = 0;
  let reading = readAt(position, turn);
  for (;;) {
    const record = await reading;
    if (record === undefined) throw shrank(size);
    position += record.length;
    const last = position >= size;
    if (!last) reading = readAt(position, ++turn);
    try {
      await each(record, last);
    } catch (error) {
      // The read ahead must not be left running on a handle about to close, nor its failure unhandled.
      if (!last) await reading.catch(() => undefined);
      throw error;
    }
    if (last) return;
  }
}

/** `into` filled from `position`, or undefined when the file ends first (it was cut while being read). */
async function readFully(file: FileHandle, into: Buffer, position: number): Promise<Buffer | undefined> {
  for (let filled = 0; filled < into.length; ) {
    const { bytesRead } = await file.read(into, filled, into.length - filled, position + filled);
    if (bytesRead === 0) return undefined;
    filled += bytesRead;
  }
  return into;
}

function shrank(size: number): TwinCryptoError {
  return new TwinCryptoError('truncated', `the stored layer became shorter than its ${size} bytes while it was being read`);
}
