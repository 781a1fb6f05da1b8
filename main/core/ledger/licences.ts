// Licences exchanged as files: the licensee's request, its check against the rules and fee, validators' approvals and their tally, the creator's signed grant, and the file parsing and signature recovery receipts share (pure; main process and CLI).
import { type TypedDataDomain, type TypedDataField, TypedDataEncoder, computeAddress, formatEther, getAddress, recoverAddress } from 'ethers';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { LikenessError } from '../../contract/errors.js';
import { LIKENESS_DOMAIN, type SignatureCheck, SignatureError, type TypedDataSigner } from '../twin/identity/eip712.js';
import { canonicalJson } from '../twin/rules/canonical.js';
import { checkUse, type RuleViolation } from '../twin/rules/evaluate.js';
import { PURPOSES, type Purpose, type TwinRules, isLanguageTag } from '../twin/rules/schema.js';
import { keccak256 } from './keccak.js';

export const LICENCE_REQUEST_SCHEMA = 'likeness.licence-request/v1';
export const LICENCE_APPROVAL_SCHEMA = 'likeness.licence-approval/v1';
export const LICENCE_GRANT_SCHEMA = 'likeness.licence/v1';

/** A signer that can also say whose key it holds (ethers' Wallet and JsonRpcSigner both can), so a file names its signer. */
export interface AddressedSigner extends TypedDataSigner {
  getAddress(): Promise<string>;
}

export interface LedgerIssue {
  /** Dotted path of the field, such as `term.to`; `(file)` for the whole document. */
  path: string;
  message: string;
}

/** A ledger file (request, approval, grant, receipt, proof) that is not what its format says; every problem is listed in `issues`. */
export class LedgerFileError extends LikenessError {
  readonly document: string;

  constructor(document: string, issues: LedgerIssue[]) {
    super('invalid-input', `The ${document} is not valid: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`, issues);
    this.name = 'LedgerFileError';
    this.document = document;
  }
}

// A licence file is a few kilobytes; a receipt proof of a million-receipt batch about three.
const MAX_FILE_CHARS = 1_000_000;
const MAX_LANGUAGES = 50;
const MAX_RENDERS = 1_000_000;
const UINT256_MAX = 2n ** 256n - 1n;
const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;

type ErrorFn = (issue: { code?: string; input?: unknown }) => string | undefined;

/** Tells a missing field from a wrong one; unknown keys keep zod's issue, which issuesOf words itself. */
export function expecting(what: string): ErrorFn {
  return ({ code, input }) => {
    if (code === 'unrecognized_keys') return undefined;
    return input === undefined ? `missing: expected ${what}` : `expected ${what}, not ${shown(input)}`;
  };
}

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function isChecksummedAddress(value: string): boolean {
  try {
    return getAddress(value) === value;
  } catch {
    return false;
  }
}

function pattern(regex: RegExp, what: string) {
  return z.string({ error: expecting(what) }).regex(regex, { error: expecting(what) });
}

/**
 * Field formats shared by the ledger's files. Each has one spelling (lowercase hex, checksummed addresses), so a
 * document hashed as canonical JSON has one hash, and a parser never needs to rewrite what it reads.
 */
export const ledgerFields = {
  digest: pattern(/^sha256:[0-9a-f]{64}$/, 'a digest: sha256: and 64 lowercase hex digits'),
  bytes32: pattern(/^0x[0-9a-f]{64}$/, 'a hash: 0x and 64 lowercase hex digits'),
  signature: pattern(SIGNATURE, 'a 65-byte signature: 0x and 130 hex digits'),
  address: z.string({ error: expecting('a checksummed Ethereum address') }).refine(isChecksummedAddress, { error: expecting('a checksummed (EIP-55) Ethereum address') }),
  time: z.iso.datetime({ error: expecting('a UTC time such as "2027-03-01T00:00:00Z"') }),
  uint256: z
    .string({ error: expecting('a whole number written in decimal digits') })
    .refine((value) => /^(?:0|[1-9][0-9]{0,77})$/.test(value) && BigInt(value) <= UINT256_MAX, { error: expecting('a whole number below 2^256 written in decimal digits') }),
  chainId: z.int({ error: expecting('a chain id') }).positive({ error: expecting('a positive chain id') }),
  // A safe integer, which a uint64 on-chain counter will not outgrow.
  uint64: z.int({ error: expecting('a whole number') }).nonnegative({ error: expecting('a whole number, 0 or more') }),
  purpose: z.enum(PURPOSES, { error: ({ input }) => (input === undefined ? 'missing: expected a purpose' : `${shown(input)} is not a purpose; choose from ${PURPOSES.join(', ')}`) }),
  language: z
    .string({ error: expecting('a BCP-47 language tag') })
    .max(64, { error: expecting('a BCP-47 language tag') })
    .refine(isLanguageTag, { error: expecting('a BCP-47 language tag such as "en" or "pt-BR"') }),
};

