// Writes the twin's small owner-signed artifacts (signature, key grant, rule version) beside its manifest; main process and CLI.
import { type BaseWallet, SigningKey } from 'ethers';
import { wrapKey } from './crypto/envelope.js';
import { signKeyGrant } from './identity/eip712.js';
import { describe, envelopeDigest, indexEntry, jsonBytes, REFERRER_KINDS, referrerManifest } from './format.js';
import type { KeyPayload, ReferrerKind, RulesPayload, SignaturePayload } from './format.js';
import { updateTwinIndex } from './index-file.js';
import type { OciLayout } from './oci/layout.js';
import { EMPTY_DESCRIPTOR, EMPTY_MEDIA_TYPE, MANIFEST_MEDIA_TYPE } from './oci/types.js';
import type { Descriptor } from './oci/types.js';

type Payloads = { signature: SignaturePayload; key: KeyPayload; rules: RulesPayload };

/** Stores the payload and its referrer manifest, then lists the manifest in index.json; returns the index entry. */
export async function writeReferrer<K extends ReferrerKind>(layout: OciLayout, dir: string, kind: K, payload: Payloads[K], subject: Descriptor): Promise<Descriptor> {
  const payloadBytes = jsonBytes(payload);
  // Referrers have no config of their own; the layout (and any registry) must still hold the empty blob they name.
  if (!layout.hasBlob(EMPTY_DESCRIPTOR.digest)) await layout.putBlob(Buffer.from('{}'), EMPTY_MEDIA_TYPE);
  await layout.putBlob(payloadBytes, REFERRER_KINDS[kind].mediaType);
  const manifest = referrerManifest(kind, describe(payloadBytes, REFERRER_KINDS[kind].mediaType), subject);
  const manifestBytes = jsonBytes(manifest);
  await layout.putBlob(manifestBytes, MANIFEST_MEDIA_TYPE);
  const entry = indexEntry(manifestBytes, manifest);
  updateTwinIndex(dir, [entry]);
  return entry;
}

/** The content key wrapped for one recipient and signed over by the owner. */
export async function keyGrantPayload(owner: BaseWallet, manifestDigest: string, contentKey: Uint8Array, recipientPublicKey: string, now: Date): Promise<KeyPayload> {
  const envelope = wrapKey(contentKey, recipientPublicKey, manifestDigest);
  const grantedAt = now.toISOString();
  const signature = await signKeyGrant(owner, { manifestDigest, recipient: envelope.recipient, envelopeDigest: envelopeDigest(envelope), grantedAt });
  return { schema: 'likeness.twin-key/v1', manifestDigest, recipientPublicKey: compressedPublicKey(recipientPublicKey), envelope, grantedAt, signature };
}

/** Stored compressed, whichever form it was given in. */
export function compressedPublicKey(publicKey: string): string {
  return SigningKey.computePublicKey(publicKey, true).toLowerCase();
}
