// Crash-safe file writes (temp file, fsync, rename, fsync of the folder); main process and workers.
import { randomBytes } from 'node:crypto';
import { closeSync, fsync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const fsyncAsync = promisify(fsync);

export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** All of `bytes` written at the handle's position: one write may take fewer bytes than it is given. */
export async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += (await handle.write(bytes, offset, bytes.length - offset)).bytesWritten;
}

/**
 * `target` replaced by what `write` puts into a fresh temp file beside it, synced before the rename and the folder
 * synced after; when `write` fails, `target` stays as it was and the temp file is removed.
 */
export async function replaceFile(target: string, mode: number, write: (handle: FileHandle) => Promise<void>): Promise<void> {
  const temp = tempPathFor(target);
  const handle = await open(temp, 'wx', mode);
  try {
    try {
      await write(handle);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  fsyncDirectory(dirname(resolve(target)));
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

/** A file's new content written beside it under a temp name, still open and not yet synced. */
export interface StagedFile {
  temp: string;
  target: string;
  fd: number;
}

export function stageFile(target: string, data: string | Uint8Array, mode = 0o600): StagedFile {
  const temp = tempPathFor(target);
  const fd = openSync(temp, 'wx', mode);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  return { temp, target, fd };
}

/** Closes and removes staged files that will not be committed. */
export function abandonStaged(staged: readonly StagedFile[]): void {
  for (const file of staged) closeSync(file.fd);
  removeTemps(staged);
}

function removeTemps(staged: readonly StagedFile[]): void {
  for (const file of staged) rmSync(file.temp, { force: true });
}

function place(files: readonly StagedFile[]): void {
  for (const file of files) renameSync(file.temp, file.target);
  for (const folder of new Set(files.map((f) => dirname(f.target)))) fsyncDirectory(folder);
}

/** Readers see the old content or the new, never a torn file. */
export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  const staged = stageFile(target, data);
  try {
    fsyncSync(staged.fd);
  } catch (error) {
    abandonStaged([staged]);
    throw error;
  }
  closeSync(staged.fd);
  try {
    place([staged]);
  } catch (error) {
    removeTemps([staged]);
    throw error;
  }
}

/**
 * Several staged files made durable together: all their fsyncs at once (the thread pool runs them side by side and
 * the file system can commit them in one journal flush), then each group renamed and its folders synced in order,
 * so no name in a later group (an index) is on disk before the names of an earlier group (the blobs it lists).
 */
export async function commitStaged(groups: readonly (readonly StagedFile[])[]): Promise<void> {
  const all = groups.flat();
  // Settled, not raced: a descriptor must not be closed while another thread may still be syncing it.
  const failed = (await Promise.allSettled(all.map((file) => fsyncAsync(file.fd)))).find((r) => r.status === 'rejected');
  if (failed) {
    abandonStaged(all);
    throw failed.reason;
  }
  for (const file of all) closeSync(file.fd);
  try {
    for (const group of groups) place(group);
  } catch (error) {
    removeTemps(all);
    throw error;
  }
}