function issuesOf(error: z.ZodError, document: string): LedgerIssue[] {
  const dotted = (path: readonly PropertyKey[]) => (path.length > 0 ? path.map(String).join('.') : '(file)');
  return error.issues.flatMap((issue): LedgerIssue[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: dotted([...issue.path, key]), message: `${shown(key)} is not a field of a ${document}` }))
      : [{ path: dotted(issue.path), message: issue.message }],
  );
}

/** `input` is the file's text or its already parsed JSON; throws LedgerFileError naming every problem. */
export function parseLedgerFile<S extends z.ZodType>(schema: S, input: unknown, document: string): z.output<S> {
  let value = input;
  if (typeof input === 'string') {
    if (input.length > MAX_FILE_CHARS) throw new LedgerFileError(document, [{ path: '(file)', message: `${input.length} characters is more than a ${document} can be` }]);
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new LedgerFileError(document, [{ path: '(file)', message: `not JSON: ${error instanceof Error ? error.message : String(error)}` }]);
    }
  }
  const result = schema.safeParse(value);
  if (!result.success) throw new LedgerFileError(document, issuesOf(result.error, document));
  return result.data;
}

/** Recovers an EIP-712 signer; only 65-byte signatures, as eip712.ts: ethers would also read a truncated 64-byte one. */
export function recoverTypedSigner(domain: TypedDataDomain, types: Record<string, TypedDataField[]>, value: Record<string, unknown>, signature: string): string {
  const malformed = () => new SignatureError('malformed', 'The signature is malformed: expected 65 bytes as 0x followed by 130 hex digits, with a canonical s value.');
  if (!SIGNATURE.test(signature)) throw malformed();
  const hash = TypedDataEncoder.hash(domain, types, value);
  try {
    return getAddress(recoverAddress(hash, signature));
  } catch {
    throw malformed();
  }
}

/** keccak256 of `value`'s canonical JSON in UTF-8, as 0x hex: the one hash of a document whatever its key order. */
export function documentHash(value: unknown): string {
  return `0x${bytesToHex(keccak256(utf8ToBytes(canonicalJson(value))))}`;
}

// Requests ------------------------------------------------------------------------------------------------------

export interface LicenceRequest {
  schema: typeof LICENCE_REQUEST_SCHEMA;
  /** Manifest digest of the twin, sha256:…. */
  twin: string;
  /** Null, with chainId and registry, for a twin not yet minted. */
  tokenId: string | null;
  chainId: number | null;
  registry: string | null;
  licensee: string;
  /** 0x and the 33-byte compressed secp256k1 key of the licensee's address: the content key is wrapped to it. */
  licenseePublicKey: string;
  purpose: Purpose;
  languages: string[];
  term: { from: string; to: string };
  maxRenders: number;
  requestedAt: string;
}

function publicKeyMatches(publicKey: string, address: string): boolean {
  try {
    return computeAddress(publicKey) === address;
  } catch {
    return false;
  }
}

