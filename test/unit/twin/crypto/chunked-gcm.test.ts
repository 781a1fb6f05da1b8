// Chunked AES-256-GCM layers: round trips at every chunk edge, the format byte for byte, and every way a stream can be cut,
// altered or extended, each read both as a stream and as a stored file.
import { createCipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  ciphertextSizeFor,
  createDecryptStream,
  createEncryptStream,
  DEFAULT_CHUNK_SIZE,
  encryptFile,
  HEADER_BYTES,
  type TwinCipherStream,
} from '../../../../main/core/twin/crypto/chunked-gcm.js';
import { TwinCryptoError } from '../../../../main/core/twin/crypto/errors.js';
import { decryptFile, readLayerFile } from '../../../../main/core/twin/crypto/layer-file.js';
import { tempDir } from '../../../support/tmp.js';

const CHUNK = 1024;
const RECORD = CHUNK + 16;
const TRAILER = 40;
const KEY = randomBytes(32);

interface Outcome {
  output: Buffer;
  error?: unknown;
}

/** Feeds `input` in pieces of `piece` bytes and collects what the stream emits, also when it fails part way. */
async function run(stream: TwinCipherStream, input: Buffer, piece = Math.max(1, input.length)): Promise<Outcome> {
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < input.length; offset += piece) pieces.push(input.subarray(offset, offset + piece));
  const output: Buffer[] = [];
  try {
    await pipeline(Readable.from(pieces), stream, async (source: AsyncIterable<Buffer>) => {
      for await (const bytes of source) output.push(bytes);
    });
  } catch (error) {
    return { output: Buffer.concat(output), error };
  }
  return { output: Buffer.concat(output) };
}

async function seal(data: Buffer, chunkSize = CHUNK, key: Uint8Array = KEY, piece?: number): Promise<Buffer> {
  const outcome = await run(createEncryptStream(key, { chunkSize }), data, piece);
  if (outcome.error) throw outcome.error;
  return outcome.output;
}

async function open(sealed: Buffer, key: Uint8Array = KEY, piece?: number): Promise<Buffer> {
  const outcome = await run(createDecryptStream(key), sealed, piece);
  if (outcome.error) throw outcome.error;
  return outcome.output;
}

/** `sealed` stored in a file and read back through readLayerFile: the plaintext it gave out, and how it failed. */
async function readStored(sealed: Buffer, key: Uint8Array = KEY): Promise<Outcome & { stored: Buffer }> {
  const path = join(tempDir(), 'layer.enc');
  writeFileSync(path, sealed);
  const output: Buffer[] = [];
  const stored: Buffer[] = [];
  try {
    await readLayerFile(path, key, { onStored: (bytes) => stored.push(Buffer.from(bytes)), onPlaintext: (bytes) => void output.push(bytes) });
  } catch (error) {
    return { output: Buffer.concat(output), error, stored: Buffer.concat(stored) };
  }
  return { output: Buffer.concat(output), stored: Buffer.concat(stored) };
}

/** The way decryption gives up, or undefined; the stream and the file reader must agree on it and on what they gave out. */
async function bothWays(sealed: Buffer, key: Uint8Array = KEY, piece?: number): Promise<TwinCryptoError | undefined> {
  const streamed = await run(createDecryptStream(key), sealed, piece);
  const read = await readStored(sealed, key);
  for (const error of [streamed.error, read.error]) if (error !== undefined && !(error instanceof TwinCryptoError)) throw error;
  expect(read.error && { reason: (read.error as TwinCryptoError).reason, message: (read.error as TwinCryptoError).message }).toEqual(
    streamed.error && { reason: (streamed.error as TwinCryptoError).reason, message: (streamed.error as TwinCryptoError).message },
  );
  // A failing stream is destroyed, which can drop plaintext it had pushed but nobody had read yet.
  expect(streamed.error ? read.output.subarray(0, streamed.output.length).equals(streamed.output) : read.output.equals(streamed.output)).toBe(true);
  return streamed.error as TwinCryptoError | undefined;
}

/** The reason decryption gives up, or 'accepted'. */
async function verdict(sealed: Buffer, key: Uint8Array = KEY, piece?: number): Promise<string> {
  return (await bothWays(sealed, key, piece))?.reason ?? 'accepted';
}

