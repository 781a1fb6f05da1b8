// EIP-712 typed signatures the twin container carries (manifest, rule versions, key grants): signing and recovery; main process and workers.
import { type TypedDataDomain, type TypedDataField, SigningKey, TypedDataEncoder, concat, getAddress, getBytes, keccak256, recoverAddress } from 'ethers';
import { LikenessError } from '../../../contract/errors.js';
import { signDigest } from '../crypto/secp256k1.js';

/** No chainId: a twin is sealed before, and independently of, any chain it may later be minted on. */
export const LIKENESS_DOMAIN = { name: 'Likeness Studio', version: '1' } as const satisfies TypedDataDomain;

const MANIFEST_TYPES: Record<string, TypedDataField[]> = {
  TwinManifest: [
    { name: 'manifestDigest', type: 'bytes32' },
    { name: 'owner', type: 'address' },
  ],
};

const RULES_TYPES: Record<string, TypedDataField[]> = {
  RulesVersion: [
    { name: 'manifestDigest', type: 'bytes32' },
    { name: 'rulesDigest', type: 'bytes32' },
    { name: 'version', type: 'uint64' },
    { name: 'issuedAt', type: 'uint64' },
  ],
};

const KEY_GRANT_TYPES: Record<string, TypedDataField[]> = {
  KeyGrant: [
    { name: 'manifestDigest', type: 'bytes32' },
    { name: 'recipient', type: 'address' },
    { name: 'envelopeDigest', type: 'bytes32' },
    { name: 'grantedAt', type: 'string' },
  ],
};

/** 'malformed': the signature is not a valid 65-byte ECDSA signature; 'bad-field': a value to sign or check is not what its type needs. */
export type SignatureErrorReason = 'malformed' | 'bad-field';

export class SignatureError extends LikenessError {
  readonly reason: SignatureErrorReason;

  constructor(reason: SignatureErrorReason, message: string) {
    super('invalid-input', message);
    this.name = 'SignatureError';
    this.reason = reason;
  }
}

/** Anything that signs EIP-712 data the way ethers' signers do (a Wallet, a browser wallet's JsonRpcSigner). */
export interface TypedDataSigner {
  signTypedData(domain: TypedDataDomain, types: Record<string, TypedDataField[]>, value: Record<string, unknown>): Promise<string>;
}

export interface RulesVersionFields {
  manifestDigest: string;
  rulesDigest: string;
  version: number | bigint;
  /** Unix seconds. */
  issuedAt: number | bigint;
}

export interface KeyGrantFields {
  manifestDigest: string;
  recipient: string;
  envelopeDigest: string;
  /** ISO time of the grant, signed as written so not even its form can change unseen. */
  grantedAt: string;
}

const DIGEST = /^sha256:([0-9a-f]{64})$/;
const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;
const UINT64_MAX = 2n ** 64n - 1n;

/** 'sha256:<64 hex>' (the form of every digest in the studio and in OCI) as the bytes32 EIP-712 signs. */
export function digestToBytes32(digest: string): string {
  const match = DIGEST.exec(digest);
  if (!match) throw new SignatureError('bad-field', `${JSON.stringify(digest.slice(0, 80))} is not a digest: expected sha256: followed by 64 lowercase hex digits.`);
  return `0x${match[1]}`;
}

function address(value: string, field: string): string {
  try {
    return getAddress(value);
  } catch {
    throw new SignatureError('bad-field', `${field} ${JSON.stringify(value.slice(0, 60))} is not an Ethereum address.`);
  }
}

function uint64(value: number | bigint, field: string): bigint {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new SignatureError('bad-field', `${field} must be a whole number, not ${value}.`);
  const big = BigInt(value);
  if (big < 0n || big > UINT64_MAX) throw new SignatureError('bad-field', `${field} must fit in 64 unsigned bits, not ${big}.`);
  return big;
}

function manifestValue(manifestDigest: string, owner: string) {
  return { manifestDigest: digestToBytes32(manifestDigest), owner: address(owner, 'owner') };
}

function rulesValue(fields: RulesVersionFields) {
  return {
    manifestDigest: digestToBytes32(fields.manifestDigest),
    rulesDigest: digestToBytes32(fields.rulesDigest),
    version: uint64(fields.version, 'version'),
    issuedAt: uint64(fields.issuedAt, 'issuedAt'),
  };
}