const licenceRequestSchema = z
  .strictObject(
    {
      schema: z.literal(LICENCE_REQUEST_SCHEMA, { error: expecting(`"${LICENCE_REQUEST_SCHEMA}"`) }),
      twin: ledgerFields.digest,
      tokenId: ledgerFields.uint256.nullable(),
      chainId: ledgerFields.chainId.nullable(),
      registry: ledgerFields.address.nullable(),
      licensee: ledgerFields.address,
      licenseePublicKey: pattern(/^0x0[23][0-9a-f]{64}$/, 'a compressed secp256k1 public key: 0x, 02 or 03, and 64 lowercase hex digits'),
      purpose: ledgerFields.purpose,
      languages: z
        .array(ledgerFields.language, { error: expecting('a list of language tags') })
        .min(1, { error: 'name at least one language' })
        .max(MAX_LANGUAGES, { error: `at most ${MAX_LANGUAGES} languages` }),
      term: z.strictObject({ from: ledgerFields.time, to: ledgerFields.time }, { error: expecting('the term as an object with from and to') }),
      maxRenders: z.int({ error: expecting('a whole number of renders') }),
      requestedAt: ledgerFields.time,
    },
    { error: expecting('a licence request object') },
  )
  .superRefine((request, ctx) => {
    const chain = [request.tokenId, request.chainId, request.registry];
    if (chain.some((value) => value === null) && !chain.every((value) => value === null)) {
      ctx.addIssue({ code: 'custom', path: ['tokenId'], message: 'tokenId, chainId and registry are either all set (a minted twin) or all null' });
    }
    if (!publicKeyMatches(request.licenseePublicKey, request.licensee)) {
      ctx.addIssue({ code: 'custom', path: ['licenseePublicKey'], message: `this public key is not the key of the licensee ${request.licensee}` });
    }
    const seen = new Set<string>();
    request.languages.forEach((tag, index) => {
      if (seen.has(tag.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['languages', index], message: `${shown(tag)} is listed twice` });
      seen.add(tag.toLowerCase());
    });
  });

export function parseLicenceRequest(json: unknown): LicenceRequest {
  return parseLedgerFile(licenceRequestSchema, json, 'licence request');
}

/** The hash the owner or validators approve on-chain: keccak256 of the request's canonical JSON. */
export function licenceHash(request: LicenceRequest): string {
  return documentHash(request);
}

export interface LicenceViolation {
  /** The twin rule broken, or 'licence-term' / 'max-renders' for a request that makes no sense whatever the rules. */
  rule: RuleViolation['rule'] | 'licence-term' | 'max-renders';
  message: string;
}

/**
 * Checks a request against the rules. The expiry is checked at the end of the term, so a licence that would
 * outlive the rules is refused rather than granted and cut short.
 */
export function evaluateRequest(request: LicenceRequest, rules: TwinRules, now: Date): { allowed: boolean; violations: LicenceViolation[] } {
  const { from, to } = request.term;
  const violations: LicenceViolation[] = checkUse(rules, { purpose: request.purpose, languages: request.languages, text: '', at: new Date(to) }).violations.map((violation) =>
    violation.rule === 'expired' ? { rule: 'expired', message: `the licence would run until ${to}, past the rules' expiry at ${rules.expiresAt}` } : violation,
  );
  if (Date.parse(from) >= Date.parse(to)) violations.push({ rule: 'licence-term', message: `the term must start before it ends, and ${from} is not before ${to}` });
  if (Date.parse(to) <= now.getTime()) violations.push({ rule: 'licence-term', message: `the term ended at ${to}, before now` });
  if (!Number.isInteger(request.maxRenders) || request.maxRenders < 1 || request.maxRenders > MAX_RENDERS) {
    violations.push({ rule: 'max-renders', message: `maxRenders must be from 1 to ${MAX_RENDERS.toLocaleString('en')}, not ${request.maxRenders}` });
  }
  return { allowed: violations.length === 0, violations };
}

/** Wei as ETH for messages: "0.05 ETH". */
export function ether(wei: bigint): string {
  return `${formatEther(wei).replace(/\.0$/, '')} ETH`;
}

/** Whether `offeredWei` pays the rules' licence fee; the message names both amounts in ETH. */
export function checkFee(rules: TwinRules, offeredWei: bigint): { ok: boolean; requiredWei: bigint; message: string } {
  if (offeredWei < 0n) throw new RangeError(`an offered fee cannot be negative (${offeredWei} wei)`);
  const requiredWei = rules.licenceFee === null ? 0n : BigInt(rules.licenceFee.amountWei);
  const message = requiredWei === 0n ? 'the rules ask no fee' : `the rules ask ${ether(requiredWei)}; ${ether(offeredWei)} was offered`;
  return { ok: offeredWei >= requiredWei, requiredWei, message };
}

