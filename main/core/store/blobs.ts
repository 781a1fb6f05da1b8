// Content-addressed blob store: sha256 names, streamed atomic writes, reference counts and garbage collection; main process.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { LikenessError } from '../../contract/errors.js';
import { fsyncDirectory, writeAll } from './atomic.js';
import type { Db } from './database.js';
import { translateFsError } from './fs-errors.js';

export type Digest = `sha256:${string}`;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const CHUNK = 1 << 20;

export function isDigest(value: string): value is Digest {
  return DIGEST.test(value);
}

export function digestOf(bytes: Uint8Array): Digest {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export interface PutOptions {
  mediaType: string;
  /** Who holds the new reference, e.g. `take:42`; a blob with no owner is collected by gc. */
  owner?: string;
}

export interface BlobInfo {
  digest: Digest;
  size: number;
  mediaType: string;
}

export interface GcResult {
  removedBlobs: number;
  removedBytes: number;
  removedTemps: number;
}

type Source = Uint8Array | AsyncIterable<Uint8Array> | Readable;

export class BlobStore {
  private readonly tmpDir: string;
  private readonly objectsDir: string;

  constructor(
    readonly root: string,
    private readonly db: Db,
  ) {
    this.tmpDir = join(root, 'tmp');
    this.objectsDir = join(root, 'sha256');
    try {
      mkdirSync(this.tmpDir, { recursive: true });
      mkdirSync(this.objectsDir, { recursive: true });
    } catch (error) {
      throw translateFsError(error, 'the blob store', root);
    }
  }

  pathOf(digest: string): string {
    if (!isDigest(digest)) throw new LikenessError('invalid-input', `Not a sha256 digest: ${JSON.stringify(digest.slice(0, 80))}`);
    const hex = digest.slice(7);
    return join(this.objectsDir, hex.slice(0, 2), hex);
  }

  has(digest: string): boolean {
    return isDigest(digest) && this.db.prepare('SELECT 1 FROM blobs WHERE digest = ?').get(digest) !== undefined && existsSync(this.pathOf(digest));
  }

  info(digest: string): BlobInfo | undefined {
    if (!isDigest(digest)) return undefined;
    const row = this.db.prepare('SELECT digest, size, media_type AS mediaType FROM blobs WHERE digest = ?').get(digest) as BlobInfo | undefined;
    return row;
  }

  /** Hashes while streaming into a temp file; the blob appears under its name only once complete and flushed. */
  async put(source: Source, options: PutOptions): Promise<BlobInfo> {
    const temp = join(this.tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    try {
      const handle = await open(temp, 'wx', 0o600);
      try {
        for await (const chunk of chunksOf(source)) {
          hash.update(chunk);
          size += chunk.length;
          await writeAll(handle, chunk);
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      rmSync(temp, { force: true });
      throw translateFsError(error, 'the file', this.root);
    }
    const digest: Digest = `sha256:${hash.digest('hex')}`;
    // From here to the end is synchronous, so gc (also synchronous) can never run between the file check and the row insert.
    try {
      const target = this.pathOf(digest);
      if (existsSync(target)) {
        rmSync(temp, { force: true });
      } else {
        mkdirSync(join(target, '..'), { recursive: true });
        renameSync(temp, target);
        fsyncDirectory(join(target, '..'));
      }
    } catch (error) {
      rmSync(temp, { force: true });
      throw translateFsError(error, 'the file', this.root);
    }
    this.db.transaction(() => {
      this.db
        .prepare('INSERT OR IGNORE INTO blobs (digest, size, media_type, created_at) VALUES (?, ?, ?, ?)')
        .run(digest, size, options.mediaType, new Date().toISOString());
      if (options.owner !== undefined) this.db.prepare('INSERT OR IGNORE INTO blob_refs (digest, owner) VALUES (?, ?)').run(digest, options.owner);
    })();
    return { digest, size, mediaType: options.mediaType };
  }

  openRead(digest: string): Readable {
    this.requirePresent(digest);
    return createReadStream(this.pathOf(digest), { highWaterMark: CHUNK });
  }

  async read(digest: string): Promise<Buffer> {
    this.requirePresent(digest);
    return readFile(this.pathOf(digest));
  }

  addRef(digest: string, owner: string): void {
    this.requirePresent(digest);
    this.db.prepare('INSERT OR IGNORE INTO blob_refs (digest, owner) VALUES (?, ?)').run(digest, owner);
  }

  removeRef(digest: string, owner: string): void {
    this.db.prepare('DELETE FROM blob_refs WHERE digest = ? AND owner = ?').run(digest, owner);
  }

  refCount(digest: string): number {
    const row = this.db.prepare('SELECT count(*) AS n FROM blob_refs WHERE digest = ?').get(digest) as { n: number };
    return row.n;
  }

  /** Digests in a stable order, so a verify job can resume from an index. */
  list(): Digest[] {
    return (this.db.prepare('SELECT digest FROM blobs ORDER BY digest').all() as { digest: Digest }[]).map((r) => r.digest);
  }

  stats(): { blobCount: number; blobBytes: number; unreferencedBlobs: number } {
    const totals = this.db.prepare('SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM blobs').get() as { n: number; bytes: number };
    const orphans = this.db
      .prepare('SELECT count(*) AS n FROM blobs WHERE NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.digest = blobs.digest)')
      .get() as { n: number };
    return { blobCount: totals.n, blobBytes: totals.bytes, unreferencedBlobs: orphans.n };
  }

  /** Re-hashes a stored blob; false means the bytes on disk no longer match their name. */
  async verify(digest: string, signal?: AbortSignal): Promise<boolean> {
    const path = this.pathOf(digest);
    if (!existsSync(path)) return false;
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK, signal })) hash.update(chunk as Buffer);
    return `sha256:${hash.digest('hex')}` === digest;
  }

  /**
   * Removes blobs nobody references, files the database does not know (a crash between rename and insert),
   * and temp files left by interrupted writes. Files younger than graceMs are left alone: a put may be finishing.
   */
  gc(graceMs = 60 * 60 * 1000): GcResult {
    const now = Date.now();
    const result: GcResult = { removedBlobs: 0, removedBytes: 0, removedTemps: 0 };
    const unreferenced = this.db
      .prepare('SELECT digest, size FROM blobs WHERE NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.digest = blobs.digest)')
      .all() as { digest: Digest; size: number }[];
    const remove = this.db.prepare('DELETE FROM blobs WHERE digest = ?');
    for (const { digest, size } of unreferenced) {
      const path = this.pathOf(digest);
      if (existsSync(path) && now - statSync(path).mtimeMs < graceMs) continue;
      remove.run(digest);
      rmSync(path, { force: true });
      result.removedBlobs++;
      result.removedBytes += size;
    }
    const known = this.db.prepare('SELECT 1 FROM blobs WHERE digest = ?');
    for (const shard of readdirSync(this.objectsDir)) {
      for (const name of readdirSync(join(this.objectsDir, shard))) {
        const path = join(this.objectsDir, shard, name);
        if (known.get(`sha256:${name}`) !== undefined || now - statSync(path).mtimeMs < graceMs) continue;
        const size = statSync(path).size;
        unlinkSync(path);
        result.removedBlobs++;
        result.removedBytes += size;
      }
    }
    for (const name of readdirSync(this.tmpDir)) {
      const path = join(this.tmpDir, name);
      if (now - statSync(path).mtimeMs < graceMs) continue;
      rmSync(path, { force: true });
      result.removedTemps++;
    }
    return result;
  }

  private requirePresent(digest: string): void {
    if (!this.has(digest)) throw new LikenessError('not-found', `No blob ${digest} in this studio.`);
  }
}

async function* chunksOf(source: Source): AsyncIterable<Uint8Array> {
  if (source instanceof Uint8Array) {
    for (let offset = 0; offset < source.length; offset += CHUNK) yield source.subarray(offset, Math.min(offset + CHUNK, source.length));
    return;
  }
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}
