// Verifies a twin: its structure and signatures (load.ts), every layer's digest and, for a key holder, every
// chunk's tag and plaintext digest; main process (job worker) and CLI.
import { createHash } from 'node:crypto';
import type { BaseWallet } from 'ethers';
import { TwinCryptoError } from './crypto/errors.js';
import { readLayerFile } from './crypto/layer-file.js';
import { contentKeyFor } from './keys.js';
import { blobFile, currentRules, loadTwin, TwinError } from './load.js';
import type { CurrentRules, LoadedTwin, TwinProblem } from './load.js';

export interface TwinVerification {
  ok: boolean;
  problems: TwinProblem[];
  /** Present when the structure could be read at all. */
  twin?: LoadedTwin;
  rules?: CurrentRules;
  /** Whether the layers were also decrypted and checked chunk by chunk (with a key holder's identity). */
  decrypted: boolean;
}

/** One read per layer: hashed always and, with the content key, decrypted in the same pass (every tag, the plaintext digest). */
async function layerProblem(twin: LoadedTwin, index: number, contentKey: Uint8Array | undefined): Promise<TwinProblem | undefined> {
  const part = twin.descriptor.parts[index]!;
  const name = `layer ${part.name}`;
  const hash = createHash('sha256');
  let size = 0;
  const onStored = (bytes: Buffer): void => {
    hash.update(bytes);
    size += bytes.length;
  };
  try {
    // Plaintext is only checked here, never kept.
    await readLayerFile(blobFile(twin.dir, part.digest), contentKey, { onStored });
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return { part: name, message: 'is missing' };
    if (error instanceof TwinCryptoError) return { part: name, message: error.message };
    throw error;
  }
  const digest = `sha256:${hash.digest('hex')}`;
  if (size !== part.size) return { part: name, message: `is ${size} bytes, the manifest says ${part.size}` };
  if (digest !== part.digest) return { part: name, message: `hashes to ${digest}, not ${part.digest}` };
  return undefined;
}

/** Every check there is; with `holder`, also decrypts every layer (nothing is written). Never throws for a bad twin. */
export async function verifyTwin(dir: string, holder?: BaseWallet): Promise<TwinVerification> {
  const { twin, problems } = await loadTwin(dir);
  if (!twin) return { ok: false, problems, decrypted: false };
  let contentKey: Uint8Array | undefined;
  if (holder) {
    try {
      contentKey = contentKeyFor(twin, holder);
    } catch (error) {
      if (!(error instanceof TwinError)) throw error;
      problems.push(...error.problems);
    }
  }
  for (const index of twin.descriptor.parts.keys()) {
    const problem = await layerProblem(twin, index, contentKey);
    if (problem) problems.push(problem);
  }
  return { ok: problems.length === 0, problems, twin, rules: currentRules(twin), decrypted: contentKey !== undefined };
}
