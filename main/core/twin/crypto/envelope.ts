// Key envelopes: a twin's content key wrapped to one recipient's secp256k1 key, ECIES style; main process and workers.
//
// Wrapping: a fresh ephemeral secp256k1 key pair; shared = x-coordinate of ECDH(ephemeral private, recipient public);
// info = "likeness key envelope v1|" + context + "|" + recipient address in lower case;
// k = HKDF-SHA256(shared, salt (32 random bytes), info, 32 bytes);
// wrappedKey = AES-256-GCM(k, nonce (12 random bytes), content key, AAD = info) as ciphertext (32 bytes) | tag (16 bytes).
// The context is the manifest digest: with it and the recipient in both key and AAD, an envelope cannot be moved to
// another twin or relabelled for another recipient.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { dataSlice, getAddress, keccak256 } from 'ethers';
import { TwinCryptoError } from './errors.js';
import { newKeyPair, publicKeyOf, sharedSecret, uncompressedPoint } from './secp256k1.js';

export interface KeyEnvelope {
  version: 1;
  /** Checksummed 0x address of the recipient's key. */
  recipient: string;
  /** 0x hex, 33-byte compressed secp256k1 point. */
  ephemeralPublicKey: string;
  /** 0x hex, 32 bytes. */
  salt: string;
  /** 0x hex, 12 bytes. */
  nonce: string;
  /** 0x hex: 32-byte ciphertext | 16-byte tag. */
  wrappedKey: string;
}

const CONTENT_KEY_BYTES = 32;
const TAG_BYTES = 16;
const FIELDS = ['version', 'recipient', 'ephemeralPublicKey', 'salt', 'nonce', 'wrappedKey'] as const;
const PUBLIC_KEY = /^0x(0[23][0-9a-fA-F]{64}|04[0-9a-fA-F]{128})$/;
const PRIVATE_KEY = /^0x[0-9a-fA-F]{64}$/;
const MANIFEST_DIGEST = /^sha256:[0-9a-f]{64}$/;

export function newContentKey(): Uint8Array {
  return randomBytes(CONTENT_KEY_BYTES);
}

/** `context` is the digest ('sha256:…') of the manifest whose layers the content key opens. */
export function wrapKey(contentKey: Uint8Array, recipientPublicKey: string, context: string): KeyEnvelope {
  if (contentKey.length !== CONTENT_KEY_BYTES) throw new RangeError(`a content key must be ${CONTENT_KEY_BYTES} bytes, not ${contentKey.length}`);
  checkContext(context);
  if (!PUBLIC_KEY.test(recipientPublicKey)) throw new RangeError('a recipient public key must be 0x hex of a 33-byte compressed or 65-byte uncompressed secp256k1 key');
  let point: Uint8Array;
  try {
    point = uncompressedPoint(bytesOf(recipientPublicKey));
  } catch {
    throw new RangeError(`the recipient public key ${recipientPublicKey} is not a point on secp256k1`);
  }
  const ephemeral = newKeyPair();
  const shared = sharedSecret(ephemeral.privateKey, point);
  ephemeral.privateKey.fill(0);
  const recipient = addressOfPoint(point);
  const salt = randomBytes(32);
  const nonce = randomBytes(12);
  const info = infoFor(context, recipient);
  const key = envelopeKey(shared, salt, info);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(info, 'utf8'));
  const wrapped = Buffer.concat([cipher.update(contentKey), cipher.final(), cipher.getAuthTag()]);
  key.fill(0);
  return {
    version: 1,
    recipient,
    ephemeralPublicKey: hexOf(ephemeral.publicKey),
    salt: hexOf(salt),
    nonce: hexOf(nonce),
    wrappedKey: hexOf(wrapped),
  };
}

