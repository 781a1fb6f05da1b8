// Rotation: every layer re-encrypted under a new content key (decrypt piped into encrypt, no plaintext on disk) and
// the key re-wrapped for the recipients that remain; the only revocation a copy already handed out can enforce. Main process and CLI.
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { getAddress } from 'ethers';
import type { BaseWallet } from 'ethers';
import { createDecryptStream } from './crypto/chunked-gcm.js';
import { newContentKey } from './crypto/envelope.js';
import { contentKeyFor, requireOwner } from './keys.js';
import { blobFile, currentRules, loadSoundTwin } from './load.js';
import { OciLayout } from './oci/layout.js';
import { replaceDir, sealInto, stagingDir } from './seal.js';

export interface RotateResult {
  previousManifestDigest: string;
  manifestDigest: string;
  recipients: string[];
  revoked: string[];
}

/** A new manifest (new digest, new signature) with the current rules as its descriptor's rules; `revoke` lists addresses dropped. */
export async function rotateTwin(dir: string, owner: BaseWallet, revoke: readonly string[] = [], now = new Date()): Promise<RotateResult> {
  const twin = await loadSoundTwin(dir);
  requireOwner(twin, owner, 'rotate its key');
  const revoked = new Set(revoke.map((a) => getAddress(a)));
  const oldKey = contentKeyFor(twin, owner);
  const remaining = twin.keys.filter((k) => getAddress(k.payload.envelope.recipient) !== getAddress(owner.address) && !revoked.has(getAddress(k.payload.envelope.recipient)));
  const staging = stagingDir(dir, 'rotating');
  try {
    const layout = await OciLayout.create(staging);
    const manifestDigest = await sealInto(
      layout,
      staging,
      {
        name: twin.descriptor.name,
        rules: currentRules(twin).rules,
        consent: twin.descriptor.consent,
        models: twin.descriptor.models,
        owner,
        recipients: remaining.map((k) => k.payload.recipientPublicKey),
        now,
        parts: twin.descriptor.parts.map((part) => ({
          name: part.name,
          open: () => {
            const decrypt = createDecryptStream(oldKey);
            const ciphertext = createReadStream(blobFile(dir, part.digest), { highWaterMark: 1 << 20 });
            ciphertext.on('error', (error) => decrypt.destroy(error));
            return ciphertext.pipe(decrypt);
          },
        })),
      },
      newContentKey(),
    );
    await replaceDir(staging, dir);
    return {
      previousManifestDigest: twin.manifestDigest,
      manifestDigest,
      recipients: remaining.map((k) => getAddress(k.payload.envelope.recipient)),
      revoked: [...revoked],
    };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
