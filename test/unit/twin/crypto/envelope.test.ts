// Key envelopes: the content key opens only for its recipient and only for the manifest it was wrapped for; strict parsing.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SigningKey, Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { createDecryptStream, createEncryptStream } from '../../../../main/core/twin/crypto/chunked-gcm.js';
import { TwinCryptoError } from '../../../../main/core/twin/crypto/errors.js';
import { newContentKey, parseKeyEnvelope, unwrapKey, wrapKey, type KeyEnvelope } from '../../../../main/core/twin/crypto/envelope.js';

const MANIFEST = `sha256:${createHash('sha256').update('a manifest').digest('hex')}`;
const OTHER_MANIFEST = `sha256:${createHash('sha256').update('another manifest').digest('hex')}`;

function reasonOf(attempt: () => unknown): string {
  try {
    attempt();
  } catch (error) {
    if (error instanceof TwinCryptoError) return error.reason;
    throw error;
  }
  return 'accepted';
}

function flipHex(hex: string, byte: number, bit = 0): string {
  const bytes = Buffer.from(hex.slice(2), 'hex');
  bytes[byte]! ^= 1 << bit;
  return `0x${bytes.toString('hex')}`;
}

describe('key envelopes', () => {
  const owner = Wallet.createRandom();
  const licensee = Wallet.createRandom();

  it('unwraps to the same content key for the recipient, from a compressed or an uncompressed public key', () => {
    const contentKey = newContentKey();
    for (const publicKey of [licensee.signingKey.compressedPublicKey, licensee.signingKey.publicKey]) {
      const envelope = wrapKey(contentKey, publicKey, MANIFEST);
      expect(envelope.recipient).toBe(licensee.address);
      expect(envelope.ephemeralPublicKey).toMatch(/^0x0[23][0-9a-f]{64}$/);
      expect(envelope.salt).toMatch(/^0x[0-9a-f]{64}$/);
      expect(envelope.nonce).toMatch(/^0x[0-9a-f]{24}$/);
      expect(envelope.wrappedKey).toMatch(/^0x[0-9a-f]{96}$/);
      expect(Buffer.from(unwrapKey(envelope, licensee.privateKey, MANIFEST)).equals(Buffer.from(contentKey))).toBe(true);
    }
  });

  it('survives JSON and opens the layers the content key sealed', async () => {
    const contentKey = newContentKey();
    const data = randomBytes(5000);
    const sealed: Buffer[] = [];
    await pipeline(Readable.from([data]), createEncryptStream(contentKey, { chunkSize: 1024 }), async (source: AsyncIterable<Buffer>) => {
      for await (const bytes of source) sealed.push(bytes);
    });
    const stored = JSON.stringify(wrapKey(contentKey, owner.signingKey.compressedPublicKey, MANIFEST));
    const unwrapped = unwrapKey(parseKeyEnvelope(JSON.parse(stored)), owner.privateKey, MANIFEST);
    const opened: Buffer[] = [];
    await pipeline(Readable.from(sealed), createDecryptStream(unwrapped), async (source: AsyncIterable<Buffer>) => {
      for await (const bytes of source) opened.push(bytes);
    });
    expect(Buffer.concat(opened).equals(data)).toBe(true);
  });

  it('wraps the same key differently each time', () => {
    const contentKey = newContentKey();
    const a = wrapKey(contentKey, owner.signingKey.publicKey, MANIFEST);
    const b = wrapKey(contentKey, owner.signingKey.publicKey, MANIFEST);
    expect(a.ephemeralPublicKey).not.toBe(b.ephemeralPublicKey);
    expect(a.wrappedKey).not.toBe(b.wrappedKey);
  });

  it("refuses another person's private key as wrong-key, naming both addresses", () => {
    const envelope = wrapKey(newContentKey(), licensee.signingKey.publicKey, MANIFEST);
    let caught: unknown;
    try {
      unwrapKey(envelope, owner.privateKey, MANIFEST);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TwinCryptoError);
    expect(caught).toMatchObject({ reason: 'wrong-key', message: `this key envelope is for ${licensee.address}, not for your key ${owner.address}` });
  });

  it('refuses an envelope used for another manifest, or altered anywhere, as tampered', () => {
    const envelope = wrapKey(newContentKey(), licensee.signingKey.publicKey, MANIFEST);
    expect(reasonOf(() => unwrapKey(envelope, licensee.privateKey, OTHER_MANIFEST))).toBe('tampered');
    for (let byte = 0; byte < 48; byte += 5) {
      expect(reasonOf(() => unwrapKey({ ...envelope, wrappedKey: flipHex(envelope.wrappedKey, byte, byte % 8) }, licensee.privateKey, MANIFEST))).toBe('tampered');
    }
    expect(reasonOf(() => unwrapKey({ ...envelope, wrappedKey: flipHex(envelope.wrappedKey, 47, 7) }, licensee.privateKey, MANIFEST))).toBe('tampered');
    expect(reasonOf(() => unwrapKey({ ...envelope, salt: flipHex(envelope.salt, 0) }, licensee.privateKey, MANIFEST))).toBe('tampered');
    expect(reasonOf(() => unwrapKey({ ...envelope, nonce: flipHex(envelope.nonce, 11) }, licensee.privateKey, MANIFEST))).toBe('tampered');
    const otherPoint = new SigningKey(randomBytes(32)).compressedPublicKey;
    expect(reasonOf(() => unwrapKey({ ...envelope, ephemeralPublicKey: otherPoint }, licensee.privateKey, MANIFEST))).toBe('tampered');
    // x = 5 has no point on secp256k1 (5^3 + 7 = 132 is not a square mod p).
    expect(reasonOf(() => unwrapKey({ ...envelope, ephemeralPublicKey: `0x02${'0'.repeat(63)}5` }, licensee.privateKey, MANIFEST))).toBe('tampered');
  });

  it('does not open when relabelled for another recipient', () => {
    const envelope = wrapKey(newContentKey(), licensee.signingKey.publicKey, MANIFEST);
    expect(reasonOf(() => unwrapKey({ ...envelope, recipient: owner.address }, owner.privateKey, MANIFEST))).toBe('tampered');
  });

  it('refuses bad inputs to wrapping with plain errors', () => {
    const publicKey = owner.signingKey.compressedPublicKey;
    expect(() => wrapKey(randomBytes(16), publicKey, MANIFEST)).toThrow(RangeError);
    expect(() => wrapKey(newContentKey(), publicKey, MANIFEST.slice('sha256:'.length))).toThrow(/manifest digest/);
    expect(() => wrapKey(newContentKey(), publicKey.slice(0, -2), MANIFEST)).toThrow(/public key/);
    expect(() => wrapKey(newContentKey(), `0x02${'0'.repeat(63)}5`, MANIFEST)).toThrow(/not a point on secp256k1/);
    const envelope = wrapKey(newContentKey(), publicKey, MANIFEST);
    expect(() => unwrapKey(envelope, owner.privateKey.slice(0, -1), MANIFEST)).toThrow(/private key/);
  });

  it('makes fresh 32-byte content keys', () => {
    const [a, b] = [newContentKey(), newContentKey()];
    expect(a).toHaveLength(32);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });
});

