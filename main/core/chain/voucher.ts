// EIP-712 messages of the LikenessRegistry (mint vouchers, rules updates, licence approvals) and the signed-voucher file; pure, any process.
import { type TypedDataDomain, type TypedDataField, getAddress } from 'ethers';
import { LikenessError } from '../../contract/errors.js';
import { SignatureError, type TypedDataSigner, digestToBytes32 } from '../twin/identity/eip712.js';

export { digestToBytes32 };

/** Must match the contract's EIP712("LikenessRegistry", "1"): a mismatch makes every signature recover to a stranger. */
const DOMAIN_NAME = 'LikenessRegistry';
const DOMAIN_VERSION = '1';

export const MINT_VOUCHER_TYPES: Record<string, TypedDataField[]> = {
  MintVoucher: [
    { name: 'creator', type: 'address' },
    { name: 'manifestDigest', type: 'bytes32' },
    { name: 'rulesDigest', type: 'bytes32' },
    { name: 'consentDigest', type: 'bytes32' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
};

export const RULES_UPDATE_TYPES: Record<string, TypedDataField[]> = {
  RulesUpdate: [
    { name: 'tokenId', type: 'uint256' },
    { name: 'rulesDigest', type: 'bytes32' },
    { name: 'version', type: 'uint64' },
    { name: 'deadline', type: 'uint256' },
  ],
};

export const LICENSE_APPROVAL_TYPES: Record<string, TypedDataField[]> = {
  LicenseApproval: [
    { name: 'tokenId', type: 'uint256' },
    { name: 'licenseHash', type: 'bytes32' },
    { name: 'epoch', type: 'uint64' },
  ],
};

/** Digests are bytes32 hex here (see digestToBytes32); nonce and deadline (unix seconds) are uint256. */
export interface MintVoucher {
  creator: string;
  manifestDigest: string;
  rulesDigest: string;
  consentDigest: string;
  nonce: bigint;
  deadline: bigint;
}

export interface RulesUpdate {
  tokenId: bigint;
  rulesDigest: string;
  /** The twin's current rules version + 1. */
  version: bigint;
  deadline: bigint;
}

export interface LicenseApproval {
  tokenId: bigint;
  licenseHash: string;
  /** The twin's current validator epoch: approvals signed under an earlier set do not count. */
  epoch: bigint;
}

/** A voucher with what it is bound to: it can only be redeemed on that chain, at that registry. */
export interface SignedVoucher {
  chainId: bigint;
  registry: string;
  voucher: MintVoucher;
  signature: string;
}

/** The file form of a SignedVoucher; 256-bit numbers are decimal strings, since JSON numbers lose them. */
export interface SignedVoucherJson {
  chainId: number;
  registry: string;
  voucher: {
    creator: string;
    manifestDigest: string;
    rulesDigest: string;
    consentDigest: string;
    nonce: string;
    deadline: string;
  };
  signature: string;
}

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
const DECIMAL = /^(0|[1-9][0-9]*)$/;
const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;
const UINT256_MAX = 2n ** 256n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
/** secp256k1 order / 2: OpenZeppelin's ECDSA rejects larger s values, so a voucher carrying one can never be redeemed. */
const HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

export function registryDomain(chainId: bigint | number, address: string): TypedDataDomain {
  return { name: DOMAIN_NAME, version: DOMAIN_VERSION, chainId: BigInt(chainId), verifyingContract: checkedAddress(address, 'registry') };
}

function checkedAddress(value: string, field: string): string {
  try {
    return getAddress(value);
  } catch {
    throw new SignatureError('bad-field', `${field} ${JSON.stringify(value.slice(0, 60))} is not an Ethereum address.`);
  }
}

function checkedBytes32(value: string, field: string): string {
  if (!BYTES32.test(value)) throw new SignatureError('bad-field', `${field} must be 0x followed by 64 hex digits (see digestToBytes32).`);
  return value.toLowerCase();
}

function checkedUint(value: bigint, max: bigint, field: string): bigint {
  if (value < 0n || value > max) throw new SignatureError('bad-field', `${field} ${value} does not fit in ${max === UINT64_MAX ? 64 : 256} unsigned bits.`);
  return value;
}

function mintVoucherValue(voucher: MintVoucher) {
  return {
    creator: checkedAddress(voucher.creator, 'voucher.creator'),
    manifestDigest: checkedBytes32(voucher.manifestDigest, 'voucher.manifestDigest'),
    rulesDigest: checkedBytes32(voucher.rulesDigest, 'voucher.rulesDigest'),
    consentDigest: checkedBytes32(voucher.consentDigest, 'voucher.consentDigest'),
    nonce: checkedUint(voucher.nonce, UINT256_MAX, 'voucher.nonce'),
    deadline: checkedUint(voucher.deadline, UINT256_MAX, 'voucher.deadline'),
  };
}

export async function signMintVoucher(signer: TypedDataSigner, domain: TypedDataDomain, voucher: MintVoucher): Promise<string> {
  return signer.signTypedData(domain, MINT_VOUCHER_TYPES, mintVoucherValue(voucher));
}

export async function signRulesUpdate(signer: TypedDataSigner, domain: TypedDataDomain, update: RulesUpdate): Promise<string> {
  return signer.signTypedData(domain, RULES_UPDATE_TYPES, {
    tokenId: checkedUint(update.tokenId, UINT256_MAX, 'tokenId'),
    rulesDigest: checkedBytes32(update.rulesDigest, 'rulesDigest'),
    version: checkedUint(update.version, UINT64_MAX, 'version'),
    deadline: checkedUint(update.deadline, UINT256_MAX, 'deadline'),
  });
}

export async function signLicenseApproval(signer: TypedDataSigner, domain: TypedDataDomain, approval: LicenseApproval): Promise<string> {
  return signer.signTypedData(domain, LICENSE_APPROVAL_TYPES, {
    tokenId: checkedUint(approval.tokenId, UINT256_MAX, 'tokenId'),
    licenseHash: checkedBytes32(approval.licenseHash, 'licenseHash'),
    epoch: checkedUint(approval.epoch, UINT64_MAX, 'epoch'),
  });
}

export function signedVoucherToJson(signed: SignedVoucher): SignedVoucherJson {
  const value = mintVoucherValue(signed.voucher);
  return {
    chainId: Number(signed.chainId),
    registry: checkedAddress(signed.registry, 'registry'),
    voucher: { ...value, nonce: value.nonce.toString(), deadline: value.deadline.toString() },
    signature: signed.signature,
  };
}

type Issues = NonNullable<LikenessError['issues']>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Records every missing, unexpected or ill-typed field, so one error can name them all. */
class FieldReader {
  readonly issues: Issues = [];

  object(value: unknown, path: string, keys: readonly string[]): Record<string, unknown> | undefined {
    if (!isRecord(value)) {
      this.issues.push({ path, message: value === undefined ? 'is missing' : 'must be an object' });
      return undefined;
    }
    for (const key of Object.keys(value)) if (!keys.includes(key)) this.issues.push({ path: `${path}.${key}`, message: 'is not a field of a signed voucher' });
    return value;
  }

  string(record: Record<string, unknown>, key: string, path: string): string | undefined {
    const value = record[key];
    if (typeof value === 'string') return value;
    this.issues.push({ path, message: value === undefined ? 'is missing' : 'must be a string' });
    return undefined;
  }

  address(record: Record<string, unknown>, key: string, path: string): string {
    const value = this.string(record, key, path);
    if (value === undefined) return '';
    try {
      return getAddress(value);
    } catch {
      this.issues.push({ path, message: 'must be an Ethereum address (0x and 40 hex digits, valid checksum if mixed case)' });
      return '';
    }
  }

  bytes32(record: Record<string, unknown>, key: string, path: string): string {
    const value = this.string(record, key, path);
    if (value === undefined) return '';
    if (BYTES32.test(value)) return value.toLowerCase();
    this.issues.push({ path, message: 'must be 0x followed by 64 hex digits' });
    return '';
  }

  uint256(record: Record<string, unknown>, key: string, path: string): bigint {
    const value = this.string(record, key, path);
    if (value === undefined) return 0n;
    if (DECIMAL.test(value) && BigInt(value) <= UINT256_MAX) return BigInt(value);
    this.issues.push({ path, message: 'must be a decimal string of an unsigned 256-bit integer' });
    return 0n;
  }

  chainId(record: Record<string, unknown>): bigint {
    const value = record.chainId;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return BigInt(value);
    this.issues.push({ path: 'chainId', message: value === undefined ? 'is missing' : 'must be a positive whole number' });
    return 0n;
  }

  signature(record: Record<string, unknown>): string {
    const value = this.string(record, 'signature', 'signature');
    if (value === undefined) return '';
    if (!SIGNATURE.test(value)) {
      this.issues.push({ path: 'signature', message: 'must be 0x followed by 130 hex digits (65 bytes: r, s, v)' });
      return '';
    }
    const s = BigInt(`0x${value.slice(66, 130)}`);
    const v = Number.parseInt(value.slice(130), 16);
    if (s > HALF_ORDER) this.issues.push({ path: 'signature', message: 'has a high s value (a malleable form): the registry rejects it' });
    if (v !== 27 && v !== 28) this.issues.push({ path: 'signature', message: `has v = ${v}; expected 27 or 28` });
    return value.toLowerCase();
  }
}

const TOP_KEYS = ['chainId', 'registry', 'voucher', 'signature'] as const;
const VOUCHER_KEYS = ['creator', 'manifestDigest', 'rulesDigest', 'consentDigest', 'nonce', 'deadline'] as const;

function invalid(issues: Issues): LikenessError {
  const list = issues.map((issue) => `${issue.path} ${issue.message}`).join('; ');
  return new LikenessError('invalid-input', `The signed voucher is invalid: ${list}.`, issues);
}

/** Reads a signed voucher file (its text or its parsed JSON); throws an 'invalid-input' error naming every bad field. */
export function parseSignedVoucher(json: unknown): SignedVoucher {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new LikenessError('invalid-input', `The signed voucher is not JSON: ${(error as Error).message}`);
    }
  }
  const read = new FieldReader();
  const top = read.object(value, '(voucher file)', TOP_KEYS);
  if (!top) throw invalid(read.issues);
  const chainId = read.chainId(top);
  const registry = read.address(top, 'registry', 'registry');
  const signature = read.signature(top);
  const inner = read.object(top.voucher, 'voucher', VOUCHER_KEYS);
  if (!inner) throw invalid(read.issues);
  const voucher: MintVoucher = {
    creator: read.address(inner, 'creator', 'voucher.creator'),
    manifestDigest: read.bytes32(inner, 'manifestDigest', 'voucher.manifestDigest'),
    rulesDigest: read.bytes32(inner, 'rulesDigest', 'voucher.rulesDigest'),
    consentDigest: read.bytes32(inner, 'consentDigest', 'voucher.consentDigest'),
    nonce: read.uint256(inner, 'nonce', 'voucher.nonce'),
    deadline: read.uint256(inner, 'deadline', 'voucher.deadline'),
  };
  if (read.issues.length > 0) throw invalid(read.issues);
  return { chainId, registry, voucher, signature };
}
