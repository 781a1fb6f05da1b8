// Temporary folders and tmpfs mounts for tests, removed afterwards; test process.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/** A folder for a whole file's tests (made in beforeAll): the caller removes it with the returned function in afterAll. */
export function suiteDir(prefix = 'likeness-suite-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function tempDir(prefix = 'likeness-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Mounts a small tmpfs (root only: CI runs as root). Returns undefined where mounting is not allowed,
 * so callers can say why they skip instead of pretending.
 */
export function tmpfs(sizeKb: number, options: { readOnly?: boolean } = {}): string | undefined {
  const dir = tempDir('likeness-tmpfs-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k${options.readOnly ? ',ro' : ''}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  onTestFinished(() => {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
  });
  return dir;
}

export function remountReadOnly(dir: string, readOnly = true): void {
  execFileSync('mount', ['-o', `remount,${readOnly ? 'ro' : 'rw'}`, dir], { stdio: 'ignore' });
}

export const canMount = process.getuid?.() === 0;
