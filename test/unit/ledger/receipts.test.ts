// Usage receipts as their checkers meet them: signed by the renderer, tampering caught, ids recomputed, proof files round-tripped through JSON and checked against their batch root.
import { TypedDataEncoder, Wallet, ZeroHash, keccak256, toUtf8Bytes, verifyTypedData } from 'ethers';
import { describe, expect, it } from 'vitest';
import { MerkleError, buildTree, receiptLeaf } from '../../../main/core/ledger/merkle.js';
import {
  type ReceiptAnchor,
  type SignedReceipt,
  type UsageReceipt,
  checkReceiptProof,
  makeProof,
  parseReceiptProof,
  parseSignedReceipt,
  receiptId,
  receiptMark,
  signReceipt,
  verifyReceiptSignature,
} from '../../../main/core/ledger/receipts.js';
import { canonicalJson } from '../../../main/core/twin/rules/canonical.js';
import { issuesOf } from '../../support/ledger-issues.js';

const renderer = new Wallet('0x' + '55'.repeat(32));
const other = new Wallet('0x' + '66'.repeat(32));
const LICENCE = '0x' + 'c'.repeat(64);

function receipt(overrides: Partial<UsageReceipt> = {}): UsageReceipt {
  return {
    schema: 'likeness.receipt/v1',
    twin: `sha256:${'a'.repeat(64)}`,
    licence: LICENCE,
    output: `sha256:${'b'.repeat(64)}`,
    purpose: 'education',
    language: 'pt-BR',
    time: '2026-06-02T09:30:00Z',
    renderer: renderer.address,
    ...overrides,
  };
}

