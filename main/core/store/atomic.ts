// Crash-safe file writes (temp file, fsync, rename, fsync of the folder); main process and workers.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Makes a rename durable: without this a power cut can forget the new directory entry. */
export function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (error) {
    // Some file systems (and Windows) refuse fsync on a directory; the rename is still atomic there.
    if (!(error instanceof Error && 'code' in error && ['EISDIR', 'EPERM', 'EINVAL', 'EBADF'].includes(String(error.code)))) throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Readers see the old content or the new, never a torn file. */
export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  const temp = tempPathFor(target);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  fsyncDirectory(dirname(target));
}
