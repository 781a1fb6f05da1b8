// Streamed AES-256-GCM for the twin's layers, in authenticated chunks at constant memory; main process and workers.
//
// Format, version 1 (integers big-endian):
//   header, 61 bytes: magic "LKNSENC1" (8 ASCII bytes) | version u8 = 1 | chunkSize u32 (plaintext bytes per chunk,
//     1 KiB to 16 MiB) | salt (32 random bytes) | keyCheck (16 bytes)
//   layerKey = HKDF-SHA256(ikm = content key (32 bytes), salt, info = "likeness layer v1", 32 bytes): each layer gets its
//     own key from one content key, so nonces never repeat across layers.
//   keyCheck = first 16 bytes of HMAC-SHA256(layerKey, "likeness key check"): a wrong content key is reported as such
//     before any chunk is read.
//   The encrypted stream is: plaintext | plaintext length (u64) | SHA-256 of the plaintext (32 bytes). It is cut into
//     chunkSize pieces, every one full except the last, so there is always at least one chunk.
//   Chunk i, stored as ciphertext | 16-byte tag: nonce = 4 zero bytes | u64 i; AAD = the 61 header bytes | u64 i |
//     final flag u8 (1 on the last chunk, else 0). The index stops reordering, the header stops splicing chunks from
//     another layer, and the final flag stops a cut at a chunk boundary from passing as a shorter stream.
//   Ciphertext size = 61 + (plaintext size + 40) + 16 * ceil((plaintext size + 40) / chunkSize).
//
// Sealing runs AES-GCM through WebCrypto, which works on libuv's thread pool: a few chunks are sealed there while this
// thread hashes, so encryption (two SHA-256 passes and one AES pass per byte) is not bound to one core. Opening runs on
// this thread: its output is a single buffer per chunk from this thread's allocator, where WebCrypto's copies in and out
// spread over the pool threads' allocators and held ~15 MB more resident memory while verifying a 1 GiB twin.
import { createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual, webcrypto } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback, type TransformOptions } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { replaceFile, writeAll } from '../../store/atomic.js';
import { TwinCryptoError } from './errors.js';

export const DEFAULT_CHUNK_SIZE = 1024 * 1024;
const MIN_CHUNK_SIZE = 1024;
const MAX_CHUNK_SIZE = 16 * 1024 * 1024;

const MAGIC = Buffer.from('LKNSENC1', 'ascii');
const VERSION = 1;
const SALT_BYTES = 32;
const KEY_CHECK_BYTES = 16;
const CHUNK_SIZE_OFFSET = MAGIC.length + 1;
const SALT_OFFSET = CHUNK_SIZE_OFFSET + 4;
const KEY_CHECK_OFFSET = SALT_OFFSET + SALT_BYTES;
export const HEADER_BYTES = KEY_CHECK_OFFSET + KEY_CHECK_BYTES;

const KEY_BYTES = 32;
const TAG_BYTES = 16;
/** Plaintext length (u64) and SHA-256, carried inside the last chunk or two. */
const TRAILER_BYTES = 8 + 32;
const LAYER_INFO = 'likeness layer v1';
const KEY_CHECK_LABEL = 'likeness key check';
/** Chunks handed to the thread pool at once: enough to keep both cores busy, few enough that memory stays a few chunks. */
const SEALING_IN_FLIGHT = 3;

export interface PlaintextSummary {
  /** 'sha256:' + hex of the plaintext. */
  plaintextDigest: string;
  plaintextSize: number;
}

export interface EncryptedFileSummary extends PlaintextSummary {
  /** 'sha256:' + hex of the encrypted file, as stored in the container. */
  ciphertextDigest: string;
  ciphertextSize: number;
}

/** The digest and size are known only once the stream has processed all of its input. */
export type TwinCipherStream = Transform & { readonly result: Promise<PlaintextSummary> };

export interface ChunkOptions {
  /** Plaintext bytes per chunk, 1 KiB to 16 MiB; DEFAULT_CHUNK_SIZE when left out. */
  chunkSize?: number;
}

export function createEncryptStream(contentKey: Uint8Array, options: ChunkOptions = {}): TwinCipherStream {
  return new EncryptStream(checkedContentKey(contentKey), checkedChunkSize(options.chunkSize ?? DEFAULT_CHUNK_SIZE));
}

/** Emits only plaintext whose chunk has authenticated; the last 40 bytes are held back until the stream ends. */
export function createDecryptStream(contentKey: Uint8Array): TwinCipherStream {
  return new DecryptStream(checkedContentKey(contentKey));
}

