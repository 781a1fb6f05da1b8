// Recordings streamed from the app: MediaRecorder chunks appended and flushed as they arrive, then turned into a take; main process.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { LikenessError } from '../../contract/errors.js';
import type { TakeKind } from '../../contract/models.js';
import { writeFileAtomic } from '../store/atomic.js';
import { translateFsError } from '../store/fs-errors.js';

/** A recording may not grow past this (about 2 hours of webcam video): a runaway page cannot fill the disk. */
export const MAX_RECORDING_BYTES = 2 * 1024 ** 3;
export const MAX_CHUNK_BYTES = 512 * 1024;
const ID = /^rec_[0-9a-f]{16}$/;

export interface RecordingMeta {
  id: string;
  kind: TakeKind;
  language: string;
  promptId: string | null;
  /** What the file is: a take recorded in the app, or a file the creator dropped in to import. */
  purpose: 'take' | 'import';
  fileName: string;
}

/** A recording left on disk by a crash or a closed window, with the details written beside it when it started. */
export interface Leftover {
  id: string;
  /** null when the details file is missing or unreadable. */
  meta: RecordingMeta | null;
  file: string;
  bytes: number;
  modifiedAt: string;
}

interface Open {
  meta: RecordingMeta;
  fd: number;
  path: string;
  nextSeq: number;
  bytes: number;
}

export class Recordings {
  private readonly open = new Map<string, Open>();

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  start(meta: Omit<RecordingMeta, 'id'>): RecordingMeta {
    const id = `rec_${randomBytes(8).toString('hex')}`;
    const named = /\.([A-Za-z0-9]{1,8})$/.exec(meta.fileName)?.[1] ?? 'webm';
    // .json is the details file beside it.
    const extension = named.toLowerCase() === 'json' ? 'bin' : named;
    const path = join(this.dir, `${id}.${extension}`);
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      throw translateFsError(error, 'the recording', this.dir);
    }
    const full = { ...meta, id };
    try {
      // Beside the media, so an interrupted recording can be recovered as the take it was meant to be.
      writeFileAtomic(this.metaPath(id), JSON.stringify(full));
    } catch (error) {
      closeSync(fd);
      rmSync(path, { force: true });
      throw translateFsError(error, 'the recording', this.dir);
    }
    this.open.set(id, { meta: full, fd, path, nextSeq: 0, bytes: 0 });
    return full;
  }

  /**
   * Appends chunk `seq` and flushes it to disk, so a crash loses at most the chunk in flight.
   * A chunk sent twice (a retry) is accepted once; a gap is refused.
   */
  append(id: string, seq: number, data: Uint8Array): { bytes: number } {
    const entry = this.require(id);
    if (seq < entry.nextSeq) return { bytes: entry.bytes };
    if (seq > entry.nextSeq) throw new LikenessError('conflict', `Recording ${id} expected chunk ${entry.nextSeq}, got ${seq}.`);
    if (data.length > MAX_CHUNK_BYTES) throw new LikenessError('payload-too-large', `A recording chunk may hold at most ${MAX_CHUNK_BYTES} bytes.`);
    if (entry.bytes + data.length > MAX_RECORDING_BYTES) throw new LikenessError('payload-too-large', 'The recording is too long; stop and start a new take.');
    try {
      let offset = 0;
      while (offset < data.length) offset += writeSync(entry.fd, data, offset, data.length - offset);
      fsyncSync(entry.fd);
    } catch (error) {
      throw translateFsError(error, 'the recording', this.dir);
    }
    entry.nextSeq++;
    entry.bytes += data.length;
    return { bytes: entry.bytes };
  }

  /** Closes the file and hands it over; the caller removes it with discard() when done. */
  finish(id: string): { meta: RecordingMeta; path: string; bytes: number } {
    const entry = this.require(id);
    closeSync(entry.fd);
    this.open.delete(id);
    if (entry.bytes === 0) {
      rmSync(entry.path, { force: true });
      rmSync(this.metaPath(id), { force: true });
      throw new LikenessError('invalid-input', 'The recording is empty: nothing was captured.');
    }
    return { meta: entry.meta, path: entry.path, bytes: entry.bytes };
  }

  /** Removes a recording (open, finished or left over) and its details. */
  discard(id: string, path?: string): void {
    const entry = this.open.get(id);
    if (entry) {
      closeSync(entry.fd);
      this.open.delete(id);
      rmSync(entry.path, { force: true });
    } else if (path) {
      rmSync(path, { force: true });
    } else if (ID.test(id)) {
      for (const name of this.filesOf(id)) rmSync(join(this.dir, name), { force: true });
    }
    rmSync(this.metaPath(id), { force: true });
  }

  /** Recordings left on disk by a crash: what was flushed is kept for the creator to recover or delete. */
  leftovers(): Leftover[] {
    if (!existsSync(this.dir)) return [];
    const ids = new Set(readdirSync(this.dir).map((name) => name.split('.')[0]!).filter((id) => ID.test(id) && !this.open.has(id)));
    return [...ids].flatMap((id) => {
      const media = this.filesOf(id).find((name) => !name.endsWith('.json'));
      if (!media) {
        rmSync(this.metaPath(id), { force: true });
        return [];
      }
      const stat = statSync(join(this.dir, media));
      return [{ id, meta: this.readMeta(id), file: join(this.dir, media), bytes: stat.size, modifiedAt: stat.mtime.toISOString() }];
    });
  }

  leftover(id: string): Leftover {
    const found = ID.test(id) ? this.leftovers().find((l) => l.id === id) : undefined;
    if (!found) throw new LikenessError('not-found', `No interrupted recording ${id}.`);
    return found;
  }

  private filesOf(id: string): string[] {
    return existsSync(this.dir) ? readdirSync(this.dir).filter((name) => name.startsWith(`${id}.`)) : [];
  }

  private metaPath(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  private readMeta(id: string): RecordingMeta | null {
    try {
      const meta = JSON.parse(readFileSync(this.metaPath(id), 'utf8')) as RecordingMeta;
      return meta.id === id ? meta : null;
    } catch {
      return null;
    }
  }

  closeAll(): void {
    for (const entry of this.open.values()) closeSync(entry.fd);
    this.open.clear();
  }

  private require(id: string): Open {
    const entry = ID.test(id) ? this.open.get(id) : undefined;
    if (!entry) throw new LikenessError('not-found', `No recording ${id} in progress.`);
    return entry;
  }
}
