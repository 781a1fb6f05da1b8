// The data home: where it is, checking it can be written, and the lock that keeps a second process out; main process.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { LikenessError } from '../../contract/errors.js';
import { writeFileAtomic } from './atomic.js';
import { errnoOf, translateFsError } from './fs-errors.js';

export const PRODUCT_FOLDER = 'Likeness Studio';

/** The same folder Electron's app.getPath('userData') gives, so the CLI and the desktop app share one home by default. */
export function defaultHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_FOLDER);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_FOLDER);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT_FOLDER);
}

/** --home beats LIKENESS_HOME beats the platform default. */
export function resolveHome(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== undefined && flag.trim() !== '') return resolve(flag);
  if (env.LIKENESS_HOME !== undefined && env.LIKENESS_HOME.trim() !== '') return resolve(env.LIKENESS_HOME);
  return defaultHome(env);
}

/** Creates the home and proves it is writable before anything else touches it. */
export function prepareHome(home: string): void {
  try {
    mkdirSync(home, { recursive: true });
    writeFileAtomic(join(home, '.write-check'), String(Date.now()));
    rmSync(join(home, '.write-check'), { force: true });
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOSPC' || code === 'EDQUOT') throw translateFsError(error, 'the data home', home);
    // mkdir on a read-only mount reports ENOENT, so every other failure here means the same thing to the creator.
    throw new LikenessError('home-read-only', `The data home ${home} cannot be created or written (${code ?? 'error'}). Choose a writable folder with --home or LIKENESS_HOME.`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoOf(error) === 'EPERM';
  }
}

export interface HomeLock {
  readonly path: string;
  release(): void;
}

/**
 * One process owns a home at a time. The lock file holds the owner's PID; a lock whose PID is gone
 * (a crash or kill) is taken over, so a crash never locks the creator out.
 */
export function lockHome(home: string): HomeLock {
  const path = join(home, 'studio.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if (errnoOf(error) !== 'EEXIST') throw translateFsError(error, 'the lock file', home);
    }
    const owner = Number.parseInt(readFileSafe(path), 10);
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      throw new LikenessError('home-locked', `The data home ${home} is already open by PID ${owner}. Close that studio first, or use another --home.`);
    }
    if (owner === process.pid) {
      throw new LikenessError('home-locked', `The data home ${home} is already open by PID ${owner} (this process).`);
    }
    rmSync(path, { force: true });
  }
  throw new LikenessError('home-locked', `Could not take the lock on ${home}: another process keeps taking it.`);
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
