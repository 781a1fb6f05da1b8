// Writes the twin's small owner-signed artifacts (signature, key grant, rule version) beside its manifest; main process and CLI.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ECDH } from 'node:crypto';
import type { BaseWallet } from 'ethers';
import { LikenessError } from '../../contract/errors.js';
import { abandonStaged, commitStaged, stageFile } from '../store/atomic.js';
import type { StagedFile } from '../store/atomic.js';
import { wrapKey } from './crypto/envelope.js';
import { signKeyGrant } from './identity/eip712.js';
import { describe, envelopeDigest, indexEntry, jsonBytes, REFERRER_KINDS, referrerManifest, sha256Digest } from './format.js';
import type { KeyPayload, ReferrerKind, RulesPayload, SignaturePayload } from './format.js';
import { stageTwinIndex } from './index-file.js';
import { rememberSigned, rememberWritten } from './load.js';
import type { CheckedReferrer } from './load.js';

import type { Descriptor } from './oci/types.js';

/** The empty config `{}` every referrer names. */
const EMPTY_BYTES = Buffer.from('{}');

type Payloads = { signature: SignaturePayload; key: KeyPayload; rules: RulesPayload };

/**
 * Referrer writes to one twin, one at a time: each reads index.json before its await and renames the new one after, so
 * two interleaved (two grants at once from the UI) would each drop the other's entry.
 */
const writing = new Map<string, Promise<unknown>>();

function oneAtATime<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const key = resolve(dir);
  const done = (writing.get(key) ?? Promise.resolve()).then(work, work);
  const settled = done.catch(() => undefined);
  writing.set(key, settled);
  void settled.then(() => {
    if (writing.get(key) === settled) writing.delete(key);
  });
  return done;
}

/**
 * Stores the payload and its referrer manifest, then lists the manifest in index.json; returns the index entry.
 * The blobs and the new index are synced together and renamed blobs first, so the index never names a blob a power
 * cut could lose. `signedBy`: the owner's address, when the owner signed the payload in this process (what loading
 * it will recover).
 */
export function writeReferrer<K extends ReferrerKind>(dir: string, kind: K, payload: Payloads[K], subject: Descriptor, signedBy?: string): Promise<Descriptor> {
  return oneAtATime(dir, () => storeReferrer(dir, kind, payload, subject, signedBy));
}

async function storeReferrer<K extends ReferrerKind>(dir: string, kind: K, payload: Payloads[K], subject: Descriptor, signedBy?: string): Promise<Descriptor> {
  const payloadBytes = jsonBytes(payload);
  if (signedBy !== undefined) rememberSigned(sha256Digest(payloadBytes), signedBy, kind === 'key' ? (payload as KeyPayload).envelope.recipient : undefined);
  const manifest = referrerManifest(kind, describe(payloadBytes, REFERRER_KINDS[kind].mediaType), subject);
  const manifestBytes = jsonBytes(manifest);
  const entry = indexEntry(manifestBytes, manifest);
  const folder = join(dir, 'blobs', 'sha256');
  const blobs: StagedFile[] = [];
  try {
    // Referrers have no config of their own; the layout (and any registry) must still hold the empty blob they name.
    for (const bytes of [EMPTY_BYTES, payloadBytes, manifestBytes]) {
      const target = join(folder, sha256Digest(bytes).slice('sha256:'.length));
      if (!existsSync(target) && !blobs.some((b) => b.target === target)) blobs.push(stageFile(target, bytes, 0o644));
    }
    blobs.push(stageTwinIndex(dir, [entry]));
  } catch (error) {
    abandonStaged(blobs);
    throw error;
  }
  const index = blobs.pop()!;
  await commitStaged([blobs, [index]]);
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
