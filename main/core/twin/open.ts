// Opens a twin for its key holder: each part decrypted chunk by chunk into a folder, its ciphertext hashed on the way,
// refused when the current rules have expired; main process (job worker) and CLI.
import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BaseWallet } from 'ethers';
import { fsyncDirectory } from '../store/atomic.js';
import type { PlaintextSummary } from './crypto/chunked-gcm.js';
import { TwinCryptoError } from './crypto/errors.js';
import { decryptFile } from './crypto/layer-file.js';
import { PART_FILES } from './format.js';
import type { PartName } from './format.js';
import { contentKeyFor } from './keys.js';
import { blobFile, currentRules, loadSoundTwin, TwinError } from './load.js';
import type { CurrentRules, LoadedTwin } from './load.js';
import { replaceDir, stagingDir } from './seal.js';

export interface OpenedPart {
  name: PartName;
  path: string;
  plaintextDigest: string;
  size: number;
}

export interface OpenedTwin {
  dir: string;
  manifestDigest: string;
  rules: CurrentRules;
  parts: OpenedPart[];
}

/** Refuses a twin whose current rules have expired. */
export function checkNotExpired(twin: LoadedTwin, now: Date): CurrentRules {
  const rules = currentRules(twin);
  if (rules.rules.expiresAt !== null && now.getTime() >= Date.parse(rules.rules.expiresAt)) {
    throw new TwinError(
      [{ part: `rules version ${rules.version}`, message: `expired on ${rules.rules.expiresAt}` }],
      `This twin's rules expired on ${rules.rules.expiresAt}; it cannot be opened for rendering until its owner publishes new rules.`,
    );
  }
  return rules;
}

/** Decrypts one layer into `path`: ciphertext digest, every chunk's tag and the plaintext digest are all checked. */
export async function decryptLayer(twin: LoadedTwin, index: number, contentKey: Uint8Array, path: string): Promise<OpenedPart> {
  const part = twin.descriptor.parts[index]!;
  const hash = createHash('sha256');
  let summary: PlaintextSummary;
  try {
    summary = await decryptFile(blobFile(twin.dir, part.digest), path, contentKey, (bytes) => hash.update(bytes));
  } catch (error) {
    if (error instanceof TwinCryptoError) throw new TwinError([{ part: `layer ${part.name}`, message: error.message }]);
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') throw new TwinError([{ part: `layer ${part.name}`, message: 'is missing' }]);
    throw error;
  }
  const digest = `sha256:${hash.digest('hex')}`;
  if (digest !== part.digest) throw new TwinError([{ part: `layer ${part.name}`, message: `hashes to ${digest}, not ${part.digest}` }]);
  return { name: part.name, path, plaintextDigest: summary.plaintextDigest, size: summary.plaintextSize };
}

/** Opens every part into `outDir` (replacing what was there only once all parts decrypted). */
export async function openTwin(dir: string, holder: BaseWallet, outDir: string, now = new Date()): Promise<OpenedTwin> {
  const twin = await loadSoundTwin(dir);
  const rules = checkNotExpired(twin, now);
  const contentKey = contentKeyFor(twin, holder);
  const staging = stagingDir(outDir, 'opening');
  await mkdir(staging, { recursive: true, mode: 0o700 });
  try {
    const parts: OpenedPart[] = [];
    for (const [index, part] of twin.descriptor.parts.entries()) {
      parts.push(await decryptLayer(twin, index, contentKey, join(staging, PART_FILES[part.name])));
    }
    fsyncDirectory(staging);
    await replaceDir(staging, outDir);
    return { dir: outDir, manifestDigest: twin.manifestDigest, rules, parts: parts.map((p) => ({ ...p, path: join(outDir, PART_FILES[p.name]) })) };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