// Approvals -----------------------------------------------------------------------------------------------------

/** Which on-chain licence an approval is for. */
export interface ApprovalSubject {
  chainId: number;
  registry: string;
  tokenId: string;
  licenseHash: string;
}

export interface ApprovalFields extends ApprovalSubject {
  /** The registry's validator-set epoch: approvals from an earlier set stop counting when the owner changes it. */
  epoch: number;
}

export interface LicenceApprovalFile extends ApprovalFields {
  schema: typeof LICENCE_APPROVAL_SCHEMA;
  validator: string;
  signature: string;
}

// The registry contract's own type, byte for byte: the contract recomputes this hash to count approvals on-chain.
const APPROVAL_TYPES: Record<string, TypedDataField[]> = {
  LicenseApproval: [
    { name: 'tokenId', type: 'uint256' },
    { name: 'licenseHash', type: 'bytes32' },
    { name: 'epoch', type: 'uint64' },
  ],
};

function registryDomain(chainId: number, registry: string): TypedDataDomain {
  return { name: 'LikenessRegistry', version: '1', chainId, verifyingContract: registry };
}

const approvalFields = {
  chainId: ledgerFields.chainId,
  registry: ledgerFields.address,
  tokenId: ledgerFields.uint256,
  licenseHash: ledgerFields.bytes32,
  epoch: ledgerFields.uint64,
};
const approvalFieldsSchema = z.strictObject(approvalFields);

const approvalFileSchema = z.strictObject(
  {
    schema: z.literal(LICENCE_APPROVAL_SCHEMA, { error: expecting(`"${LICENCE_APPROVAL_SCHEMA}"`) }),
    ...approvalFields,
    validator: ledgerFields.address,
    signature: ledgerFields.signature,
  },
  { error: expecting('a licence approval object') },
);

export function parseApprovalFile(json: unknown): LicenceApprovalFile {
  return parseLedgerFile(approvalFileSchema, json, 'licence approval');
}

/** Signs the approval with the validator's key; the file names the validator so a tally can tell a forged name. */
export async function signApproval(signer: AddressedSigner, fields: ApprovalFields): Promise<LicenceApprovalFile> {
  const checked = parseLedgerFile(approvalFieldsSchema, fields, 'licence approval');
  const validator = getAddress(await signer.getAddress());
  const signature = await signer.signTypedData(registryDomain(checked.chainId, checked.registry), APPROVAL_TYPES, {
    tokenId: checked.tokenId,
    licenseHash: checked.licenseHash,
    epoch: checked.epoch,
  });
  return { schema: LICENCE_APPROVAL_SCHEMA, ...checked, validator, signature };
}

/** The address whose key signed the approval; throws SignatureError 'malformed' for a signature that recovers none. */
export function approvalSigner(file: LicenceApprovalFile): string {
  return recoverTypedSigner(registryDomain(file.chainId, file.registry), APPROVAL_TYPES, { tokenId: file.tokenId, licenseHash: file.licenseHash, epoch: file.epoch }, file.signature);
}

const SUBJECT_KEYS = ['chainId', 'registry', 'tokenId', 'licenseHash'] as const;

function signerOrNull(file: LicenceApprovalFile): string | null {
  try {
    return approvalSigner(file);
  } catch (error) {
    if (error instanceof SignatureError) return null;
    throw error;
  }
}

/**
 * Counts the distinct validators that approved `licence` in `epoch`. Every file that does not count is named in
 * `problems` with the reason: another licence or epoch, a signature that is not the named validator's, someone
 * who is not a validator, a validator already counted. `licence` is explicit so a file for another licence
 * cannot be counted towards this one.
 */