async function failure(sealed: Buffer, key: Uint8Array = KEY): Promise<TwinCryptoError> {
  const error = await bothWays(sealed, key);
  if (error === undefined) throw new Error('expected decryption to fail');
  return error;
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function flipped(bytes: Buffer, offset: number, bit = 0): Buffer {
  const copy = Buffer.from(bytes);
  copy[offset]! ^= 1 << bit;
  return copy;
}

/** Offsets of each stored chunk (ciphertext | tag) of a sealed stream. */
function records(sealed: Buffer): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (let start = HEADER_BYTES; start < sealed.length; start += RECORD) out.push({ start, end: Math.min(start + RECORD, sealed.length) });
  return out;
}

/** The format written out independently from FORMAT's description, to pin the bytes and to craft streams the app never writes. */
function referenceSeal(contentKey: Uint8Array, salt: Buffer, chunkSize: number, stream: Buffer): Buffer {
  const layerKey = Buffer.from(hkdfSync('sha256', contentKey, salt, 'likeness layer v1', 32));
  const header = Buffer.alloc(61);
  header.write('LKNSENC1', 0, 'ascii');
  header[8] = 1;
  header.writeUInt32BE(chunkSize, 9);
  salt.copy(header, 13);
  createHmac('sha256', layerKey).update('likeness key check').digest().copy(header, 45, 0, 16);
  const parts = [header];
  const count = Math.max(1, Math.ceil(stream.length / chunkSize));
  for (let i = 0; i < count; i++) {
    const nonce = Buffer.alloc(12);
    nonce.writeBigUInt64BE(BigInt(i), 4);
    const aad = Buffer.concat([header, Buffer.alloc(9)]);
    aad.writeBigUInt64BE(BigInt(i), 61);
    aad[69] = i === count - 1 ? 1 : 0;
    const cipher = createCipheriv('aes-256-gcm', layerKey, nonce);
    cipher.setAAD(aad);
    parts.push(cipher.update(stream.subarray(i * chunkSize, (i + 1) * chunkSize)), cipher.final(), cipher.getAuthTag());
  }
  return Buffer.concat(parts);
}

function trailerOf(data: Buffer): Buffer {
  const trailer = Buffer.alloc(8);
  trailer.writeBigUInt64BE(BigInt(data.length));
  return Buffer.concat([trailer, createHash('sha256').update(data).digest()]);
}

