// Recordings streamed from the app: MediaRecorder chunks appended and flushed as they arrive, then turned into a take; main process.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { LikenessError } from '../../contract/errors.js';
import type { TakeKind } from '../../contract/models.js';
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
    const extension = /\.([A-Za-z0-9]{1,8})$/.exec(meta.fileName)?.[1] ?? 'webm';
    const path = join(this.dir, `${id}.${extension}`);
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      throw translateFsError(error, 'the recording', this.dir);
    }
    const full = { ...meta, id };
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
      throw new LikenessError('invalid-input', 'The recording is empty: nothing was captured.');
    }
    return { meta: entry.meta, path: entry.path, bytes: entry.bytes };
  }

  discard(id: string, path?: string): void {
    const entry = this.open.get(id);
    if (entry) {
      closeSync(entry.fd);
      this.open.delete(id);
      rmSync(entry.path, { force: true });
    } else if (path) {
      rmSync(path, { force: true });
    }
  }

  /** Recordings left on disk by a crash: what was flushed is kept for the creator to recover or delete. */
  leftovers(): { file: string; bytes: number }[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((name) => !this.open.has(name.split('.')[0]!))
      .map((name) => ({ file: join(this.dir, name), bytes: statSync(join(this.dir, name)).size }));
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