export function ciphertextSizeFor(plaintextSize: number, chunkSize: number = DEFAULT_CHUNK_SIZE): number {
  if (!Number.isSafeInteger(plaintextSize) || plaintextSize < 0) throw new RangeError(`a plaintext size must be a whole number of bytes, not ${plaintextSize}`);
  const streamed = plaintextSize + TRAILER_BYTES;
  return HEADER_BYTES + streamed + TAG_BYTES * Math.ceil(streamed / checkedChunkSize(chunkSize));
}

export async function encryptFile(src: string, dst: string, contentKey: Uint8Array, options: ChunkOptions = {}): Promise<EncryptedFileSummary> {
  const chunkSize = checkedChunkSize(options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const ciphertextHash = createHash('sha256');
  let ciphertextSize = 0;
  const encrypt = new EncryptStream(checkedContentKey(contentKey), chunkSize, (bytes) => {
    ciphertextHash.update(bytes);
    ciphertextSize += bytes.length;
  });
  await replaceFile(dst, 0o600, async (out) => {
    // Reads of exactly one chunk let the encryptor hand them on without copying.
    await pipeline(createReadStream(src, { highWaterMark: chunkSize }), encrypt, async (sealed: AsyncIterable<Buffer>) => {
      for await (const bytes of sealed) await writeAll(out, bytes);
    });
  });
  return { ...(await encrypt.result), ciphertextDigest: `sha256:${ciphertextHash.digest('hex')}`, ciphertextSize };
}

function checkedContentKey(contentKey: Uint8Array): Buffer {
  if (contentKey.length !== KEY_BYTES) throw new RangeError(`a content key must be ${KEY_BYTES} bytes, not ${contentKey.length}`);
  // A copy, so that a caller wiping or reusing its array cannot change the key under a running stream.
  return Buffer.from(contentKey);
}

function checkedChunkSize(chunkSize: number): number {
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
    throw new RangeError(`a chunk size must be a whole number of bytes from ${MIN_CHUNK_SIZE} to ${MAX_CHUNK_SIZE}, not ${chunkSize}`);
  }
  return chunkSize;
}

function keyCheckFor(layerKey: Buffer): Buffer {
  return createHmac('sha256', layerKey).update(KEY_CHECK_LABEL).digest().subarray(0, KEY_CHECK_BYTES);
}

function layerKeyFor(contentKey: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', contentKey, salt, LAYER_INFO, KEY_BYTES));
}

function trailerFor(size: number, digest: Buffer): Buffer {
  const trailer = Buffer.alloc(TRAILER_BYTES);
  trailer.writeBigUInt64BE(BigInt(size), 0);
  digest.copy(trailer, 8);
  return trailer;
}

function ignoreRejection(promise: Promise<unknown>): void {
  promise.catch(() => undefined);
}

/** Chunk i's nonce and AAD: the index in both, the header and the final flag in the AAD (see the format above). */
function chunkBinding(header: Buffer, index: number, final: boolean): { nonce: Buffer; aad: Buffer } {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64BE(BigInt(index), 4);
  const aad = Buffer.alloc(HEADER_BYTES + 9);
  header.copy(aad, 0);
  aad.writeBigUInt64BE(BigInt(index), HEADER_BYTES);
  aad[HEADER_BYTES + 8] = final ? 1 : 0;
  return { nonce, aad };
}

/**
 * Seals the chunks of one layer. WebCrypto copies its inputs before it returns a promise, and `seal` calls it before
 * its first await, so callers may reuse a buffer as soon as the call returns.
 */
class ChunkSealer {
  private constructor(
    private readonly key: webcrypto.CryptoKey,
    private readonly header: Buffer,
  ) {}

  static async create(layerKey: Buffer, header: Buffer): Promise<ChunkSealer> {
    const key = await webcrypto.subtle.importKey('raw', layerKey, 'AES-GCM', false, ['encrypt']);
    return new ChunkSealer(key, Buffer.from(header));
  }

  /** ciphertext | tag, the chunk as stored. */
  async seal(index: number, final: boolean, plaintext: Buffer): Promise<Buffer> {
    const { nonce, aad } = chunkBinding(this.header, index, final);
    return Buffer.from(await webcrypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: TAG_BYTES * 8 }, this.key, plaintext));
  }
}

abstract class SummarisingTransform extends Transform {
  readonly result: Promise<PlaintextSummary>;
  private resolveResult!: (summary: PlaintextSummary) => void;
  private rejectResult!: (error: Error) => void;