describe('chunked AES-256-GCM streams', () => {
  const sizes = [0, 1, CHUNK - TRAILER - 1, CHUNK - TRAILER, CHUNK - TRAILER + 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK - TRAILER, 2 * CHUNK - TRAILER + 1, 3 * CHUNK, 5 * CHUNK + 333];

  it.each(sizes)('round-trips %i bytes at a 1 KiB chunk size, fed whole or in odd pieces', async (size) => {
    const data = randomBytes(size);
    const encrypt = createEncryptStream(KEY, { chunkSize: CHUNK });
    const sealed = (await run(encrypt, data, 333)).output;
    expect(sealed.length).toBe(ciphertextSizeFor(size, CHUNK));
    expect(records(sealed)).toHaveLength(Math.ceil((size + TRAILER) / CHUNK));
    expect(await encrypt.result).toEqual({ plaintextDigest: sha256(data), plaintextSize: size });

    for (const piece of [undefined, 1, 7, RECORD + 5]) {
      const decrypt = createDecryptStream(KEY);
      const { output, error } = await run(decrypt, sealed, piece);
      expect(error).toBeUndefined();
      expect(output.equals(data)).toBe(true);
      expect(await decrypt.result).toEqual({ plaintextDigest: sha256(data), plaintextSize: size });
    }
    const read = await readStored(sealed);
    expect(read.error).toBeUndefined();
    expect(read.output.equals(data)).toBe(true);
    expect(read.stored.equals(sealed)).toBe(true);
  });

  it('writes exactly the documented format', async () => {
    for (const size of [0, CHUNK - TRAILER + 1, 3 * CHUNK + 5]) {
      const data = randomBytes(size);
      const sealed = await seal(data);
      const salt = sealed.subarray(13, 45);
      expect(sealed.equals(referenceSeal(KEY, salt, CHUNK, Buffer.concat([data, trailerOf(data)])))).toBe(true);
    }
  });

  it('seals the same data differently each time (a fresh salt per layer), and both open', async () => {
    const data = randomBytes(3000);
    const [a, b] = [await seal(data), await seal(data)];
    expect(a.subarray(13, 45).equals(b.subarray(13, 45))).toBe(false);
    expect(a.subarray(HEADER_BYTES).equals(b.subarray(HEADER_BYTES))).toBe(false);
    expect((await open(a)).equals(data)).toBe(true);
    expect((await open(b)).equals(data)).toBe(true);
  });

  it('reports a wrong content key as such, before emitting anything', async () => {
    const { output, error } = await run(createDecryptStream(randomBytes(32)), await seal(randomBytes(5000)));
    expect(error).toBeInstanceOf(TwinCryptoError);
    expect((error as TwinCryptoError).reason).toBe('wrong-key');
    expect(output.length).toBe(0);
  });

  it('reports a cut at a chunk boundary as truncated, and a cut inside a chunk as tampered unless not even a tag is left', async () => {
    const sealed = await seal(randomBytes(4 * CHUNK - 100));
    const chunks = records(sealed);
    expect(chunks).toHaveLength(4);
    const cuts = new Map<number, string>([
      [0, 'truncated'],
      [7, 'truncated'],
      [HEADER_BYTES - 1, 'truncated'],
      [sealed.length, 'accepted'],
    ]);
    for (const { start, end } of chunks) {
      cuts.set(start, 'truncated');
      cuts.set(start + 1, 'truncated');
      cuts.set(start + 16, 'truncated');
      cuts.set(start + 17, 'tampered');
      cuts.set(Math.floor((start + end) / 2), 'tampered');
      cuts.set(end - 1, 'tampered');
    }
    for (const [cut, expected] of cuts) expect(`${cut}: ${await verdict(sealed.subarray(0, cut))}`).toBe(`${cut}: ${expected}`);
    expect((await failure(sealed.subarray(0, chunks[2]!.start))).message).toContain('cut short after chunk 1');
  });

  it('reports swapped chunks and a chunk spliced in from another layer under the same key as tampered', async () => {
    const data = randomBytes(4 * CHUNK);
    const sealed = await seal(data);
    const [, one, two] = records(sealed);
    const swapped = Buffer.concat([sealed.subarray(0, one!.start), sealed.subarray(two!.start, two!.end), sealed.subarray(one!.start, one!.end), sealed.subarray(two!.end)]);
    const error = await failure(swapped);
    expect(error.reason).toBe('tampered');
    expect(error.message).toContain('chunk 1');

    const other = await seal(data);
    const spliced = Buffer.from(sealed);
    other.copy(spliced, one!.start, one!.start, one!.end);
    expect(await verdict(spliced)).toBe('tampered');
  });

  it('detects every single-bit flip in the header, naming what the flipped field makes of it', async () => {
    const sealed = await seal(randomBytes(2 * CHUNK));
    const seen = new Map<string, Set<string>>();
    for (let offset = 0; offset < HEADER_BYTES; offset++) {
      const field = offset < 8 ? 'magic' : offset < 9 ? 'version' : offset < 13 ? 'chunkSize' : offset < 45 ? 'salt' : 'keyCheck';
      for (let bit = 0; bit < 8; bit++) {
        const reason = await verdict(flipped(sealed, offset, bit));
        seen.set(field, (seen.get(field) ?? new Set()).add(reason));
      }
    }
    // A chunk size still in range passes the header but changes the AAD (and the framing), so chunk 0 fails.
    expect(Object.fromEntries([...seen].map(([field, reasons]) => [field, [...reasons].sort()]))).toEqual({
      magic: ['bad-header'],
      version: ['bad-header'],
      chunkSize: ['bad-header', 'tampered'],
      salt: ['wrong-key'],
      keyCheck: ['wrong-key'],
    });
  });

  it('detects a single-bit flip in every chunk and every tag as tampered', async () => {
    const sealed = await seal(randomBytes(3 * CHUNK));
    for (const { start, end } of records(sealed)) {
      for (const offset of [start, Math.floor((start + end - 16) / 2), end - 17, end - 16, end - 1]) {
        expect(`${offset}: ${await verdict(flipped(sealed, offset, offset % 8))}`).toBe(`${offset}: tampered`);
      }
    }
  });

  it('refuses appended bytes: tampered after a short last chunk, trailing-data after a full one', async () => {
    const short = await seal(randomBytes(CHUNK + 10));
    for (const extra of [1, 100, RECORD]) expect(await verdict(Buffer.concat([short, randomBytes(extra)]))).toBe('tampered');

    const full = await seal(randomBytes(2 * CHUNK - TRAILER));
    expect(full.length).toBe(HEADER_BYTES + 2 * RECORD);
    for (const extra of [1, 17, RECORD, RECORD + 1]) expect(await verdict(Buffer.concat([full, randomBytes(extra)]))).toBe('trailing-data');
    const error = await failure(Buffer.concat([full, full.subarray(HEADER_BYTES, HEADER_BYTES + RECORD)]));
    expect(error.message).toContain('chunk 1 is marked as the last one');
  });

  it('never emits plaintext from a chunk that failed authentication, nor anything after it', async () => {
    const data = randomBytes(4 * CHUNK - TRAILER);
    const sealed = await seal(data);
    const chunk2 = records(sealed)[2]!;
    // Chunks 0 and 1, less the 40 bytes held back in case they were the trailer; a destroyed stream may drop the end of it.
    const verified = data.subarray(0, 2 * CHUNK - TRAILER);
    for (const piece of [undefined, RECORD, 100]) {
      const { output, error } = await run(createDecryptStream(KEY), flipped(sealed, chunk2.start + 5), piece);
      expect((error as TwinCryptoError).reason).toBe('tampered');
      expect(verified.subarray(0, output.length).equals(output)).toBe(true);
    }
    const { output, error } = await readStored(flipped(sealed, chunk2.start + 5));
    expect((error as TwinCryptoError).reason).toBe('tampered');
    expect(output.equals(verified)).toBe(true);
  });

  it('reports a well-authenticated stream whose recorded length or digest is wrong as digest-mismatch', async () => {
    const data = randomBytes(CHUNK + 100);
    const wrongDigest = Buffer.concat([data, flipped(trailerOf(data), 20)]);
    const wrongLength = Buffer.concat([data, flipped(trailerOf(data), 7)]);
    const tooShort = randomBytes(TRAILER - 1);
    for (const stream of [wrongDigest, wrongLength, tooShort]) expect(await verdict(referenceSeal(KEY, randomBytes(32), CHUNK, stream))).toBe('digest-mismatch');
    expect((await open(referenceSeal(KEY, randomBytes(32), CHUNK, Buffer.concat([data, trailerOf(data)])))).equals(data)).toBe(true);
  });

  it('refuses what is not a layer, and a chunk size outside 1 KiB to 16 MiB', async () => {
    expect(await verdict(randomBytes(500))).toBe('bad-header');
    expect(await verdict(Buffer.from('LKNSENC1'))).toBe('truncated');
    expect(await verdict(Buffer.alloc(0))).toBe('truncated');
    const sealed = await seal(randomBytes(10));
    expect(await verdict(sealed.subarray(0, HEADER_BYTES))).toBe('truncated');
    const error = await failure(Buffer.concat([Buffer.from('LKNSENC1'), Buffer.from([2]), sealed.subarray(9)]));
    expect(error).toMatchObject({ reason: 'bad-header', message: expect.stringContaining('version 2') });

    expect(() => createEncryptStream(KEY, { chunkSize: 1023 })).toThrow(RangeError);
    expect(() => createEncryptStream(KEY, { chunkSize: 16 * 1024 * 1024 + 1 })).toThrow(RangeError);
    expect(() => createEncryptStream(randomBytes(16))).toThrow(RangeError);
    expect(() => createDecryptStream(randomBytes(31))).toThrow(RangeError);
  });

  it('rejects `result` with the stream error', async () => {
    const decrypt = createDecryptStream(randomBytes(32));
    await run(decrypt, await seal(randomBytes(10)));
    await expect(decrypt.result).rejects.toMatchObject({ reason: 'wrong-key' });
  });

  it('rejects `result` when the stream is destroyed before its end', async () => {
    const encrypt = createEncryptStream(KEY, { chunkSize: CHUNK });
    encrypt.resume();
    encrypt.write(randomBytes(3 * CHUNK));
    encrypt.destroy();
    await expect(encrypt.result).rejects.toThrow(/closed before/);
  });

  it('computes the ciphertext size for any plaintext size and chunk size', () => {
    expect(ciphertextSizeFor(0)).toBe(HEADER_BYTES + TRAILER + 16);
    expect(ciphertextSizeFor(DEFAULT_CHUNK_SIZE - TRAILER)).toBe(HEADER_BYTES + DEFAULT_CHUNK_SIZE + 16);
    expect(ciphertextSizeFor(DEFAULT_CHUNK_SIZE - TRAILER + 1)).toBe(HEADER_BYTES + DEFAULT_CHUNK_SIZE + 1 + 32);
    expect(ciphertextSizeFor(10 * CHUNK, CHUNK)).toBe(HEADER_BYTES + 10 * CHUNK + TRAILER + 11 * 16);
    expect(() => ciphertextSizeFor(-1)).toThrow(RangeError);
    expect(() => ciphertextSizeFor(10, 100)).toThrow(RangeError);
  });
});

