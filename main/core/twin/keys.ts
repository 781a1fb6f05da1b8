// The twin's content key: unwrapped from the holder's envelope, granted to a new recipient, or shredded here; main process and CLI.
import { rm } from 'node:fs/promises';
import { getAddress } from 'ethers';
import type { BaseWallet } from 'ethers';
import { TwinCryptoError } from './crypto/errors.js';
import { unwrapKey } from './crypto/envelope.js';
import { blobFile, loadSoundTwin, TwinError } from './load.js';
import type { LoadedTwin } from './load.js';
import { updateTwinIndex } from './index-file.js';
import { compressedPublicKey, keyGrantPayload, writeReferrer } from './referrers.js';

/**
 * Content keys already unwrapped, per unlocked wallet and manifest: an ECDH on secp256k1 costs OpenSSL about 2 ms, and
 * an owner granting many keys would pay it each time. Held only as long as the wallet object, which the identity
 * drops when it locks, and only in memory.
 */
const unwrapped = new WeakMap<BaseWallet, Map<string, Uint8Array>>();

/** The content key from the envelope made for `holder`; a clear refusal when there is none or it does not open. */
export function contentKeyFor(twin: LoadedTwin, holder: BaseWallet): Uint8Array {
  const known = unwrapped.get(holder)?.get(twin.manifestDigest);
  // Only while this copy still holds the holder's envelope: after an erase the key must not come back from memory.
  if (known && twin.keys.some((k) => getAddress(k.payload.envelope.recipient) === getAddress(holder.address))) return known;
  const key = unwrapFor(twin, holder);
  if (!unwrapped.has(holder)) unwrapped.set(holder, new Map());
  unwrapped.get(holder)!.set(twin.manifestDigest, key);
  return key;
}

function unwrapFor(twin: LoadedTwin, holder: BaseWallet): Uint8Array {
  const mine = twin.keys.find((k) => getAddress(k.payload.envelope.recipient) === getAddress(holder.address));
  if (!mine) {
    throw new TwinError(
      [{ part: 'key envelopes', message: `none is for ${holder.address}` }],
      `This twin holds no key for ${holder.address}${twin.keys.length === 0 ? ' (its keys were erased here)' : ''}; ask its owner ${twin.descriptor.owner} to grant you one.`,
    );
  }
  try {
    return unwrapKey(mine.payload.envelope, holder.privateKey, twin.manifestDigest);
  } catch (error) {
    if (error instanceof TwinCryptoError) throw new TwinError([{ part: `key envelope for ${holder.address}`, message: error.message }]);
    throw error;
  }
}

/** Refuses anyone but the twin's owner for `action` (e.g. "grant keys"). */
export function requireOwner(twin: LoadedTwin, wallet: BaseWallet, action: string): void {
  if (getAddress(twin.descriptor.owner) !== getAddress(wallet.address)) {
    throw new TwinError([{ part: 'owner', message: `${wallet.address} is not the owner` }], `Only the twin's owner ${twin.descriptor.owner} can ${action}; your identity is ${wallet.address}.`, 'forbidden');
  }
}

export interface GrantResult {
  recipient: string;
  manifestDigest: string;
  /** False when that recipient already held a key: nothing was written. */
  added: boolean;
}

/** Wraps the content key for one more recipient: a new small signed artifact; the manifest and its signature stay as they are. */
export async function grantKey(dir: string, owner: BaseWallet, recipientPublicKey: string, now = new Date()): Promise<GrantResult> {
  const twin = await loadSoundTwin(dir, { reuseUnchanged: true });
  requireOwner(twin, owner, 'grant keys');
  const publicKey = compressedPublicKey(recipientPublicKey);
  const existing = twin.keys.find((k) => k.payload.recipientPublicKey === publicKey);
  if (existing) return { recipient: existing.payload.envelope.recipient, manifestDigest: twin.manifestDigest, added: false };
  const contentKey = contentKeyFor(twin, owner);
  const payload = await keyGrantPayload(owner, twin.manifestDigest, contentKey, publicKey, now);
  await writeReferrer(dir, 'key', payload, twin.manifestEntry, owner.address);
  return { recipient: payload.envelope.recipient, manifestDigest: twin.manifestDigest, added: true };
}

/**
 * Crypto-shredding: removes every key envelope from this copy and the given plaintext folders, so nothing here can
 * open the twin any more. Copies already pushed or exported keep their envelopes: rotate before sharing again.
 */
export async function eraseKeys(dir: string, plaintextDirs: readonly string[] = []): Promise<{ envelopesRemoved: number }> {
  const twin = await loadSoundTwin(dir);
  const removed = new Set(twin.keys.map((k) => k.entry.digest));
  updateTwinIndex(dir, [], removed);
  for (const key of twin.keys) {
    await rm(blobFile(dir, key.entry.digest), { force: true });
    await rm(blobFile(dir, key.payloadDescriptor.digest), { force: true });
  }
  for (const path of plaintextDirs) await rm(path, { recursive: true, force: true });
  return { envelopesRemoved: removed.size };
}