  constructor(options: TransformOptions) {
    super(options);
    this.result = new Promise((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
    // The error also reaches the stream's own listeners; a caller that never reads `result` must not crash on it.
    ignoreRejection(this.result);
  }

  protected settle(summary: PlaintextSummary): void {
    this.resolveResult(summary);
  }

  protected finishWith(work: Promise<void>, callback: TransformCallback): void {
    work.then(
      () => callback(),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // After a normal end the result is already settled and this rejection is ignored.
    this.rejectResult(error ?? new Error('the stream was closed before all of its data was processed'));
    callback(error);
  }
}

class EncryptStream extends SummarisingTransform {
  private readonly ready: Promise<ChunkSealer>;
  /** Chunks being sealed, oldest first; they are emitted in this order. */
  private readonly sealing: Promise<Buffer>[] = [];
  private readonly plaintextHash = createHash('sha256');
  private plaintextSize = 0;
  private index = 0;
  /** Plaintext of the chunk being filled; a whole chunk arriving in one piece is sealed straight from the input. */
  private readonly pending: Buffer;
  private pendingBytes = 0;

  constructor(
    contentKey: Buffer,
    private readonly chunkSize: number,
    private readonly onCiphertext: (bytes: Buffer) => void = () => undefined,
  ) {
    super({ writableHighWaterMark: chunkSize, readableHighWaterMark: chunkSize + TAG_BYTES });
    const salt = randomBytes(SALT_BYTES);
    const layerKey = layerKeyFor(contentKey, salt);
    const header = Buffer.alloc(HEADER_BYTES);
    MAGIC.copy(header, 0);
    header[MAGIC.length] = VERSION;
    header.writeUInt32BE(chunkSize, CHUNK_SIZE_OFFSET);
    salt.copy(header, SALT_OFFSET);
    keyCheckFor(layerKey).copy(header, KEY_CHECK_OFFSET);
    this.ready = ChunkSealer.create(layerKey, header);
    this.pending = Buffer.alloc(chunkSize);
    this.deliver(header);
  }

  override _transform(data: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.finishWith(this.accept(data), callback);
  }

  override _flush(callback: TransformCallback): void {
    this.finishWith(this.finish(), callback);
  }

  private async accept(data: Buffer): Promise<void> {
    const chunks = await this.ready;
    this.plaintextHash.update(data);
    this.plaintextSize += data.length;
    // A chunk of plaintext alone is never the last one: the trailer always follows it.
    let offset = 0;
    if (this.pendingBytes > 0) {
      offset = data.copy(this.pending, this.pendingBytes, 0, Math.min(data.length, this.chunkSize - this.pendingBytes));
      this.pendingBytes += offset;
      if (this.pendingBytes < this.chunkSize) return;
      await this.seal(chunks, this.pending, false);
      this.pendingBytes = 0;
    }
    for (; data.length - offset >= this.chunkSize; offset += this.chunkSize) await this.seal(chunks, data.subarray(offset, offset + this.chunkSize), false);
    this.pendingBytes = data.copy(this.pending, 0, offset);
  }

  private async finish(): Promise<void> {
    const chunks = await this.ready;
    const digest = this.plaintextHash.digest();
    const trailer = trailerFor(this.plaintextSize, digest);
    const room = this.chunkSize - this.pendingBytes;
    if (room >= TRAILER_BYTES) {
      trailer.copy(this.pending, this.pendingBytes);
      await this.seal(chunks, this.pending.subarray(0, this.pendingBytes + TRAILER_BYTES), true);
    } else {
      trailer.copy(this.pending, this.pendingBytes, 0, room);
      await this.seal(chunks, this.pending, false);
      await this.seal(chunks, trailer.subarray(room), true);
    }
    while (this.sealing.length > 0) await this.deliverOldest();
    this.settle({ plaintextDigest: `sha256:${digest.toString('hex')}`, plaintextSize: this.plaintextSize });
  }

  /** Starts sealing the next chunk, and waits only while SEALING_IN_FLIGHT chunks are already being sealed. */
  private async seal(chunks: ChunkSealer, plaintext: Buffer, final: boolean): Promise<void> {
    const sealed = chunks.seal(this.index++, final, plaintext);
    // Rejections are awaited in order by deliverOldest; this only stops one that comes early from counting as unhandled.
    ignoreRejection(sealed);
    this.sealing.push(sealed);
    if (this.sealing.length >= SEALING_IN_FLIGHT) await this.deliverOldest();
  }

  private async deliverOldest(): Promise<void> {
    const oldest = this.sealing.shift();
    if (oldest !== undefined) this.deliver(await oldest);
  }

  private deliver(bytes: Buffer): void {
    this.onCiphertext(bytes);
    this.push(bytes);
  }
}

/**
 * One layer opened record by record, in order, for a stream or a file reader: the header checked, each chunk
 * authenticated before its plaintext is given out, the last 40 bytes held back as the trailer and checked at the end.
 */
export class LayerDecryptor {
  private index = 0;
  private readonly plaintextHash = createHash('sha256');
  private plaintextSize = 0;
  /** The last 40 verified bytes: the trailer, if the data ends here, so not yet plaintext to give out. */
  private held: Buffer = Buffer.alloc(0);

  private constructor(
    private readonly layerKey: Buffer,
    private readonly header: Buffer,
    /** Bytes of every stored chunk but the last: ciphertext and tag. */
    readonly recordSize: number,
  ) {}

  /** The decryptor for the layer that starts with `header`: HEADER_BYTES, or fewer when the data ends sooner. */
  static fromHeader(contentKey: Uint8Array, header: Buffer): LayerDecryptor {
    if (header.length === 0) throw new TwinCryptoError('truncated', 'the encrypted data is empty');
    const length = Math.min(header.length, MAGIC.length);
    if (!header.subarray(0, length).equals(MAGIC.subarray(0, length))) throw notOurFormat();
    if (header.length < HEADER_BYTES) throw new TwinCryptoError('truncated', `the encrypted data was cut short inside its header (${header.length} of ${HEADER_BYTES} bytes)`);
    const version = header[MAGIC.length];
    if (version !== VERSION) throw new TwinCryptoError('bad-header', `this encrypted layer uses format version ${version}, which this version of Likeness Studio cannot read`);
    const chunkSize = header.readUInt32BE(CHUNK_SIZE_OFFSET);
    if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
      throw new TwinCryptoError('bad-header', `the encrypted layer's header names a chunk size of ${chunkSize} bytes, outside the ${MIN_CHUNK_SIZE} to ${MAX_CHUNK_SIZE} allowed`);
    }
    const layerKey = layerKeyFor(checkedContentKey(contentKey), header.subarray(SALT_OFFSET, KEY_CHECK_OFFSET));
    if (!timingSafeEqual(keyCheckFor(layerKey), header.subarray(KEY_CHECK_OFFSET, HEADER_BYTES))) {
      throw new TwinCryptoError('wrong-key', 'this content key does not open this encrypted layer: the key check in its header does not match (the key belongs to another twin, or the header was altered)');
    }
    return new LayerDecryptor(layerKey, Buffer.from(header.subarray(0, HEADER_BYTES)), chunkSize + TAG_BYTES);
  }

  /**
   * The plaintext that `record` (the next stored chunk: recordSize bytes, or up to that for the last) makes ready to
   * give out; the record is read before this returns, so its buffer may be reused. `last` marks the end of the data.
   */
  next(record: Buffer, last: boolean): Buffer[] {
    if (record.length > this.recordSize || (!last && record.length < this.recordSize)) {
      throw new RangeError(`chunk ${this.index} was passed as ${record.length} bytes; stored chunks are ${this.recordSize} bytes, the last one at most that`);
    }
    if (record.length <= TAG_BYTES) {
      throw new TwinCryptoError('truncated', this.index === 0 && record.length === 0 ? 'the encrypted data was cut short right after its header' : `the encrypted data was cut short inside chunk ${this.index}`);
    }
    const index = this.index++;
    const plaintext = this.open(index, last, record);
    if (plaintext === undefined) throw this.failure(index, record, last);
    return this.release(plaintext);
  }

  /** The plaintext's digest and size, once the last record has been through `next`: its trailer must match them. */
  finish(): PlaintextSummary {
    const digest = this.plaintextHash.digest();
    if (!this.held.equals(trailerFor(this.plaintextSize, digest))) {
      throw new TwinCryptoError('digest-mismatch', 'every chunk authenticated, but the decrypted data does not match the length and SHA-256 recorded at its end: it was sealed wrongly by software holding this content key');
    }
    return { plaintextDigest: `sha256:${digest.toString('hex')}`, plaintextSize: this.plaintextSize };
  }

  /** The plaintext, or undefined when the record does not authenticate as chunk `index` with this final flag. */
  private open(index: number, final: boolean, record: Buffer): Buffer | undefined {
    const { nonce, aad } = chunkBinding(this.header, index, final);
    const decipher = createDecipheriv('aes-256-gcm', this.layerKey, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(record.subarray(record.length - TAG_BYTES));
    const plaintext = decipher.update(record.subarray(0, record.length - TAG_BYTES));
    try {
      decipher.final();
    } catch {
      return undefined;
    }
    return plaintext;
  }

  /** Why a record did not authenticate: the other final flag tells a cut or an appendix from altered data. */
  private failure(index: number, record: Buffer, last: boolean): TwinCryptoError {
    if (this.open(index, !last, record) !== undefined) {
      return last
        ? new TwinCryptoError('truncated', `the encrypted data was cut short after chunk ${index}`)
        : new TwinCryptoError('trailing-data', `chunk ${index} is marked as the last one, but more data follows it`);
    }
    // A short last record is a cut inside the chunk or an altered final chunk; authentication cannot tell which.
    const cause = last && record.length < this.recordSize ? 'it was altered, or the data was cut short inside it' : 'it was altered, moved, or taken from another layer';
    return new TwinCryptoError('tampered', `chunk ${index} of the encrypted data failed authentication: ${cause}`);
  }

  /** Verified plaintext except the last 40 bytes seen, which stay held until a later chunk or the end. */
  private release(plaintext: Buffer): Buffer[] {
    let ready: Buffer[];
    if (plaintext.length >= TRAILER_BYTES) {
      ready = [this.held, plaintext.subarray(0, plaintext.length - TRAILER_BYTES)];
      this.held = plaintext.subarray(plaintext.length - TRAILER_BYTES);
    } else {
      const tail = Buffer.concat([this.held, plaintext]);
      const cut = Math.max(0, tail.length - TRAILER_BYTES);
      ready = [tail.subarray(0, cut)];
      this.held = tail.subarray(cut);
    }
    ready = ready.filter((piece) => piece.length > 0);
    for (const piece of ready) {
      this.plaintextHash.update(piece);
      this.plaintextSize += piece.length;
    }
    return ready;
  }
}

class DecryptStream extends SummarisingTransform {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private decryptor: LayerDecryptor | undefined;
  /** Room for a record split across input pieces; allocated once the header names the chunk size. */
  private scratch: Buffer = Buffer.alloc(0);

  constructor(private readonly contentKey: Buffer) {
    super({ writableHighWaterMark: DEFAULT_CHUNK_SIZE + TAG_BYTES, readableHighWaterMark: DEFAULT_CHUNK_SIZE });
  }

  override _transform(data: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.queue.push(data);
    this.queued += data.length;
    this.finishWith((async () => this.accept())(), callback);
  }

  override _flush(callback: TransformCallback): void {
    this.finishWith((async () => this.finish())(), callback);
  }

  private accept(): void {
    if (this.decryptor === undefined) {
      if (this.queued < HEADER_BYTES) return;
      this.decryptor = LayerDecryptor.fromHeader(this.contentKey, this.dequeue(HEADER_BYTES, Buffer.alloc(HEADER_BYTES)));
      this.scratch = Buffer.alloc(this.decryptor.recordSize);
    }
    // A record followed by more bytes is not the last one; the last is only known when the input ends.
    while (this.queued > this.decryptor.recordSize) this.deliver(this.decryptor.next(this.dequeue(this.decryptor.recordSize, this.scratch), false));
  }

  private finish(): void {
    // With no decryptor yet, fewer bytes than a header arrived: fromHeader says what is wrong with them.
    const decryptor = this.decryptor ?? LayerDecryptor.fromHeader(this.contentKey, this.dequeue(this.queued, Buffer.alloc(this.queued)));
    this.deliver(decryptor.next(this.dequeue(this.queued, this.scratch), true));
    this.settle(decryptor.finish());
  }

  private deliver(plaintext: Buffer[]): void {
    for (const piece of plaintext) this.push(piece);
  }

  /** The next n queued bytes: a view of the input when one piece holds them all, else copied into `into`. */
  private dequeue(n: number, into: Buffer): Buffer {
    this.queued -= n;
    const first = this.queue[0];
    if (first !== undefined && first.length >= n) {
      if (first.length === n) this.queue.shift();
      else this.queue[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    let filled = 0;
    for (let piece = this.queue[0]; piece !== undefined && filled < n; piece = this.queue[0]) {
      const used = piece.copy(into, filled, 0, n - filled);
      filled += used;
      if (used === piece.length) this.queue.shift();
      else this.queue[0] = piece.subarray(used);
    }
    return into.subarray(0, n);
  }
}

function notOurFormat(): TwinCryptoError {
  return new TwinCryptoError('bad-header', 'this is not a Likeness Studio encrypted layer: it does not start with LKNSENC1');
}
