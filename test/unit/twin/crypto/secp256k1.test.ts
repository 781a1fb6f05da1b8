// Tests of the libsecp256k1 layer: the same ECDH secrets as OpenSSL, the same signatures as ethers, off-curve keys refused, and the JavaScript fallback agreeing.
import { createECDH, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { SigningKey, Wallet, getBytes, recoverAddress, hexlify } from 'ethers';
import type * as Secp256k1 from 'secp256k1';
import { describe, expect, it } from 'vitest';
import { curveCheck } from '../../../../main/core/doctor/checks.js';
import { newKeyPair, publicKeyOf, secp256k1Backend, sharedSecret, signDigest, uncompressedPoint } from '../../../../main/core/twin/crypto/secp256k1.js';

const require = createRequire(import.meta.url);

/** A point whose x has no y on the curve: x = 5 (5³ + 7 = 132 is not a square mod p). */
const OFF_CURVE = Uint8Array.from([0x02, ...new Uint8Array(31), 5]);

/**
 * An OpenSSL key pair and its private key as 32 bytes: OpenSSL's getPrivateKey drops leading zero bytes (one key in 256),
 * and libsecp256k1 takes exactly 32.
 */
function openSslPair() {
  const privateKey = randomBytes(32);
  const ecdh = createECDH('secp256k1');
  ecdh.setPrivateKey(privateKey);
  return Object.assign(ecdh, { privateKey });
}

describe('secp256k1', () => {
  it('runs on the native library where the package ships a build for this platform', () => {
    const prebuilt = ['linux-x64', 'darwin-arm64', 'win32-x64'].includes(`${process.platform}-${process.arch}`);
    expect(secp256k1Backend()).toBe(prebuilt ? 'libsecp256k1' : expect.any(String));
  });

  it('makes key pairs whose public half is the compressed point of the private half', () => {
    for (let i = 0; i < 20; i++) {
      const { privateKey, publicKey } = newKeyPair();
      expect(publicKey).toHaveLength(33);
      expect([2, 3]).toContain(publicKey[0]);
      expect(hexlify(uncompressedPoint(publicKey))).toBe(hexlify(publicKeyOf(privateKey)));
      expect(hexlify(publicKeyOf(privateKey))).toBe(new SigningKey(privateKey).publicKey);
    }
  });

  it('agrees with OpenSSL on the ECDH secret (x-coordinate, unhashed), from compressed and uncompressed keys', () => {
    for (let i = 0; i < 20; i++) {
      const mine = openSslPair();
      const theirs = openSslPair();
      const expected = mine.computeSecret(theirs.getPublicKey());
      expect(Buffer.from(sharedSecret(mine.privateKey, theirs.getPublicKey(null, 'compressed')))).toEqual(expected);
      expect(Buffer.from(sharedSecret(mine.privateKey, theirs.getPublicKey()))).toEqual(expected);
    }
  });

  it('takes a private key that begins with zero bytes as the 32 bytes it is', () => {
    const privateKey = Buffer.concat([Buffer.alloc(2), randomBytes(30)]);
    const mine = createECDH('secp256k1');
    mine.setPrivateKey(privateKey);
    expect(mine.getPrivateKey().length).toBeLessThan(32);
    const theirs = openSslPair();
    expect(Buffer.from(sharedSecret(privateKey, theirs.getPublicKey()))).toEqual(mine.computeSecret(theirs.getPublicKey()));
    expect(recoverAddress(new Uint8Array(32).fill(7), signDigest(privateKey, new Uint8Array(32).fill(7)))).toBe(new Wallet(hexlify(privateKey)).address);
  });

  it('signs exactly as ethers does, and the signature recovers the signer', () => {
    for (let i = 0; i < 20; i++) {
      const wallet = Wallet.createRandom();
      const digest = randomBytes(32);
      const signature = signDigest(getBytes(wallet.privateKey), digest);
      expect(signature).toBe(wallet.signingKey.sign(digest).serialized);
      expect(recoverAddress(digest, signature)).toBe(wallet.address);
    }
  });

  it('refuses a private key that is not 32 bytes of a valid scalar, saying so', () => {
    const { publicKey } = newKeyPair();
    const short = randomBytes(31);
    expect(() => sharedSecret(short, publicKey)).toThrow(/not a secp256k1 private key: it must be 32 bytes/);
    expect(() => signDigest(new Uint8Array(32), randomBytes(32))).toThrow(/not a secp256k1 private key/);
    expect(() => publicKeyOf(new Uint8Array(32).fill(0xff))).toThrow(RangeError);
  });

  it('refuses a public key that is not on the curve', () => {
    const { privateKey } = newKeyPair();
    expect(() => sharedSecret(privateKey, OFF_CURVE)).toThrow(RangeError);
    expect(() => uncompressedPoint(OFF_CURVE)).toThrow(/not a point on secp256k1/);
    expect(() => uncompressedPoint(new Uint8Array(12))).toThrow(RangeError);
  });

  it('has a JavaScript fallback that computes the same secrets and signatures', () => {
    const fallback = require('secp256k1/elliptic') as typeof Secp256k1;
    const mine = openSslPair();
    const theirs = openSslPair();
    const x = fallback.ecdh(theirs.getPublicKey(null, 'compressed'), mine.privateKey, { hashfn: (px) => px }, new Uint8Array(32));
    expect(Buffer.from(x)).toEqual(Buffer.from(sharedSecret(mine.privateKey, theirs.getPublicKey())));
    const digest = randomBytes(32);
    const { signature, recid } = fallback.ecdsaSign(digest, mine.privateKey);
    expect(`0x${Buffer.from(signature).toString('hex')}${(27 + recid).toString(16)}`).toBe(signDigest(mine.privateKey, digest));
  });

  it('is named by the doctor, which warns with a fix when only the fallback loads', () => {
    expect(curveCheck('libsecp256k1')).toEqual({ status: 'ok', detail: 'secp256k1 through libsecp256k1 (native)', fix: null });
    const fallback = curveCheck('elliptic');
    expect(fallback.status).toBe('warning');
    expect(fallback.fix).toMatch(/npm rebuild secp256k1/);
  });
});