describe('encryptFile and decryptFile', () => {
  it('round-trips 5 MB at the default chunk size, reporting both digests and sizes', async () => {
    const dir = tempDir();
    const data = randomBytes(5_000_000);
    writeFileSync(join(dir, 'part'), data);
    const sealed = await encryptFile(join(dir, 'part'), join(dir, 'part.enc'), KEY);
    const stored = readFileSync(join(dir, 'part.enc'));
    expect(sealed).toEqual({ plaintextDigest: sha256(data), plaintextSize: data.length, ciphertextDigest: sha256(stored), ciphertextSize: stored.length });
    expect(stored.length).toBe(ciphertextSizeFor(data.length));
    expect(stored.readUInt32BE(9)).toBe(DEFAULT_CHUNK_SIZE);

    expect(await decryptFile(join(dir, 'part.enc'), join(dir, 'part.out'), KEY)).toEqual({ plaintextDigest: sha256(data), plaintextSize: data.length });
    expect(readFileSync(join(dir, 'part.out')).equals(data)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['part', 'part.enc', 'part.out']);
    expect(statSync(join(dir, 'part.out')).mode & 0o077).toBe(0);
  });

  it('encrypts at the chunk size asked for', async () => {
    const dir = tempDir();
    const data = randomBytes(10_000);
    writeFileSync(join(dir, 'part'), data);
    const sealed = await encryptFile(join(dir, 'part'), join(dir, 'part.enc'), KEY, { chunkSize: CHUNK });
    expect(sealed.ciphertextSize).toBe(ciphertextSizeFor(data.length, CHUNK));
    expect((await open(readFileSync(join(dir, 'part.enc')))).equals(data)).toBe(true);
  });

  it('leaves the destination untouched and no temp file behind when decryption fails', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'part'), randomBytes(3 * CHUNK));
    await encryptFile(join(dir, 'part'), join(dir, 'part.enc'), KEY, { chunkSize: CHUNK });

    await expect(decryptFile(join(dir, 'part.enc'), join(dir, 'fresh.out'), randomBytes(32))).rejects.toMatchObject({ reason: 'wrong-key' });
    expect(readdirSync(dir).sort()).toEqual(['part', 'part.enc']);

    writeFileSync(join(dir, 'old.out'), 'previous content');
    const stored = readFileSync(join(dir, 'part.enc'));
    writeFileSync(join(dir, 'cut.enc'), stored.subarray(0, HEADER_BYTES + 3 * RECORD));
    await expect(decryptFile(join(dir, 'cut.enc'), join(dir, 'old.out'), KEY)).rejects.toMatchObject({ reason: 'truncated' });
    writeFileSync(join(dir, 'flipped.enc'), flipped(stored, stored.length - 1));
    await expect(decryptFile(join(dir, 'flipped.enc'), join(dir, 'old.out'), KEY)).rejects.toMatchObject({ reason: 'tampered' });
    expect(readFileSync(join(dir, 'old.out'), 'utf8')).toBe('previous content');
    expect(readdirSync(dir).sort()).toEqual(['cut.enc', 'flipped.enc', 'old.out', 'part', 'part.enc']);
  });

  it('leaves no temp file behind when the source cannot be read', async () => {
    const dir = tempDir();
    await expect(encryptFile(join(dir, 'missing'), join(dir, 'part.enc'), KEY)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(readdirSync(dir)).toEqual([]);
  });
});
