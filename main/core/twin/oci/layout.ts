// An OCI image layout on disk (oci-layout, index.json, blobs/sha256): streamed, verified, crash-safe blob writes; main process and workers.
import { createHash } from 'node:crypto';
import { constants, createReadStream, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { lstat, open, readFile, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { fsyncDirectory, tempPathFor, writeAll, writeFileAtomic } from '../../store/atomic.js';
import { parseJsonLimited, type JsonLimits } from './json-limits.js';
import { INDEX_MEDIA_TYPE, MANIFEST_MEDIA_TYPE, OciFormatError, isDigest, parseIndex, parseManifest, type Descriptor, type ImageIndex, type ImageManifest } from './types.js';

export const LAYOUT_FILE = 'oci-layout';
export const INDEX_FILE = 'index.json';
export const LAYOUT_VERSION = '1.0.0';
export const INDEX_LIMITS: JsonLimits = { maxBytes: 1 << 20, maxDepth: 32 };
/** Registries commonly refuse manifests over 4 MiB, so nothing legitimate is larger. */
export const MANIFEST_LIMITS: JsonLimits = { maxBytes: 4 << 20, maxDepth: 64 };
const LAYOUT_FILE_LIMITS: JsonLimits = { maxBytes: 4096, maxDepth: 4 };
const CHUNK = 1 << 20;

export type BlobCheck = { ok: true } | { ok: false; reason: 'missing' | 'size' | 'digest' };

export interface BlobExtra {
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** A verified blob in a temp file: commit() gives it its name, discard() removes it, so a batch lands whole or not at all. */
export interface StagedBlob {
  descriptor: Descriptor;
  commit(): void;
  discard(): void;
}

export class OciLayoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OciLayoutError';
  }
}

function emptyIndex(): ImageIndex {
  return { schemaVersion: 2, mediaType: INDEX_MEDIA_TYPE, manifests: [] };
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR');
}

/** Hashes and counts what passes, writes it through the handle, and flushes it to disk before reporting finished. */
class HashingFileSink extends Writable {
  readonly hash = createHash('sha256');
  size = 0;

  constructor(
    private readonly handle: FileHandle,
    private readonly expected: Descriptor | undefined,
  ) {
    super({ highWaterMark: CHUNK });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.size += chunk.length;
    // Stops an endless or oversized stream as soon as it passes the declared size, not after it filled the disk.
    if (this.expected && this.size > this.expected.size) {
      callback(new OciLayoutError(`Blob ${this.expected.digest} is larger than the ${this.expected.size} bytes its descriptor declares.`));
      return;
    }
    this.hash.update(chunk);
    writeAll(this.handle, chunk).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.handle.sync().then(() => callback(), callback);
  }
}

export class OciLayout {
  private current: ImageIndex;

  private constructor(
    readonly dir: string,
    index: ImageIndex,
  ) {
    this.current = index;
  }

  private get blobsDir(): string {
    return join(this.dir, 'blobs', 'sha256');
  }

  static async create(dir: string): Promise<OciLayout> {
    mkdirSync(dir, { recursive: true });
    if (existsSync(join(dir, LAYOUT_FILE))) throw new OciLayoutError(`${dir} already holds an OCI layout.`);
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
    const index = emptyIndex();
    // index.json first: a folder with oci-layout is taken for a layout, so that file must come last.
    writeFileAtomic(join(dir, INDEX_FILE), JSON.stringify(index));
    writeFileAtomic(join(dir, LAYOUT_FILE), JSON.stringify({ imageLayoutVersion: LAYOUT_VERSION }));
    return new OciLayout(dir, index);
  }

  static async open(dir: string): Promise<OciLayout> {
    const layoutText = await readLimited(join(dir, LAYOUT_FILE), LAYOUT_FILE_LIMITS.maxBytes, `${dir} is not an OCI layout`);
    const layout = parseJsonLimited(layoutText, LAYOUT_FILE_LIMITS) as { imageLayoutVersion?: unknown } | null;
    if (typeof layout !== 'object' || layout === null || layout.imageLayoutVersion !== LAYOUT_VERSION) {
      throw new OciLayoutError(`${join(dir, LAYOUT_FILE)} does not declare imageLayoutVersion ${LAYOUT_VERSION}.`);
    }
    const indexText = await readLimited(join(dir, INDEX_FILE), INDEX_LIMITS.maxBytes, `${dir} has no index.json`);
    return new OciLayout(dir, parseIndex(parseJsonLimited(indexText, INDEX_LIMITS)));
  }

  blobPath(digest: string): string {
    if (!isDigest(digest)) throw new OciFormatError('digest', `${JSON.stringify(digest.slice(0, 80))} is not a sha256 digest`);
    return join(this.blobsDir, digest.slice('sha256:'.length));
  }

  hasBlob(digest: string): boolean {
    if (!isDigest(digest)) return false;
    try {
      return lstatSync(this.blobPath(digest)).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  openBlob(digest: string): Readable {
    return createReadStream(this.blobPath(digest), { highWaterMark: CHUNK });
  }

  /** Hashes while writing to a temp file beside the blobs, so a blob only ever appears complete and under its true name. */
  async putBlob(source: Readable | Uint8Array, mediaType: string, extra: BlobExtra = {}): Promise<Descriptor> {
    const staged = await this.stage((sink) => pipeline(source instanceof Readable ? source : Readable.from([source]), sink), undefined);
    const digest = staged.descriptor.digest;
    if (this.hasBlob(digest) && (await this.verifyBlob({ mediaType, digest, size: staged.descriptor.size })).ok) staged.discard();
    else staged.commit();
    return { mediaType, digest, size: staged.descriptor.size, ...extra };
  }

  /** Compact serialisation: the digest is of these exact bytes, so whitespace would only waste them. */
  async putJson(value: unknown, mediaType: string): Promise<Descriptor> {
    return this.putBlob(Buffer.from(JSON.stringify(value), 'utf8'), mediaType);
  }

  /**
   * Lets `write` fill a temp file (e.g. from the network) and checks size and sha256 against `expected` before
   * anything is named; a mismatch leaves nothing behind.
   */
  async stageBlob(expected: Descriptor, write: (sink: Writable) => Promise<void>): Promise<StagedBlob> {
    const staged = await this.stage(write, expected);
    return { ...staged, descriptor: { ...expected } };
  }

  /** `write` must end the sink (stream.pipeline does). */
  private async stage(write: (sink: Writable) => Promise<void>, expected: Descriptor | undefined): Promise<StagedBlob> {
    if (expected && !isDigest(expected.digest)) throw new OciFormatError('digest', `${JSON.stringify(expected.digest.slice(0, 80))} is not a sha256 digest`);
    mkdirSync(this.blobsDir, { recursive: true });
    const temp = tempPathFor(join(this.blobsDir, 'incoming'));
    let sink: HashingFileSink;
    try {
      const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
      try {
        sink = new HashingFileSink(handle, expected);
        // In this order: when `write` fails, its error is the one worth reporting, not the sink's premature close.
        await write(sink);
        await finished(sink);
      } finally {
        await handle.close();
      }
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
    const size = sink.size;
    const digest = `sha256:${sink.hash.digest('hex')}`;
    if (expected && (size !== expected.size || digest !== expected.digest)) {
      rmSync(temp, { force: true });
      throw new OciLayoutError(
        size !== expected.size
          ? `Blob ${expected.digest} has ${size} bytes, not the ${expected.size} its descriptor declares.`
          : `Blob ${expected.digest} does not match its digest (the bytes hash to ${digest}).`,
      );
    }
    const target = join(this.blobsDir, digest.slice('sha256:'.length));
    let settled = false;
    return {
      descriptor: { mediaType: expected?.mediaType ?? 'application/octet-stream', digest, size },
      commit: () => {
        if (settled) return;
        settled = true;
        try {
          renameSync(temp, target);
        } catch (error) {
          rmSync(temp, { force: true });
          throw error;
        }
        fsyncDirectory(this.blobsDir);
      },
      discard: () => {
        if (settled) return;
        settled = true;
        rmSync(temp, { force: true });
      },
    };
  }

  /** Reads a small blob (a manifest, a config) whole, refusing it if it is oversize or not what its name says. */
  async readSmallBlob(target: string | Descriptor, maxBytes: number = MANIFEST_LIMITS.maxBytes): Promise<Buffer> {
    const descriptor = typeof target === 'string' ? undefined : target;
    const digest = typeof target === 'string' ? target : target.digest;
    const bytes = await readLimitedBytes(this.blobPath(digest), maxBytes, `Blob ${digest} is missing`);
    if (descriptor && bytes.length !== descriptor.size) throw new OciLayoutError(`Blob ${digest} has ${bytes.length} bytes, not the ${descriptor.size} its descriptor declares.`);
    if (`sha256:${createHash('sha256').update(bytes).digest('hex')}` !== digest) throw new OciLayoutError(`Blob ${digest} does not match its digest.`);
    return bytes;
  }

  async readJson(target: string | Descriptor, limits: JsonLimits = MANIFEST_LIMITS): Promise<unknown> {
    return parseJsonLimited((await this.readSmallBlob(target, limits.maxBytes)).toString('utf8'), limits);
  }

  async readManifest(target: string | Descriptor): Promise<ImageManifest> {
    return parseManifest(await this.readJson(target));
  }

  async verifyBlob(descriptor: Descriptor): Promise<BlobCheck> {
    const path = this.blobPath(descriptor.digest);
    try {
      const stat = await lstat(path);
      if (!stat.isFile()) return { ok: false, reason: 'missing' };
      if (stat.size !== descriptor.size) return { ok: false, reason: 'size' };
    } catch (error) {
      if (isMissing(error)) return { ok: false, reason: 'missing' };
      throw error;
    }
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) hash.update(chunk as Buffer);
    return `sha256:${hash.digest('hex')}` === descriptor.digest ? { ok: true } : { ok: false, reason: 'digest' };
  }

  index(): ImageIndex {
    return structuredClone(this.current);
  }

  /** Idempotent by digest: the first descriptor recorded for a digest (with its annotations) stays. */
  addToIndex(descriptor: Descriptor): void {
    if (!this.hasBlob(descriptor.digest)) throw new OciLayoutError(`Cannot add ${descriptor.digest} to index.json: the blob is not in the layout.`);
    if (this.current.manifests.some((m) => m.digest === descriptor.digest)) return;
    this.writeIndex({ ...this.current, manifests: [...this.current.manifests, structuredClone(descriptor)] });
  }

  removeFromIndex(digest: string): void {
    const manifests = this.current.manifests.filter((m) => m.digest !== digest);
    if (manifests.length !== this.current.manifests.length) this.writeIndex({ ...this.current, manifests });
  }

  private writeIndex(index: ImageIndex): void {
    writeFileAtomic(join(this.dir, INDEX_FILE), JSON.stringify(index));
    this.current = index;
  }

  /** Manifests in index.json whose subject is the given manifest, i.e. the artifacts that refer to it. */
  async referrers(subjectDigest: string, artifactType?: string): Promise<{ descriptor: Descriptor; manifest: ImageManifest }[]> {
    const found: { descriptor: Descriptor; manifest: ImageManifest }[] = [];
    for (const descriptor of this.current.manifests) {
      if (descriptor.mediaType !== MANIFEST_MEDIA_TYPE) continue;
      const manifest = await this.readManifest(descriptor);
      if (manifest.subject?.digest !== subjectDigest) continue;
      if (artifactType !== undefined && (manifest.artifactType ?? manifest.config.mediaType) !== artifactType) continue;
      found.push({ descriptor: structuredClone(descriptor), manifest });
    }
    return found;
  }

  /** Sorted, and only names that are digests: temp files of interrupted writes are not blobs. */
  listBlobs(): string[] {
    return readdirSync(this.blobsDir)
      .filter((name) => /^[0-9a-f]{64}$/.test(name))
      .sort()
      .map((name) => `sha256:${name}`);
  }

  async deleteBlob(digest: string): Promise<void> {
    await rm(this.blobPath(digest), { force: true });
    fsyncDirectory(this.blobsDir);
  }
}

async function readLimitedBytes(path: string, maxBytes: number, missing: string): Promise<Buffer> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if (isMissing(error)) throw new OciLayoutError(`${missing} (${path}).`);
    throw error;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new OciLayoutError(`${path} is not a regular file.`);
    if (stat.size > maxBytes) throw new OciLayoutError(`${path} is larger than the limit of ${maxBytes} bytes.`);
    const bytes = await readFile(handle);
    // The file may have grown since the stat.
    if (bytes.length > maxBytes) throw new OciLayoutError(`${path} is larger than the limit of ${maxBytes} bytes.`);
    return bytes;
  } finally {
    await handle.close();
  }
}

async function readLimited(path: string, maxBytes: number, missing: string): Promise<string> {
  return (await readLimitedBytes(path, maxBytes, missing)).toString('utf8');
}