export function tallyApprovals(
  files: LicenceApprovalFile[],
  validators: string[],
  threshold: number,
  epoch: number,
  licence: ApprovalSubject,
): { count: number; needed: number; approvedBy: string[]; problems: string[] } {
  const allowed = new Set(validators.map((validator) => getAddress(validator)));
  const approvedBy: string[] = [];
  const problems: string[] = [];
  for (const [index, file] of files.entries()) {
    const label = `approval ${index + 1} (from ${file.validator})`;
    const other = SUBJECT_KEYS.filter((key) => String(file[key]).toLowerCase() !== String(licence[key]).toLowerCase());
    const signer = other.length === 0 && file.epoch === epoch ? signerOrNull(file) : null;
    if (other.length > 0) problems.push(`${label} is for another licence (${other.map((key) => `${key} ${file[key]}`).join(', ')}): ignored`);
    else if (file.epoch !== epoch) problems.push(`${label} is for epoch ${file.epoch}, not the current epoch ${epoch}: ignored`);
    else if (signer === null) problems.push(`${label} has a malformed signature: ignored`);
    else if (signer !== getAddress(file.validator)) problems.push(`${label} was signed by ${signer}, not by the validator it names: ignored`);
    else if (!allowed.has(signer)) problems.push(`${label}: ${signer} is not one of the twin's validators: ignored`);
    else if (approvedBy.includes(signer)) problems.push(`${label}: ${signer} has already approved; counted once`);
    else approvedBy.push(signer);
  }
  return { count: approvedBy.length, needed: threshold, approvedBy, problems };
}

// Grants --------------------------------------------------------------------------------------------------------

export interface LicenceGrant {
  schema: typeof LICENCE_GRANT_SCHEMA;
  request: LicenceRequest;
  licenseHash: string;
  grantedAt: string;
  /** The twin's owner, who signs the grant. */
  creator: string;
  signature: string;
}

const GRANT_TYPES: Record<string, TypedDataField[]> = {
  Licence: [
    { name: 'licenseHash', type: 'bytes32' },
    { name: 'licensee', type: 'address' },
    { name: 'validUntil', type: 'string' },
  ],
};

const grantSchema = z.strictObject(
  {
    schema: z.literal(LICENCE_GRANT_SCHEMA, { error: expecting(`"${LICENCE_GRANT_SCHEMA}"`) }),
    request: licenceRequestSchema,
    licenseHash: ledgerFields.bytes32,
    grantedAt: ledgerFields.time,
    creator: ledgerFields.address,
    signature: ledgerFields.signature,
  },
  { error: expecting('a licence object') },
);

function grantValue(grant: Pick<LicenceGrant, 'request' | 'licenseHash'>) {
  return { licenseHash: grant.licenseHash, licensee: grant.request.licensee, validUntil: grant.request.term.to };
}

export function parseGrant(json: unknown): LicenceGrant {
  return parseLedgerFile(grantSchema, json, 'licence');
}

/** The creator's grant of `request`; validUntil is the end of the requested term, signed as written. */
export async function signGrant(signer: AddressedSigner, request: LicenceRequest, grantedAt: Date): Promise<LicenceGrant> {
  const checked = parseLicenceRequest(request);
  const licenseHash = licenceHash(checked);
  const creator = getAddress(await signer.getAddress());
  const signature = await signer.signTypedData(LIKENESS_DOMAIN, GRANT_TYPES, grantValue({ request: checked, licenseHash }));
  return { schema: LICENCE_GRANT_SCHEMA, request: checked, licenseHash, grantedAt: grantedAt.toISOString(), creator, signature };
}

/** Whether `grant` is `owner`'s signature over this very request; a verdict, not a throw, as for any file from someone else. */
export function verifyGrant(grant: LicenceGrant, owner: string): SignatureCheck {
  const expected = getAddress(owner);
  const hash = licenceHash(grant.request);
  if (grant.licenseHash !== hash) return { ok: false, message: `the licence hash ${grant.licenseHash} is not the hash of its request (${hash})` };
  let recovered: string;
  try {
    recovered = recoverTypedSigner(LIKENESS_DOMAIN, GRANT_TYPES, grantValue(grant), grant.signature);
  } catch (error) {
    if (error instanceof SignatureError) return { ok: false, message: error.message };
    throw error;
  }
  if (recovered !== grant.creator) return { ok: false, recovered, message: `signed by ${recovered}, but the licence names ${grant.creator} as its creator` };
  return recovered === expected
    ? { ok: true, recovered, message: `granted by the twin's owner ${expected}` }
    : { ok: false, recovered, message: `granted by ${recovered}, but the twin's owner is ${expected}` };
}
