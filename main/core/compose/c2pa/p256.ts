// C2PA: P-256 keys derived from a seed, and deterministic ECDSA (RFC 6979) so derived certificates come out byte-identical (main process and render workers).
import { createECDH, createHash, createHmac, hkdfSync, webcrypto } from 'node:crypto';

/** The order n of the P-256 base point. */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

const SCALAR_BYTES = 32;
const HKDF_SALT = 'likeness-studio/c2pa/v1';

function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

function bigIntToBytes(value: bigint, length = SCALAR_BYTES): Uint8Array {
  return Uint8Array.from(Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex'));
}

/** Reduces 48 HKDF bytes (so the modulo bias is below 2^-128) into [1, n-1]: a valid private scalar for every seed. */
export function deriveScalar(seed: Uint8Array, info: string): bigint {
  if (seed.length !== 32) throw new RangeError(`The C2PA seed must be 32 bytes, not ${seed.length}.`);
  const okm = new Uint8Array(hkdfSync('sha256', seed, HKDF_SALT, info, 48));
  return (bytesToBigInt(okm) % (P256_ORDER - 1n)) + 1n;
}

/** Derives further deterministic bytes (serial numbers) from the same seed. */
export function deriveBytes(seed: Uint8Array, info: string, length: number): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', seed, HKDF_SALT, info, length));
}

/** k·G as uncompressed coordinates; OpenSSL does the point multiplication so no curve arithmetic lives here. */
export function publicPoint(scalar: bigint): { x: Uint8Array; y: Uint8Array } {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(bigIntToBytes(scalar));
  const point = ecdh.getPublicKey();
  return { x: point.subarray(1, 1 + SCALAR_BYTES), y: point.subarray(1 + SCALAR_BYTES) };
}

interface P256KeyPair {
  privateKey: webcrypto.CryptoKey;
  publicKey: webcrypto.CryptoKey;
}

/** Imports a derived scalar into WebCrypto; the private half is not extractable, so it never leaves memory as bytes again. */
export async function importKeyPair(scalar: bigint): Promise<P256KeyPair> {
  const { x, y } = publicPoint(scalar);
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
  const jwk = { kty: 'EC', crv: 'P-256', x: b64(x), y: b64(y) };
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
  const [privateKey, publicKey] = await Promise.all([
    webcrypto.subtle.importKey('jwk', { ...jwk, d: b64(bigIntToBytes(scalar)) }, algorithm, false, ['sign']),
    webcrypto.subtle.importKey('jwk', jwk, algorithm, true, ['verify']),
  ]);
  return { privateKey, publicKey };
}

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}

const hmac = (key: Uint8Array, ...parts: Uint8Array[]): Uint8Array => {
  const h = createHmac('sha256', key);
  for (const part of parts) h.update(part);
  return new Uint8Array(h.digest());
};

/**
 * ECDSA P-256/SHA-256 with the nonce from RFC 6979 §3.2, as IEEE P1363 r||s. WebCrypto draws a random nonce, which
 * would make every re-derivation of the install certificates differ; a deterministic nonce keeps them identical.
 */
export function signDeterministic(scalar: bigint, message: Uint8Array): Uint8Array {
  const digest = new Uint8Array(createHash('sha256').update(message).digest());
  const z = bytesToBigInt(digest);
  const x = bigIntToBytes(scalar);
  const h1 = bigIntToBytes(mod(z, P256_ORDER));
  let v: Uint8Array = new Uint8Array(32).fill(1);
  let k: Uint8Array = new Uint8Array(32);
  k = hmac(k, v, Uint8Array.of(0), x, h1);
  v = hmac(k, v);
  k = hmac(k, v, Uint8Array.of(1), x, h1);
  v = hmac(k, v);
  for (;;) {
    v = hmac(k, v);
    const nonce = bytesToBigInt(v);
    if (nonce >= 1n && nonce < P256_ORDER) {
      const r = mod(bytesToBigInt(publicPoint(nonce).x), P256_ORDER);
      const s = mod(modInverse(nonce, P256_ORDER) * (z + r * scalar), P256_ORDER);
      if (r !== 0n && s !== 0n) return Uint8Array.from([...bigIntToBytes(r), ...bigIntToBytes(s)]);
    }
    k = hmac(k, v, Uint8Array.of(0));
    v = hmac(k, v);
  }
}
