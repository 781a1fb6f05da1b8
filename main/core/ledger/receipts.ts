// Usage receipts: one per render, signed by the renderer's key, identified by their canonical hash, and proved part of an anchored Merkle batch (pure; main process, render workers and CLI).
import { type TypedDataField, ZeroHash, getAddress } from 'ethers';
import { z } from 'zod';
import { LIKENESS_DOMAIN, type SignatureCheck, SignatureError, digestToBytes32 } from '../twin/identity/eip712.js';
import { type AddressedSigner, LedgerFileError, documentHash, expecting, ledgerFields, parseLedgerFile, recoverTypedSigner } from './licences.js';
import type { Purpose } from '../twin/rules/schema.js';
import { type MerkleTree, receiptLeaf, verifyProof } from './merkle.js';

export const RECEIPT_SCHEMA = 'likeness.receipt/v1';
export const RECEIPT_PROOF_SCHEMA = 'likeness.receipt-proof/v1';

export interface UsageReceipt {
  schema: typeof RECEIPT_SCHEMA;
  /** Manifest digest of the twin, sha256:…. */
  twin: string;
  /** The licence hash (0x, 32 bytes) the render was made under, or 'owner' for the owner's own use. */
  licence: string;
  /** sha256:… of the rendered file. */
  output: string;
  purpose: Purpose;
  language: string;
  time: string;
  /** Address of the key that renders and signs. */
  renderer: string;
}

export interface SignedReceipt {
  receipt: UsageReceipt;
  signature: string;
}

export interface ReceiptBatch {
  count: number;
  /** Times of the batch's first and last receipts. */
  fromTime: string;
  toTime: string;
}

/** Where a receipt's batch root is anchored: the registry checks the root against this token. */
export interface ReceiptAnchor {
  chainId: number;
  registry: string;
  tokenId: string;
  batch: ReceiptBatch;
}

export interface ReceiptProof extends ReceiptAnchor {
  schema: typeof RECEIPT_PROOF_SCHEMA;
  receipt: UsageReceipt;
  signature: string;
  receiptId: string;
  leaf: string;
  root: string;
  proof: string[];
}

const RECEIPT_TYPES: Record<string, TypedDataField[]> = {
  UsageReceipt: [
    { name: 'twin', type: 'bytes32' },
    { name: 'licence', type: 'bytes32' },
    { name: 'output', type: 'bytes32' },
    { name: 'purpose', type: 'string' },
    { name: 'language', type: 'string' },
    { name: 'time', type: 'string' },
    { name: 'renderer', type: 'address' },
  ],
};

const LICENCE_FORMAT = 'a licence hash (0x and 64 lowercase hex digits) or "owner"';
// A batch of 2^64 receipts would still need only 64 siblings.
const MAX_PROOF_LENGTH = 64;

const receiptSchema = z.strictObject(
  {
    schema: z.literal(RECEIPT_SCHEMA, { error: expecting(`"${RECEIPT_SCHEMA}"`) }),
    twin: ledgerFields.digest,
    licence: z
      .string({ error: expecting(LICENCE_FORMAT) })
      .refine((licence) => licence === 'owner' || /^0x[0-9a-f]{64}$/.test(licence), { error: expecting(LICENCE_FORMAT) }),
    output: ledgerFields.digest,
    purpose: ledgerFields.purpose,
    language: ledgerFields.language,
    time: ledgerFields.time,
    renderer: ledgerFields.address,
  },
  { error: expecting('a receipt object') },
);

const signedReceiptSchema = z.strictObject({ receipt: receiptSchema, signature: ledgerFields.signature }, { error: expecting('an object with receipt and signature') });

const receiptProofSchema = z.strictObject(
  {
    schema: z.literal(RECEIPT_PROOF_SCHEMA, { error: expecting(`"${RECEIPT_PROOF_SCHEMA}"`) }),
    receipt: receiptSchema,
    signature: ledgerFields.signature,
    receiptId: ledgerFields.bytes32,
    leaf: ledgerFields.bytes32,
    root: ledgerFields.bytes32,
    proof: z.array(ledgerFields.bytes32, { error: expecting('a list of sibling hashes') }).max(MAX_PROOF_LENGTH, { error: `a proof has at most ${MAX_PROOF_LENGTH} siblings` }),
    chainId: ledgerFields.chainId,
    registry: ledgerFields.address,
    tokenId: ledgerFields.uint256,
    batch: z.strictObject(
      { count: z.int({ error: expecting('a whole number of receipts') }).positive({ error: 'a batch holds at least one receipt' }), fromTime: ledgerFields.time, toTime: ledgerFields.time },
      { error: expecting('the batch as an object with count, fromTime and toTime') },
    ),
  },
  { error: expecting('a receipt proof object') },
);

function typedValue(receipt: UsageReceipt) {
  return {
    twin: digestToBytes32(receipt.twin),
    licence: receipt.licence === 'owner' ? ZeroHash : receipt.licence,
    output: digestToBytes32(receipt.output),
    purpose: receipt.purpose,
    language: receipt.language,
    time: receipt.time,
    renderer: receipt.renderer,
  };
}