/** Throws TwinCryptoError 'wrong-key' for another recipient's envelope, 'tampered' when it does not authenticate. */
export function unwrapKey(envelope: KeyEnvelope, recipientPrivateKey: string, context: string): Uint8Array {
  // A value typed as KeyEnvelope may still have come straight from a file or the network.
  const checked = parseKeyEnvelope(envelope);
  checkContext(context);
  if (!PRIVATE_KEY.test(recipientPrivateKey)) throw new RangeError('a private key must be 0x and 64 hex digits');
  const privateKey = bytesOf(recipientPrivateKey);
  const yours = addressOfPoint(publicKeyOf(privateKey));
  if (yours !== checked.recipient) throw new TwinCryptoError('wrong-key', `this key envelope is for ${checked.recipient}, not for your key ${yours}`);
  let shared: Uint8Array;
  try {
    shared = sharedSecret(privateKey, bytesOf(checked.ephemeralPublicKey));
  } catch {
    throw new TwinCryptoError('tampered', "the key envelope's ephemeral public key is not a point on secp256k1: the envelope was altered");
  }
  const info = infoFor(context, yours);
  const key = envelopeKey(shared, bytesOf(checked.salt), info);
  const wrapped = bytesOf(checked.wrappedKey);
  const decipher = createDecipheriv('aes-256-gcm', key, bytesOf(checked.nonce), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(info, 'utf8'));
  decipher.setAuthTag(wrapped.subarray(CONTENT_KEY_BYTES));
  const contentKey = decipher.update(wrapped.subarray(0, CONTENT_KEY_BYTES));
  try {
    decipher.final();
  } catch {
    contentKey.fill(0);
    throw new TwinCryptoError('tampered', `the key envelope does not open for twin ${context}: it was altered, or it was made for another twin`);
  } finally {
    key.fill(0);
  }
  return contentKey;
}

/** Strict: unknown fields, another version or a hex value of the wrong length are refused. */
export function parseKeyEnvelope(json: unknown): KeyEnvelope {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw malformed('it must be a JSON object');
  const record = json as Record<string, unknown>;
  const unknown = Object.keys(record).filter((field) => !(FIELDS as readonly string[]).includes(field));
  if (unknown.length > 0) throw malformed(`it has unknown fields: ${unknown.join(', ')}`);
  const missing = FIELDS.filter((field) => record[field] === undefined);
  if (missing.length > 0) throw malformed(`it lacks ${missing.join(', ')}`);
  if (record.version !== 1) throw malformed(`version ${JSON.stringify(record.version)} is not one this version of Likeness Studio reads (1)`);
  const ephemeralPublicKey = hexField(record, 'ephemeralPublicKey', 33);
  if (!/^0x0[23]/.test(ephemeralPublicKey)) throw malformed('ephemeralPublicKey must be a compressed secp256k1 key, starting 0x02 or 0x03');
  return {
    version: 1,
    recipient: addressField(record.recipient),
    ephemeralPublicKey,
    salt: hexField(record, 'salt', 32),
    nonce: hexField(record, 'nonce', 12),
    wrappedKey: hexField(record, 'wrappedKey', CONTENT_KEY_BYTES + TAG_BYTES),
  };
}

function addressField(value: unknown): string {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(value)) throw malformed('recipient must be a 0x address of 40 hex digits');
  try {
    return getAddress(value);
  } catch {
    throw malformed(`recipient ${value} has a wrong checksum (mixed case that does not match the address)`);
  }
}

function hexField(record: Record<string, unknown>, field: (typeof FIELDS)[number], bytes: number): string {
  const value = record[field];
  if (typeof value !== 'string' || !new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`).test(value)) {
    throw malformed(`${field} must be 0x and ${bytes * 2} hex digits (${bytes} bytes)`);
  }
  return value.toLowerCase();
}

function malformed(why: string): TwinCryptoError {
  return new TwinCryptoError('bad-header', `this is not a valid key envelope: ${why}`);
}

function checkContext(context: string): void {
  // A context in another spelling would derive another key and fail later as 'tampered', far from the mistake.
  if (!MANIFEST_DIGEST.test(context)) throw new RangeError(`a key envelope's context must be a manifest digest 'sha256:' + 64 lower-case hex digits, not ${JSON.stringify(context)}`);
}

function infoFor(context: string, recipient: string): string {
  return `likeness key envelope v1|${context}|${recipient.toLowerCase()}`;
}

function envelopeKey(shared: Uint8Array, salt: Uint8Array, info: string): Buffer {
  const key = Buffer.from(hkdfSync('sha256', shared, salt, info, CONTENT_KEY_BYTES));
  shared.fill(0);
  return key;
}

/**
 * The Ethereum address of an uncompressed secp256k1 point (keccak of its x and y). The points come from libsecp256k1
 * (secp256k1.ts): ethers' computeAddress would redo the curve math in JS, a millisecond or more per key grant.
 */
function addressOfPoint(uncompressed: Uint8Array): string {
  return getAddress(dataSlice(keccak256(uncompressed.subarray(1)), 12));
}

function bytesOf(hex: string): Buffer {
  return Buffer.from(hex.slice(2), 'hex');
}

function hexOf(bytes: Uint8Array): string {
  return `0x${Buffer.from(bytes).toString('hex')}`;
}
