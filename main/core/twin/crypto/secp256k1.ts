// secp256k1 key pairs, ECDH and recoverable signatures through libsecp256k1 (bitcoin-core's constant-time library, the `secp256k1` package's N-API binding); main process and workers.
//
// Why not OpenSSL or ethers: a key grant is one key pair, one ECDH and one signature, and OpenSSL's generic curve code
// takes ~1.8 ms for the first two, @noble's JavaScript ~0.65 ms for the third; libsecp256k1 does all three in ~0.2 ms.
// The package ships prebuilt binaries (Linux, macOS, Windows); where none fits and it cannot compile, it falls back to
// elliptic (JavaScript, slower, same results): `secp256k1Backend` says which one runs, and the doctor shows it.
import { randomBytes } from 'node:crypto';
import type * as Secp256k1 from 'secp256k1';
import { loadModule } from '../../platform/modules.js';

function load(): { api: typeof Secp256k1; backend: 'libsecp256k1' | 'elliptic' } {
  try {
    return { api: loadModule<typeof Secp256k1>('secp256k1/bindings'), backend: 'libsecp256k1' };
  } catch {
    return { api: loadModule<typeof Secp256k1>('secp256k1/elliptic'), backend: 'elliptic' };
  }
}

const { api, backend } = load();

/** Which implementation does the curve arithmetic here: the native library, or its JavaScript fallback. */
export function secp256k1Backend(): 'libsecp256k1' | 'elliptic' {
  return backend;
}

/** A fresh key pair: 32 private bytes (a valid scalar) and the 33-byte compressed public key. */
export function newKeyPair(): { privateKey: Uint8Array; publicKey: Uint8Array } {
  for (;;) {
    const privateKey = randomBytes(32);
    // A random 256-bit value is outside [1, n − 1] with probability ~2⁻¹²⁸; draw again if so.
    if (api.privateKeyVerify(privateKey)) return { privateKey, publicKey: api.publicKeyCreate(privateKey, true) };
  }
}

/** The 65-byte uncompressed form (0x04 | x | y) of a compressed or uncompressed public key; throws RangeError off the curve. */
export function uncompressedPoint(publicKey: Uint8Array): Uint8Array {
  try {
    return api.publicKeyConvert(publicKey, false);
  } catch {
    throw new RangeError('not a point on secp256k1');
  }
}

/** The public key of a private key, uncompressed (65 bytes). */
export function publicKeyOf(privateKey: Uint8Array): Uint8Array {
  checkPrivateKey(privateKey);
  return api.publicKeyCreate(privateKey, false);
}

/** Exactly 32 bytes, a scalar in [1, n − 1]: libsecp256k1 takes nothing else (OpenSSL hands out shorter keys when they begin with zeros). */
function checkPrivateKey(privateKey: Uint8Array): void {
  if (privateKey.length !== 32 || !api.privateKeyVerify(privateKey)) throw new RangeError('not a secp256k1 private key: it must be 32 bytes, a scalar from 1 to n − 1');
}

/**
 * ECDH: the 32-byte x-coordinate of privateKey · publicKey, unhashed (what OpenSSL's computeSecret gives, so envelopes
 * made either way open either way). Throws RangeError when the public key is not on the curve.
 */
export function sharedSecret(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  checkPrivateKey(privateKey);
  try {
    return api.ecdh(publicKey, privateKey, { hashfn: (x) => x }, new Uint8Array(32));
  } catch {
    throw new RangeError('not a point on secp256k1');
  }
}

/**
 * ECDSA over a 32-byte digest with an RFC 6979 nonce and low s, as an Ethereum signature: 0x r | s | v (v = 27 + the
 * recovery id). The same bytes ethers' SigningKey.sign gives.
 */
export function signDigest(privateKey: Uint8Array, digest: Uint8Array): string {
  checkPrivateKey(privateKey);
  const { signature, recid } = api.ecdsaSign(digest, privateKey);
  return `0x${Buffer.from(signature).toString('hex')}${(27 + recid).toString(16)}`;
}