const RECEIPT_TYPES = {
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


describe('usage receipts', () => {
  it("are EIP-712 signatures in the studio's chain-independent domain, with the digests as bytes32", async () => {
    const signed = await signReceipt(renderer, receipt());
    expect(TypedDataEncoder.from(RECEIPT_TYPES).encodeType('UsageReceipt')).toBe(
      'UsageReceipt(bytes32 twin,bytes32 licence,bytes32 output,string purpose,string language,string time,address renderer)',
    );
    const value = { ...receipt(), twin: '0x' + 'a'.repeat(64), output: '0x' + 'b'.repeat(64) };
    expect(verifyTypedData({ name: 'Likeness Studio', version: '1' }, RECEIPT_TYPES, value, signed.signature)).toBe(renderer.address);
    expect(verifyReceiptSignature(signed)).toEqual({ ok: true, recovered: renderer.address, message: `signed by the renderer ${renderer.address}` });
  });

  it("sign the owner's own use with a zero licence hash", async () => {
    const signed = await signReceipt(renderer, receipt({ licence: 'owner' }));
    const value = { ...receipt(), licence: ZeroHash, twin: '0x' + 'a'.repeat(64), output: '0x' + 'b'.repeat(64) };
    expect(verifyTypedData({ name: 'Likeness Studio', version: '1' }, RECEIPT_TYPES, value, signed.signature)).toBe(renderer.address);
    expect(verifyReceiptSignature(signed).ok).toBe(true);
  });

  it('fail verification once any field is changed', async () => {
    const signed = await signReceipt(renderer, receipt());
    for (const change of [{ language: 'en' }, { output: `sha256:${'d'.repeat(64)}` }, { licence: 'owner' }, { renderer: other.address }] as const) {
      const tampered: SignedReceipt = { ...signed, receipt: { ...signed.receipt, ...change } };
      expect(verifyReceiptSignature(tampered).ok, JSON.stringify(change)).toBe(false);
    }
    expect(verifyReceiptSignature({ ...signed, signature: signed.signature.slice(0, -2) })).toMatchObject({ ok: false, message: expect.stringMatching(/malformed/) });
  });

  it('are not signed with a key other than the renderer named', async () => {
    await expect(signReceipt(other, receipt())).rejects.toThrow(/names .* as renderer, but the signing key is/);
  });

  it('are identified by keccak256 of their canonical JSON', () => {
    const id = receiptId(receipt());
    expect(id).toBe(keccak256(toUtf8Bytes(canonicalJson(receipt()))));
    expect(receiptId(Object.fromEntries(Object.entries(receipt()).reverse()) as unknown as UsageReceipt)).toBe(id);
    expect(receiptId(receipt({ time: '2026-06-02T09:30:01Z' }))).not.toBe(id);
  });

  it('give a render a 64-bit mark for its watermark from every field but the output digest', () => {
    const mark = receiptMark(receipt());
    expect(mark).toMatch(/^[0-9a-f]{16}$/);
    expect(receiptMark(receipt({ output: 'sha256:' + '9'.repeat(64) }))).toBe(mark);
    expect(receiptMark(receipt({ time: '2026-06-02T09:30:01Z' }))).not.toBe(mark);
    expect(receiptMark(receipt({ licence: 'owner' }))).not.toBe(mark);
    expect(mark).not.toBe(receiptId(receipt()).slice(2, 18));
  });

  it('parse from their file text, naming each malformed field', async () => {
    const signed = await signReceipt(renderer, receipt());
    expect(parseSignedReceipt(JSON.stringify(signed))).toEqual(signed);
    const bad = { receipt: { ...receipt(), licence: 'someone', purpose: 'spam', language: 'english language', renderer: renderer.address.toLowerCase(), time: undefined, colour: 'red' }, signature: 'none' };
    expect(issuesOf(() => parseSignedReceipt(bad))).toEqual([
      'receipt.licence: expected a licence hash (0x and 64 lowercase hex digits) or "owner", not "someone"',
      'receipt.purpose: "spam" is not a purpose; choose from personal, education, commercial-video, advertising, news, entertainment, accessibility, research',
      'receipt.language: expected a BCP-47 language tag such as "en" or "pt-BR", not "english language"',
      'receipt.time: missing: expected a UTC time such as "2027-03-01T00:00:00Z"',
      `receipt.renderer: expected a checksummed (EIP-55) Ethereum address, not "${renderer.address.toLowerCase()}"`,
      'receipt.colour: "colour" is not a field of a signed receipt',
      'signature: expected a 65-byte signature: 0x and 130 hex digits, not "none"',
    ]);
  });
});

describe('receipt proofs', () => {
  const times = ['2026-06-02T09:00:00Z', '2026-06-02T09:10:00Z', '2026-06-02T09:20:00Z', '2026-06-02T09:30:00Z', '2026-06-02T09:40:00Z'];
  const anchor: ReceiptAnchor = {
    chainId: 31337,
    registry: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    tokenId: '7',
    batch: { count: times.length, fromTime: times[0]!, toTime: times.at(-1)! },
  };

  async function batch() {
    const signed = await Promise.all(times.map((time, i) => signReceipt(renderer, receipt({ time, output: `sha256:${String(i).repeat(64)}` }))));
    const tree = buildTree(signed.map((s) => receiptLeaf(receiptId(s.receipt))));
    return { signed, tree };
  }

  it('round-trip through JSON and check out for every receipt of the batch', async () => {
    const { signed, tree } = await batch();
    for (const receiptSigned of signed) {
      const proof = makeProof(receiptSigned, tree, anchor);
      expect(proof).toMatchObject({ schema: 'likeness.receipt-proof/v1', root: tree.root, receiptId: receiptId(receiptSigned.receipt), ...anchor });
      const read = parseReceiptProof(JSON.stringify(proof));
      expect(read).toEqual(proof);
      expect(checkReceiptProof(read)).toEqual({ ok: true, problems: [] });
    }
  });

  it('name what no longer holds in a tampered proof', async () => {
    const { signed, tree } = await batch();
    const proof = makeProof(signed[1]!, tree, anchor);
    const changed = checkReceiptProof({ ...proof, receipt: { ...proof.receipt, purpose: 'advertising' } });
    expect(changed.ok).toBe(false);
    expect(changed.problems.map((p) => p.split(':')[0])).toEqual(['signature', 'receiptId', 'leaf', 'proof']);
    expect(checkReceiptProof({ ...proof, root: receiptLeaf(proof.receiptId) }).problems).toEqual([expect.stringMatching(/^proof: the path does not lead/)]);
    expect(checkReceiptProof({ ...proof, proof: proof.proof.slice(1) }).ok).toBe(false);
    expect(checkReceiptProof({ ...proof, batch: { ...proof.batch, fromTime: '2026-06-02T09:15:00Z' } }).problems).toEqual([
      "batch: the receipt's time 2026-06-02T09:10:00Z is outside the batch, 2026-06-02T09:15:00Z to 2026-06-02T09:40:00Z",
    ]);
  });

  it('cannot be made for a receipt outside the tree', async () => {
    const { tree } = await batch();
    const stranger = await signReceipt(renderer, receipt({ time: '2026-06-02T09:45:00Z' }));
    expect(() => makeProof(stranger, tree, anchor)).toThrow(MerkleError);
  });

  it('parse strictly, naming each bad field', async () => {
    const { signed, tree } = await batch();
    const proof = makeProof(signed[0]!, tree, anchor);
    const bad = { ...proof, proof: ['0x12'], chainId: '31337', batch: { count: 0, fromTime: times[0], toTime: times[4] } };
    expect(issuesOf(() => parseReceiptProof(bad))).toEqual([
      'proof.0: expected a hash: 0x and 64 lowercase hex digits, not "0x12"',
      'chainId: expected a chain id, not "31337"',
      'batch.count: a batch holds at least one receipt',
    ]);
  });
});
