// Writes the twin's small owner-signed artifacts (signature, key grant, rule version) beside its manifest; main process and CLI.
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ECDH } from 'node:crypto';
import type { BaseWallet } from 'ethers';
import { LikenessError } from '../../contract/errors.js';
import { fsyncDirectory, tempPathFor } from '../store/atomic.js';
import { wrapKey } from './crypto/envelope.js';
import { signKeyGrant } from './identity/eip712.js';
import { describe, envelopeDigest, indexEntry, jsonBytes, REFERRER_KINDS, referrerManifest, sha256Digest } from './format.js';
import type { KeyPayload, ReferrerKind, RulesPayload, SignaturePayload } from './format.js';
import { updateTwinIndex } from './index-file.js';
import { rememberSigned, rememberWritten } from './load.js';
import type { CheckedReferrer } from './load.js';

import type { Descriptor } from './oci/types.js';

/** The empty config `{}` every referrer names. */
const EMPTY_BYTES = Buffer.from('{}');

type Payloads = { signature: SignaturePayload; key: KeyPayload; rules: RulesPayload };

/**
 * Small blobs written together: each to a temp file, fsynced, renamed to its digest, then one fsync of the folder.
 * Synchronous and batched: a key grant is three tiny files, and a thread-pool hop plus a folder fsync per file made
 * up most of its time.
 */
function putSmallBlobs(dir: string, blobs: readonly Uint8Array[]): void {
  const folder = join(dir, 'blobs', 'sha256');
  const renamed: string[] = [];
  for (const bytes of blobs) {
    const target = join(folder, sha256Digest(bytes).slice('sha256:'.length));
    if (existsSync(target) || renamed.includes(target)) continue;
    const temp = tempPathFor(target);
    const fd = openSync(temp, 'wx', 0o644);
    try {
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
      fsyncSync(fd);
    } catch (error) {
      closeSync(fd);
      rmSync(temp, { force: true });
      throw error;
    }
    closeSync(fd);
    renameSync(temp, target);
    renamed.push(target);
  }
  if (renamed.length > 0) fsyncDirectory(folder);
}

/**
 * Stores the payload and its referrer manifest, then lists the manifest in index.json; returns the index entry.
 * `signedBy`: the owner's address, when the owner signed the payload in this process (what loading it will recover).
 */
export function writeReferrer<K extends ReferrerKind>(dir: string, kind: K, payload: Payloads[K], subject: Descriptor, signedBy?: string): Descriptor {
  const payloadBytes = jsonBytes(payload);
  if (signedBy !== undefined) rememberSigned(sha256Digest(payloadBytes), signedBy, kind === 'key' ? (payload as KeyPayload).envelope.recipient : undefined);
  const manifest = referrerManifest(kind, describe(payloadBytes, REFERRER_KINDS[kind].mediaType), subject);
  const manifestBytes = jsonBytes(manifest);
  // Referrers have no config of their own; the layout (and any registry) must still hold the empty blob they name.
  putSmallBlobs(dir, [EMPTY_BYTES, payloadBytes, manifestBytes]);
  const entry = indexEntry(manifestBytes, manifest);
  updateTwinIndex(dir, [entry]);
  if (signedBy !== undefined) rememberWritten(dir, { kind, referrer: { entry, manifest, payloadDescriptor: manifest.layers[0]!, payload } } as CheckedReferrer);
  return entry;
}

/** The content key wrapped for one recipient and signed over by the owner. */
export async function keyGrantPayload(owner: BaseWallet, manifestDigest: string, contentKey: Uint8Array, recipientPublicKey: string, now: Date): Promise<KeyPayload> {
  const envelope = wrapKey(contentKey, recipientPublicKey, manifestDigest);
  const grantedAt = now.toISOString();
  const signature = await signKeyGrant(owner, { manifestDigest, recipient: envelope.recipient, envelopeDigest: envelopeDigest(envelope), grantedAt });
  return { schema: 'likeness.twin-key/v1', manifestDigest, recipientPublicKey: compressedPublicKey(recipientPublicKey), envelope, grantedAt, signature };
}

/** Stored compressed, whichever form it was given in (converted by OpenSSL: ethers would do the curve math in JS). */
export function compressedPublicKey(publicKey: string): string {
  if (!/^0x([0-9a-fA-F]{66}|[0-9a-fA-F]{130})$/.test(publicKey)) throw new LikenessError('invalid-input', 'A public key is 0x and 66 hex digits (compressed) or 130 (uncompressed).');
  try {
    return `0x${ECDH.convertKey(publicKey.slice(2), 'secp256k1', 'hex', 'hex', 'compressed') as string}`;
  } catch {
    throw new LikenessError('invalid-input', `${publicKey.slice(0, 14)}… is not a point on secp256k1, so it is no one's public key.`);
  }
}
