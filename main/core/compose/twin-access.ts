// Opens the parts of a twin a render needs into a private temp folder and wipes them afterwards, so a licensee's plaintext never outlives the render; main process.
import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { BaseWallet } from 'ethers';
import { PART_FILES, type PartName } from '../twin/format.js';
import { contentKeyFor } from '../twin/keys.js';
import { loadSoundTwin } from '../twin/load.js';
import { checkNotExpired, decryptLayer } from '../twin/open.js';

export interface RenderParts {
  dir: string;
  manifestDigest: string;
  voiceModel: string;
  faceModel: string | null;
  faceIdle: string | null;
}

const NEEDED: readonly PartName[] = ['voice-model', 'face-model', 'face-idle'];

/** Decrypts the voice and face parts of the twin at `layout` for `holder` into `dir` (created 0700). */
export async function openRenderParts(layout: string, holder: BaseWallet, dir: string, now = new Date()): Promise<RenderParts> {
  const twin = await loadSoundTwin(layout);
  checkNotExpired(twin, now);
  const key = contentKeyFor(twin, holder);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const opened = new Map<PartName, string>();
  try {
    for (const [index, part] of twin.descriptor.parts.entries()) {
      if (!NEEDED.includes(part.name)) continue;
      const path = join(dir, PART_FILES[part.name]);
      await decryptLayer(twin, index, key, path);
      opened.set(part.name, path);
    }
  } catch (error) {
    wipeDir(dir);
    throw error;
  }
  const voiceModel = opened.get('voice-model');
  if (!voiceModel) {
    wipeDir(dir);
    throw new Error('this twin holds no voice model: it cannot speak a script');
  }
  return { dir, manifestDigest: twin.manifestDigest, voiceModel, faceModel: opened.get('face-model') ?? null, faceIdle: opened.get('face-idle') ?? null };
}

const ZEROS = new Uint8Array(1 << 20);

/** Overwrites every file under `dir` with zeros (flushed to disk) before removing it: deleted plaintext is not left readable in free blocks by the next file. */
export function wipeDir(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      wipeDir(path);
      continue;
    }
    try {
      const fd = openSync(path, 'r+');
      try {
        let left = fstatSync(fd).size;
        let at = 0;
        while (left > 0) {
          const n = writeSync(fd, ZEROS, 0, Math.min(left, ZEROS.length), at);
          at += n;
          left -= n;
        }
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch {
      // A file that cannot be overwritten (already gone, disk full) is still removed below.
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