describe('parseKeyEnvelope', () => {
  const envelope = wrapKey(newContentKey(), Wallet.createRandom().signingKey.publicKey, MANIFEST);
  const stored = JSON.parse(JSON.stringify(envelope)) as Record<string, unknown>;

  function problem(json: unknown): string {
    try {
      parseKeyEnvelope(json);
    } catch (error) {
      expect(error).toMatchObject({ reason: 'bad-header' });
      return (error as Error).message;
    }
    return 'accepted';
  }

  it('accepts what wrapKey wrote, normalising case', () => {
    expect(parseKeyEnvelope(stored)).toEqual(envelope);
    const shouted: KeyEnvelope = { ...envelope, recipient: envelope.recipient.toLowerCase(), salt: envelope.salt.toUpperCase().replace('0X', '0x') };
    expect(parseKeyEnvelope(shouted)).toEqual(envelope);
  });

  it('refuses other shapes with a message saying what is wrong', () => {
    expect(problem(null)).toMatch(/JSON object/);
    expect(problem([stored])).toMatch(/JSON object/);
    expect(problem('0x00')).toMatch(/JSON object/);
    expect(problem({ ...stored, extra: 1 })).toMatch(/unknown fields: extra/);
    const { nonce: _nonce, ...withoutNonce } = stored;
    expect(problem(withoutNonce)).toMatch(/lacks nonce/);
    expect(problem({ ...stored, version: 2 })).toMatch(/version 2/);
    expect(problem({ ...stored, version: '1' })).toMatch(/version "1"/);
    expect(problem({ ...stored, salt: `0x${'00'.repeat(31)}` })).toMatch(/salt must be 0x and 64 hex digits/);
    expect(problem({ ...stored, nonce: `0x${'zz'.repeat(12)}` })).toMatch(/nonce must be/);
    expect(problem({ ...stored, wrappedKey: `0x${'00'.repeat(32)}` })).toMatch(/wrappedKey must be 0x and 96 hex digits/);
    expect(problem({ ...stored, wrappedKey: 42 })).toMatch(/wrappedKey must be/);
    expect(problem({ ...stored, ephemeralPublicKey: `0x04${'11'.repeat(32)}` })).toMatch(/compressed/);
    expect(problem({ ...stored, recipient: 'not an address' })).toMatch(/recipient must be a 0x address/);
    // The EIP-55 example address 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed with one letter's case changed.
    expect(problem({ ...stored, recipient: '0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed' })).toMatch(/wrong checksum/);
  });
});