function keyGrantValue(fields: KeyGrantFields) {
  return { manifestDigest: digestToBytes32(fields.manifestDigest), recipient: address(fields.recipient, 'recipient'), envelopeDigest: digestToBytes32(fields.envelopeDigest), grantedAt: fields.grantedAt };
}

/**
 * The EIP-712 digest, with the domain separator and each type's encoder built once: ethers' TypedDataEncoder.hash
 * rebuilds both per call, which was a third of a key grant's signature.
 */
const DOMAIN_SEPARATOR = TypedDataEncoder.hashDomain(LIKENESS_DOMAIN);
const encoders = new Map<Record<string, TypedDataField[]>, TypedDataEncoder>();

function typedDataHash(types: Record<string, TypedDataField[]>, value: Record<string, unknown>): string {
  let encoder = encoders.get(types);
  if (!encoder) {
    encoder = TypedDataEncoder.from(types);
    encoders.set(types, encoder);
  }
  return keccak256(concat(['0x1901', DOMAIN_SEPARATOR, encoder.hash(value)]));
}

/** A wallet holding its key signs the digest directly (the same signature its signTypedData makes); any other signer is asked. */
async function signTyped(signer: TypedDataSigner, types: Record<string, TypedDataField[]>, value: Record<string, unknown>): Promise<string> {
  const key = (signer as { signingKey?: unknown }).signingKey;
  // The same signature ethers would make (RFC 6979, low s), through libsecp256k1 in a twentieth of the time.
  if (key instanceof SigningKey) return signDigest(getBytes(key.privateKey), getBytes(typedDataHash(types, value)));
  return signer.signTypedData(LIKENESS_DOMAIN, types, value);
}

/** Recovery from an already-built value, so field errors surface as 'bad-field' and only the signature itself can be 'malformed'. */
function recover(types: Record<string, TypedDataField[]>, value: Record<string, unknown>, signature: string): string {
  const hash = typedDataHash(types, value);
  const malformed = () => new SignatureError('malformed', 'The signature is malformed: expected 65 bytes as 0x followed by 130 hex digits, with a canonical s value.');
  // ethers also reads 64-byte EIP-2098 signatures: the studio never writes them, so a 64-byte value is a truncated one.
  if (!SIGNATURE.test(signature)) throw malformed();
  try {
    return getAddress(recoverAddress(hash, signature));
  } catch {
    throw malformed();
  }
}

export async function signManifest(signer: TypedDataSigner, manifestDigest: string, owner: string): Promise<string> {
  return signTyped(signer, MANIFEST_TYPES, manifestValue(manifestDigest, owner));
}

export async function signRulesVersion(signer: TypedDataSigner, fields: RulesVersionFields): Promise<string> {
  return signTyped(signer, RULES_TYPES, rulesValue(fields));
}

export async function signKeyGrant(signer: TypedDataSigner, fields: KeyGrantFields): Promise<string> {
  return signTyped(signer, KEY_GRANT_TYPES, keyGrantValue(fields));
}

export function recoverManifestSigner(manifestDigest: string, owner: string, signature: string): string {
  return recover(MANIFEST_TYPES, manifestValue(manifestDigest, owner), signature);
}

export function recoverRulesSigner(fields: RulesVersionFields, signature: string): string {
  return recover(RULES_TYPES, rulesValue(fields), signature);
}

export function recoverKeyGrantSigner(fields: KeyGrantFields, signature: string): string {
  return recover(KEY_GRANT_TYPES, keyGrantValue(fields), signature);
}

export interface SignatureCheck {
  ok: boolean;
  recovered?: string;
  message: string;
}

/** A verdict to show or log, never a throw for a bad signature: a twin received from someone else is checked, not trusted. */
export function verifyManifestSignature(manifestDigest: string, owner: string, signature: string): SignatureCheck {
  const expected = address(owner, 'owner');
  let recovered: string;
  try {
    recovered = recoverManifestSigner(manifestDigest, expected, signature);
  } catch (error) {
    if (error instanceof SignatureError && error.reason === 'malformed') return { ok: false, message: error.message };
    throw error;
  }
  return recovered === expected
    ? { ok: true, recovered, message: `signed by the twin's owner ${expected}` }
    : { ok: false, recovered, message: `signed by ${recovered}, but the twin's owner is ${expected}` };
}
