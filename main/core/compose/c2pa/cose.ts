// C2PA: the COSE_Sign1 claim signature, built here because c2pa-wasm hands its signer callback the raw claim (main process and render workers).
//
// c2pa-wasm 0.13's WasmSigner takes no certificates and runs in "direct COSE" mode: the callback receives the claim
// bytes and must return the complete, padded COSE_Sign1 that goes into the c2pa.signature box. Returning a bare
// ECDSA signature is what made c2pa-rs fail right after signing. Only the few CBOR shapes COSE needs are encoded here.

type Cbor = number | string | Uint8Array | null | Cbor[] | Map<number | string, Cbor> | { tag: number; value: Cbor };

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function head(major: number, n: number): Uint8Array<ArrayBuffer> {
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`CBOR length ${n} is out of range.`);
  const m = major << 5;
  if (n < 24) return Uint8Array.of(m | n);
  if (n < 0x100) return Uint8Array.of(m | 24, n);
  if (n < 0x10000) return Uint8Array.of(m | 25, n >> 8, n & 0xff);
  return Uint8Array.of(m | 26, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
}

/** Deterministic CBOR (RFC 8949) for the shapes above; map entries keep insertion order. */
export function encodeCbor(value: Cbor): Uint8Array<ArrayBuffer> {
  if (value === null) return Uint8Array.of(0xf6);
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const utf8 = new TextEncoder().encode(value);
    return concat([head(3, utf8.length), utf8]);
  }
  if (value instanceof Uint8Array) return concat([head(2, value.length), value]);
  if (Array.isArray(value)) return concat([head(4, value.length), ...value.map(encodeCbor)]);
  if (value instanceof Map) return concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [encodeCbor(k), encodeCbor(v)])]);
  return concat([head(6, value.tag), encodeCbor(value.value)]);
}

const COSE_SIGN1_TAG = 18;
const HEADER_ALG = 1;
const HEADER_X5CHAIN = 33;
const ALG_ES256 = -7;

/** Size to reserve for the signature box: the certificates plus room for the headers, the signature and padding. */
export function coseReserveSize(certificatesDer: readonly Uint8Array[]): number {
  return certificatesDer.reduce((sum, der) => sum + der.length, 0) + 1024;
}

/**
 * A tagged COSE_Sign1 over `claim` (detached payload) signed with ES256, padded to exactly `size` bytes as c2pa-rs
 * requires: it writes the signature into a box reserved at that size. `sign` must return IEEE P1363 r||s, as WebCrypto does.
 */
export async function coseSign1(
  claim: Uint8Array,
  certificatesDer: readonly Uint8Array[],
  sign: (toBeSigned: Uint8Array) => Promise<Uint8Array>,
  size: number,
): Promise<Uint8Array<ArrayBuffer>> {
  if (certificatesDer.length === 0) throw new Error('A C2PA signature needs the signing certificate.');
  // RFC 9360: one certificate is a byte string, several are an array, signer first.
  const x5chain = certificatesDer.length === 1 ? (certificatesDer[0] as Uint8Array) : [...certificatesDer];
  const protectedHeader = encodeCbor(
    new Map<number, Cbor>([
      [HEADER_ALG, ALG_ES256],
      [HEADER_X5CHAIN, x5chain],
    ]),
  );
  const signature = await sign(encodeCbor(['Signature1', protectedHeader, new Uint8Array(0), claim]));
  if (signature.length !== 64) throw new Error(`An ES256 signature is 64 bytes (r||s), not ${signature.length}.`);
  const build = (pad: number) =>
    encodeCbor({ tag: COSE_SIGN1_TAG, value: [protectedHeader, new Map([['pad', new Uint8Array(pad)]]), null, signature] });
  // The pad's own length prefix grows with it (1, 2, 3 or 5 bytes), so try each prefix size for an exact fit.
  const room = size - build(0).length + 1;
  for (const prefix of [1, 2, 3, 5]) {
    const pad = room - prefix;
    if (pad >= 0 && head(2, pad).length === prefix) return build(pad);
  }
  throw new Error(`The C2PA signature does not fit the ${size} bytes reserved for it.`);
}
