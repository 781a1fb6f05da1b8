// The ledger calls' schemas: licence files passed as text or parsed JSON, hashes and network ids checked, bigints as
// decimal strings in what comes back; malformed inputs refused; test process.
import { describe, expect, it } from 'vitest';
import { calls } from '../../../main/contract/calls.js';

const TWIN = 'twin_0123456789ab';
const HASH = `0x${'ab'.repeat(32)}`;
const ADDRESS = '0x8ba1f109551bD432803012645Ac136ddd64DBA72';
const DIGEST = `sha256:${'0'.repeat(64)}`;

const accepts = (name: keyof typeof calls, input: unknown) => calls[name].input.safeParse(input).success;
const answers = (name: keyof typeof calls, output: unknown) => calls[name].output.safeParse(output).success;

const RECEIPT = { schema: 'likeness.receipt/v1', twin: DIGEST, licence: 'owner', output: DIGEST, purpose: 'personal', language: 'en', time: '2026-03-01T10:00:00.000Z', renderer: ADDRESS };

describe('ledger call schemas', () => {
  it('defines every ledger call', () => {
    expect(Object.keys(calls).filter((name) => name.startsWith('ledger.')).sort()).toEqual(
      ['ledger.licences', 'ledger.evaluate', 'ledger.grant', 'ledger.revoke', 'ledger.receipts', 'ledger.anchor', 'ledger.prove', 'ledger.verifyProof', 'ledger.approve', 'ledger.request', 'ledger.pay', 'ledger.hold'].sort(),
    );
  });

  it('accepts files as text or parsed JSON and refuses anything else', () => {
    expect(accepts('ledger.evaluate', { twinId: TWIN, request: '{"schema":"likeness.licence-request/v1"}' })).toBe(true);
    expect(accepts('ledger.evaluate', { twinId: TWIN, request: { schema: 'likeness.licence-request/v1' } })).toBe(true);
    expect(accepts('ledger.evaluate', { twinId: TWIN, request: '' })).toBe(false);
    expect(accepts('ledger.evaluate', { twinId: TWIN, request: 42 })).toBe(false);
    expect(accepts('ledger.evaluate', { twinId: 'twin_x', request: '{}' })).toBe(false);
    expect(accepts('ledger.grant', { licenseHash: HASH, networkId: 'local', approvals: ['{}', { a: 1 }] })).toBe(true);
    expect(accepts('ledger.grant', { licenseHash: HASH, networkId: 'local' })).toBe(true);
    expect(accepts('ledger.verifyProof', { proof: '{}' })).toBe(true);
    expect(accepts('ledger.approve', { request: '{}', networkId: 'local' })).toBe(true);
    expect(accepts('ledger.approve', { request: { a: 1 }, networkId: 'local', twinTokenId: '42', epoch: 3 })).toBe(true);
  });

  it('refuses malformed hashes, network ids and unknown fields', () => {
    expect(accepts('ledger.grant', { licenseHash: '0x12', networkId: 'local' })).toBe(false);
    expect(accepts('ledger.revoke', { licenseHash: HASH, networkId: 'Not A Network' })).toBe(false);
    expect(accepts('ledger.prove', { receiptId: HASH, extra: true })).toBe(false);
    expect(accepts('ledger.anchor', { twinId: TWIN })).toBe(false);
    expect(accepts('ledger.approve', { request: '{}', networkId: 'local', twinTokenId: '0x2a' })).toBe(false);
    expect(accepts('ledger.approve', { request: '{}', networkId: 'local', epoch: -1 })).toBe(false);
    expect(accepts('ledger.approve', { request: '{}', networkId: 'local', epoch: 1.5 })).toBe(false);
    expect(accepts('ledger.approve', { request: '{}' })).toBe(false);
    expect(accepts('ledger.pay', { request: '{}', networkId: 'local', maxFeeWei: '0.05' })).toBe(false);
    expect(accepts('ledger.hold', { licence: '{}', twinId: 'twin_x' })).toBe(false);
    expect(accepts('ledger.licences', {})).toBe(true);
    expect(accepts('ledger.receipts', { twinId: TWIN })).toBe(true);
  });

  it("checks a licensee's request, payment and licence to keep", () => {
    const fields = { twin: DIGEST, purpose: 'education', languages: ['en'], term: { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' }, maxRenders: 5 };
    expect(accepts('ledger.request', fields)).toBe(true);
    expect(accepts('ledger.request', { ...fields, networkId: 'sepolia' })).toBe(true);
    expect(accepts('ledger.request', { ...fields, term: { from: fields.term.to, to: fields.term.from } })).toBe(false);
    expect(accepts('ledger.request', { ...fields, languages: [] })).toBe(false);
    expect(accepts('ledger.request', { ...fields, maxRenders: 0 })).toBe(false);
    expect(accepts('ledger.request', { ...fields, purpose: 'spying' })).toBe(false);
    expect(accepts('ledger.request', { ...fields, licensee: ADDRESS })).toBe(false);
    expect(accepts('ledger.pay', { request: { a: 1 }, networkId: 'local', maxFeeWei: '10000000000000000' })).toBe(true);
    expect(accepts('ledger.pay', { request: '{}', networkId: 'local' })).toBe(true);
    expect(accepts('ledger.hold', { licence: '{}', twinId: TWIN })).toBe(true);
    expect(answers('ledger.pay', { outboxId: null, feeWei: '0', message: 'free' })).toBe(true);
    expect(answers('ledger.pay', { outboxId: 'out_1', feeWei: 10n, message: 'queued' })).toBe(false);
  });

  it('answers token ids as decimal strings only', () => {
    const proof = {
      schema: 'likeness.receipt-proof/v1',
      chainId: 31337,
      registry: ADDRESS,
      tokenId: '94203598223456723485702398457029834750293847502938475029384750293847502938475',
      batch: { count: 2, fromTime: RECEIPT.time, toTime: RECEIPT.time },
      receipt: RECEIPT,
      signature: `0x${'11'.repeat(65)}`,
      receiptId: HASH,
      leaf: HASH,
      root: HASH,
      proof: [HASH],
    };
    expect(answers('ledger.prove', proof)).toBe(true);
    expect(answers('ledger.prove', { ...proof, tokenId: 94203598223456 })).toBe(false);
    expect(answers('ledger.receipts', [{ id: HASH, twinId: TWIN, manifestDigest: DIGEST, time: RECEIPT.time, batchRoot: null, signed: { receipt: RECEIPT, signature: '0x' } }])).toBe(true);
  });
});