/** keccak256 of the receipt's canonical JSON, 0x hex: what the Merkle leaf commits to. */
export function receiptId(receipt: UsageReceipt): string {
  return documentHash(receipt);
}

export const RECEIPT_MARK_SCHEMA = 'likeness.receipt-mark/v1';

/**
 * The 64-bit mark a render's audio watermark carries (16 hex digits): the first 8 bytes of the hash of every field of
 * its receipt but the output digest. The watermark is written into the output before the output's digest exists, so
 * it cannot carry the receipt id itself; anyone holding the receipt can still check that the mark is its own.
 */
export function receiptMark(receipt: Omit<UsageReceipt, 'output'>): string {
  const { twin, licence, purpose, language, time, renderer } = receipt;
  return documentHash({ schema: RECEIPT_MARK_SCHEMA, twin, licence, purpose, language, time, renderer }).slice(2, 18);
}

/** Signs with the renderer's key; a receipt naming another renderer is refused, since it could never verify. */
export async function signReceipt(signer: AddressedSigner, receipt: UsageReceipt): Promise<SignedReceipt> {
  const checked = parseLedgerFile(receiptSchema, receipt, 'receipt');
  const address = getAddress(await signer.getAddress());
  if (address !== checked.renderer) throw new LedgerFileError('receipt', [{ path: 'renderer', message: `the receipt names ${checked.renderer} as renderer, but the signing key is ${address}` }]);
  return { receipt: checked, signature: await signer.signTypedData(LIKENESS_DOMAIN, RECEIPT_TYPES, typedValue(checked)) };
}

/** Whether the receipt was signed by the renderer it names; a verdict, since receipts are checked by people who did not make them. */
export function verifyReceiptSignature(signed: SignedReceipt): SignatureCheck {
  let recovered: string;
  try {
    recovered = recoverTypedSigner(LIKENESS_DOMAIN, RECEIPT_TYPES, typedValue(signed.receipt), signed.signature);
  } catch (error) {
    if (error instanceof SignatureError) return { ok: false, message: error.message };
    throw error;
  }
  return recovered === signed.receipt.renderer
    ? { ok: true, recovered, message: `signed by the renderer ${recovered}` }
    : { ok: false, recovered, message: `signed by ${recovered}, but the receipt names ${signed.receipt.renderer} as renderer` };
}

export function parseSignedReceipt(json: unknown): SignedReceipt {
  return parseLedgerFile(signedReceiptSchema, json, 'signed receipt');
}

/** The proof file for one receipt of a batch whose root is anchored at `anchor`; throws MerkleError when the receipt is not in `tree`. */
export function makeProof(signed: SignedReceipt, tree: MerkleTree, anchor: ReceiptAnchor): ReceiptProof {
  const id = receiptId(signed.receipt);
  const leaf = receiptLeaf(id);
  const proof: ReceiptProof = {
    schema: RECEIPT_PROOF_SCHEMA,
    receipt: signed.receipt,
    signature: signed.signature,
    receiptId: id,
    leaf,
    root: tree.root,
    proof: tree.proof(leaf),
    chainId: anchor.chainId,
    registry: anchor.registry,
    tokenId: anchor.tokenId,
    batch: anchor.batch,
  };
  return parseLedgerFile(receiptProofSchema, proof, 'receipt proof');
}

export function parseReceiptProof(json: unknown): ReceiptProof {
  return parseLedgerFile(receiptProofSchema, json, 'receipt proof');
}

/**
 * Everything a proof file shows by itself: the renderer signed the receipt, its id and leaf are what they say,
 * the path leads to the root, the receipt falls within its batch. Whether the registry anchored that root for
 * that token is for the caller to ask the chain.
 */
export function checkReceiptProof(proof: ReceiptProof): { ok: boolean; problems: string[] } {
  const problems: string[] = [];
  const signature = verifyReceiptSignature({ receipt: proof.receipt, signature: proof.signature });
  if (!signature.ok) problems.push(`signature: ${signature.message}`);
  const id = receiptId(proof.receipt);
  if (proof.receiptId !== id) problems.push(`receiptId: the receipt hashes to ${id}, not ${proof.receiptId}`);
  const leaf = receiptLeaf(id);
  if (proof.leaf !== leaf) problems.push(`leaf: the receipt's leaf is ${leaf}, not ${proof.leaf}`);
  if (!verifyProof(proof.root, leaf, proof.proof)) problems.push(`proof: the path does not lead from the receipt's leaf to the root ${proof.root}`);
  const time = Date.parse(proof.receipt.time);
  if (time < Date.parse(proof.batch.fromTime) || time > Date.parse(proof.batch.toTime)) {
    problems.push(`batch: the receipt's time ${proof.receipt.time} is outside the batch, ${proof.batch.fromTime} to ${proof.batch.toTime}`);
  }
  return { ok: problems.length === 0, problems };
}
