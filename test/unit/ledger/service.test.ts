// The ledger service in a real studio on its own local chain: requests refused by the rules, granted by the creator or by 2 of 3 validators and approved on-chain, revoked, and receipts anchored, proved and checked with the chain up, tampered with, and with the chain down.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type BaseWallet, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryAddress } from '../../../main/core/chain/deploy.js';
import { fundOnLocalChain } from '../../../main/core/chain/embedded-chain.js';
import { publishOutbox } from '../../../main/core/chain/publish.js';
import { RegistryClient, twinTokenId } from '../../../main/core/chain/registry.js';
import { LedgerFileError, type LicenceGrant, type LicenceRequest } from '../../../main/core/ledger/licences.js';
import { receiptId, type ReceiptProof } from '../../../main/core/ledger/receipts.js';
import { LedgerService } from '../../../main/core/ledger/service.js';
import type { Studio } from '../../../main/core/studio.js';
import { openTwin } from '../../../main/core/twin/open.js';
import { defaultRules } from '../../../main/core/twin/rules/schema.js';
import { tempDir } from '../../support/tmp.js';
import { openCreatorStudio, type CreatorStudio } from '../../fixtures/stored-voice-model.js';
import { publishKillingChain } from '../../support/kill-chain.js';

const DAY = 24 * 3600 * 1000;

let studio: Studio;
let creator: CreatorStudio;
let voiceModel: string;
const licensee = Wallet.createRandom();
const validators = [Wallet.createRandom(), Wallet.createRandom(), Wallet.createRandom()];

/** The same studio's ledger acting as someone else (a licensee, a validator): only their identity differs. */
function ledgerOf(wallet: BaseWallet): LedgerService {
  return new LedgerService({ db: studio.db, twins: studio.twins, chain: studio.chain, signer: () => wallet });
}

async function publishAll(): Promise<void> {
  const result = await studio.chain.publish('local', { confirm: () => true });
  expect(result.failed.map((f) => f.error)).toEqual([]);
}

async function registry(): Promise<RegistryClient> {
  const { provider } = await studio.chain.reach('local');
  return new RegistryClient(registryAddress(), provider);
}

/** A twin sealed, minted and on the local chain; its token id. */
async function mintedTwin(name: string): Promise<{ twinId: string; digest: string; tokenId: bigint }> {
  const twin = await studio.twins.pack({ name, rules: defaultRules(), voiceModel });
  await studio.chain.mint(twin.id, 'local');
  await publishAll();
  return { twinId: twin.id, digest: twin.manifestDigest, tokenId: twinTokenId(twin.manifestDigest) };
}

function requestFor(digest: string, purpose: string): LicenceRequest {
  const now = Date.now();
  return ledgerOf(licensee).request({
    twin: digest,
    purpose,
    languages: ['en'],
    term: { from: new Date(now).toISOString(), to: new Date(now + 30 * DAY).toISOString() },
    maxRenders: 10,
    networkId: 'local',
  });
}

/** `hex` with one hex digit (after 0x) changed. */
function flipDigit(hex: string, at = 10): string {
  return `${hex.slice(0, at)}${hex[at] === '0' ? '1' : '0'}${hex.slice(at + 1)}`;
}

beforeAll(async () => {
  creator = await openCreatorStudio();
  ({ studio, voiceModel } = creator);
}, 60_000);

afterAll(async () => {
  await creator?.close();
});

describe('licences and receipts through the ledger service', { timeout: 120_000 }, () => {
  let creatorTwin: { twinId: string; digest: string; tokenId: bigint };
  let granted: LicenceGrant;
  let proof: ReceiptProof;

  it('refuses a request for a purpose the rules do not allow, naming the rule, and will not grant it', async () => {
    creatorTwin = await mintedTwin('Creator approves');
    const evaluation = await studio.ledger.evaluate(JSON.stringify(requestFor(creatorTwin.digest, 'advertising')), creatorTwin.twinId);
    expect(evaluation.allowed).toBe(false);
    expect(evaluation.violations).toEqual([expect.objectContaining({ rule: 'purpose', message: expect.stringMatching(/"advertising" is not an allowed purpose/) })]);
    expect(studio.ledger.licence(evaluation.licenseHash)?.state).toBe('refused');
    await expect(studio.ledger.grant(evaluation.licenseHash, { networkId: 'local' })).rejects.toThrow(/refused.*purpose: "advertising" is not an allowed purpose/);
  });

  it('grants an allowed request itself when the rules name no validators: the grant verifies, the licensee opens the twin, publish approves it', async () => {
    const request = requestFor(creatorTwin.digest, 'education');
    const evaluation = await studio.ledger.evaluate(request, creatorTwin.twinId);
    expect(evaluation).toMatchObject({ allowed: true, violations: [], state: 'requested' });

    const outcome = await studio.ledger.grant(evaluation.licenseHash, { networkId: 'local', twinId: creatorTwin.twinId });
    granted = outcome.grant;
    expect(outcome.envelopeRecipient).toBe(licensee.address);
    expect(studio.chain.outbox.require(outcome.outboxId)).toMatchObject({ kind: 'approve', state: 'queued', payload: { licenseHash: evaluation.licenseHash, signatures: [] } });
    expect(studio.ledger.licence(evaluation.licenseHash)?.state).toBe('granted');
    await expect(studio.ledger.grant(evaluation.licenseHash, { networkId: 'local' })).rejects.toThrow(/already granted/);

    const before = await studio.ledger.verifyGrant(JSON.stringify(granted), creatorTwin.twinId);
    expect(before).toMatchObject({ ok: true, onChain: { approved: false, revoked: false }, problems: [] });
    expect(before.signature).toMatch(/granted by the twin's owner/);

    const opened = await openTwin(studio.twins.layoutDir(creatorTwin.twinId), licensee, join(tempDir(), 'opened'));
    expect(opened.parts.map((p) => p.name)).toEqual(['voice-model', 'voice-report']);

    await publishAll();
    expect((await (await registry()).licenseStatus(creatorTwin.tokenId, evaluation.licenseHash)).approved).toBe(true);
    const after = await studio.ledger.verifyGrant(granted);
    expect(after).toMatchObject({ ok: true, onChain: { approved: true, revoked: false }, chain: { reached: true } });

    const forged = { ...granted, request: { ...granted.request, maxRenders: 1000 } };
    expect((await studio.ledger.verifyGrant(forged, creatorTwin.twinId)).problems).toEqual([expect.stringMatching(/^signature: the licence hash .* is not the hash of its request/)]);
  });

  it('with 2 of 3 validators: names malformed approval files, refuses one approval naming who is missing, grants with two, and publish approves it', async () => {
    const twin = await mintedTwin('Validators approve');
    const addresses = validators.map((v) => v.address);
    const creator = studio.identity.signer().connect((await studio.chain.reach('local')).provider);
    await new RegistryClient(registryAddress(), creator).setValidators(twin.tokenId, addresses, 2);
    await studio.twins.publishRules(twin.twinId, { ...defaultRules(), validators: { addresses, threshold: 2 } });

    const request = requestFor(twin.digest, 'personal');
    const { licenseHash } = await studio.ledger.evaluate(request, twin.twinId);
    const options = { twinTokenId: twin.tokenId.toString(), networkId: 'local' };
    const first = await ledgerOf(validators[0]!).approveAsValidator(JSON.stringify(request), options);
    const second = await ledgerOf(validators[1]!).approveAsValidator(request, options);
    expect(first).toMatchObject({ validator: validators[0]!.address, epoch: 1, licenseHash });
    await expect(ledgerOf(licensee).approveAsValidator(request, options)).rejects.toThrow(/is not one of this twin's validators/);

    const malformed = studio.ledger.grant(licenseHash, { networkId: 'local', approvals: [{ ...first, signature: '0x1234', epoch: -1, extra: true }, 'not json'] });
    await expect(malformed).rejects.toBeInstanceOf(LedgerFileError);
    const issues = await malformed.catch((error: LedgerFileError) => (error.issues ?? []).map((i) => i.path));
    expect(issues).toEqual(expect.arrayContaining(['approval 1: signature', 'approval 1: epoch', 'approval 1: extra', 'approval 2: (file)']));
    expect(studio.ledger.licence(licenseHash)?.state).toBe('requested');

    const one = studio.ledger.grant(licenseHash, { networkId: 'local', approvals: [JSON.stringify(first)] });
    await expect(one).rejects.toThrow(`1 of 2 approvals; need 1 more from ${validators[1]!.address}, ${validators[2]!.address}`);
    expect(studio.chain.outbox.list({ twinId: twin.twinId }).filter((item) => item.kind === 'approve')).toEqual([]);

    const outcome = await studio.ledger.grant(licenseHash, { networkId: 'local', approvals: [first, second] });
    expect(outcome.approvedBy).toEqual([validators[0]!.address, validators[1]!.address]);
    expect(studio.chain.outbox.require(outcome.outboxId).payload).toMatchObject({ signatures: [first.signature, second.signature] });
    await publishAll();
    const status = await (await registry()).licenseStatus(twin.tokenId, licenseHash);
    expect(status).toMatchObject({ approved: true, approvals: 2 });
  });

  it('a paid licence: not granted before the licensee pays, never above what they offered, granted once the fee is in escrow, paid to the creator', async () => {
    const rules = { ...defaultRules(), licenceFee: { amountWei: '1000', currency: 'ETH' as const } };
    const packed = await studio.twins.pack({ name: 'Paid', rules, voiceModel });
    await studio.chain.mint(packed.id, 'local');
    await publishAll();
    const tokenId = twinTokenId(packed.manifestDigest);
    const request = requestFor(packed.manifestDigest, 'personal');
    const { licenseHash, allowed } = await studio.ledger.evaluate(request, packed.id);
    expect(allowed).toBe(true);

    await expect(studio.ledger.grant(licenseHash, { networkId: 'local' })).rejects.toThrow(
      'The licensee has not paid the licence fee of 0.000000000000001 ETH on Local chain (private) yet: they pay it with `likeness license pay`; nothing was granted.',
    );
    expect(studio.ledger.licence(licenseHash)?.state).toBe('requested');
    expect(studio.chain.outbox.list({ twinId: packed.id }).filter((item) => item.kind === 'approve')).toEqual([]);

    const payer = ledgerOf(licensee);
    await expect(payer.payFee(request, 'local', { maxFeeWei: 999n })).rejects.toThrow('The registry asks 0.000000000000001 ETH for a licence of this twin, more than the 0.000000000000000999 ETH you offered; nothing was queued.');
    await expect(studio.ledger.payFee(request, 'local')).rejects.toThrow(/only its licensee pays its fee/);
    expect(studio.chain.outbox.pending(31337)).toEqual([]);
    const paid = await payer.payFee(JSON.stringify(request), 'local', { maxFeeWei: 1000n });
    expect(paid).toMatchObject({ feeWei: '1000', outboxId: expect.stringMatching(/^out_/) });
    expect((await payer.payFee(request, 'local')).outboxId).toBe(paid.outboxId);

    // The licensee's own studio sends it with their wallet: here, the same outbox published as them.
    const { provider, chain } = await studio.chain.reach('local');
    await fundOnLocalChain(chain!, licensee.address, 10n ** 18n);
    let shown: string[] = [];
    await publishOutbox(studio.chain.outbox, 31337, await registry(), licensee, provider, {
      confirm: (plan) => {
        shown = plan.map((p) => p.description);
        return true;
      },
    });
    expect(shown).toEqual([`Pay the licence fee of 0.000000000000001 ETH into escrow for licence ${licenseHash.slice(0, 10)}…`]);
    expect(await (await registry()).licenseStatus(tokenId, licenseHash)).toMatchObject({ requested: true, escrow: 1000n, licensee: licensee.address });
    expect(await payer.payFee(request, 'local')).toMatchObject({ outboxId: null, message: 'The fee is already paid: 0.000000000000001 ETH is in escrow.' });

    const { outboxId } = await studio.ledger.grant(licenseHash, { networkId: 'local' });
    const before = await provider.getBalance(packed.owner);
    await publishAll();
    const status = await (await registry()).licenseStatus(tokenId, licenseHash);
    expect(status).toMatchObject({ approved: true, escrow: 0n });
    const approval = (await provider.getTransactionReceipt(studio.chain.outbox.require(outboxId).txHash!))!;
    expect((await provider.getBalance(packed.owner)) - before).toBe(1000n - approval.fee);
  });

  it('revokes: the registry shows it after publish, with a plain reminder of what revocation cannot do', async () => {
    const revoked = await studio.ledger.revoke(granted.licenseHash, 'local');
    expect(revoked.reminder).toMatch(/likeness twin rotate .* --revoke/);
    expect(revoked.reminder).toMatch(/kept decrypted data, or under-reports renders, cannot be stopped/);
    await expect(studio.ledger.revoke(granted.licenseHash, 'local')).rejects.toThrow(/already revoked/);
    await expect(studio.ledger.grant(granted.licenseHash, { networkId: 'local' })).rejects.toThrow(/was revoked/);
    await publishAll();
    expect((await (await registry()).licenseStatus(creatorTwin.tokenId, granted.licenseHash)).revoked).toBe(true);
    const verdict = await studio.ledger.verifyGrant(granted, creatorTwin.twinId);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toContain('chain: the licence is revoked on Local chain (private)');
  });

  it('issues receipts for rendered files, anchors them, and proves one against the chain', async () => {
    const dir = tempDir();
    const issued = [];
    for (const n of [1, 2, 3]) {
      const file = join(dir, `render-${n}.mp4`);
      writeFileSync(file, randomBytes(10_000 * n));
      issued.push(await studio.ledger.issue({ twinId: creatorTwin.twinId, outputPath: file, purpose: 'education', language: 'en' }));
    }
    expect(issued[0]!.receipt).toMatchObject({ twin: creatorTwin.digest, licence: 'owner', renderer: studio.identity.signer().address });
    await expect(studio.ledger.issue({ twinId: creatorTwin.twinId, outputPath: join(dir, 'render-1.mp4'), purpose: 'education', language: 'en', licenseHash: granted.licenseHash })).rejects.toThrow(
      /is revoked, not granted; no render/,
    );
    const waiting = studio.ledger.listReceipts({ twinId: creatorTwin.twinId, unanchored: true });
    expect(waiting).toHaveLength(3);

    const anchored = await studio.ledger.anchor(creatorTwin.twinId, 'local');
    expect(anchored.count).toBe(3);
    expect(studio.ledger.listReceipts({ twinId: creatorTwin.twinId, unanchored: true })).toEqual([]);
    await expect(studio.ledger.anchor(creatorTwin.twinId, 'local')).rejects.toThrow(/no receipts waiting/);
    await publishAll();

    proof = await studio.ledger.prove(waiting[1]!.id);
    expect(proof).toMatchObject({ root: anchored.root, receiptId: waiting[1]!.id, tokenId: creatorTwin.tokenId.toString(), batch: { count: 3 } });
    const verdict = await studio.ledger.verifyProof(JSON.stringify(proof));
    expect(verdict).toMatchObject({ ok: true, problems: [], chain: { reached: true }, onChain: { accepted: true, tokenId: creatorTwin.tokenId.toString() } });
  });

  it('refuses a proof whose root or path was tampered with, naming the problem', async () => {
    const badRoot = await studio.ledger.verifyProof({ ...proof, root: flipDigit(proof.root) });
    expect(badRoot.ok).toBe(false);
    expect(badRoot.problems).toEqual([expect.stringMatching(/^proof: the path does not lead/), expect.stringMatching(/^root: .* is not anchored on Local chain/)]);
    const badNode = await studio.ledger.verifyProof({ ...proof, proof: [flipDigit(proof.proof[0]!), ...proof.proof.slice(1)] });
    expect(badNode.ok).toBe(false);
    expect(badNode.problems).toEqual([expect.stringMatching(/^proof: the path does not lead from the receipt's leaf to the root/)]);
  });

  it('loses no approval or anchor and records each once when anvil is killed with SIGKILL mid-publish', async () => {
    const { licenseHash } = await studio.ledger.evaluate(requestFor(creatorTwin.digest, 'education'), creatorTwin.twinId);
    const approval = await studio.ledger.grant(licenseHash, { networkId: 'local' });
    const file = join(tempDir(), 'killed-render.mp4');
    writeFileSync(file, randomBytes(5_000));
    const receipt = await studio.ledger.issue({ twinId: creatorTwin.twinId, outputPath: file, purpose: 'education', language: 'en', licenseHash });
    const anchored = await studio.ledger.anchor(creatorTwin.twinId, 'local');
    await publishKillingChain(studio);
    expect(studio.chain.outbox.require(approval.outboxId).state).toBe('sent');
    expect(studio.chain.outbox.require(anchored.outboxId).state).toBe('queued');

    const resumed = await studio.chain.publish('local', { confirm: () => true });
    expect([...resumed.sent, ...resumed.settled].map((item) => item.id).sort()).toEqual([approval.outboxId, anchored.outboxId].sort());
    expect(resumed.failed).toEqual([]);
    const onChain = await registry();
    const approvals = await onChain.contract.queryFilter(onChain.contract.filters.LicenseApproved!(creatorTwin.tokenId, licenseHash), 0);
    const anchors = await onChain.contract.queryFilter(onChain.contract.filters.ReceiptsAnchored!(creatorTwin.tokenId, anchored.root), 0);
    expect([approvals.length, anchors.length]).toEqual([1, 1]);
    expect(studio.ledger.licence(licenseHash)?.state).toBe('granted');
    const verdict = await studio.ledger.verifyProof(await studio.ledger.prove(receiptId(receipt.receipt)));
    expect(verdict).toMatchObject({ ok: true, onChain: { accepted: true } });
  });

  it('with the chain down, runs the offline checks only and says so plainly', async () => {
    await studio.chain.close();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    studio.chain.saveNetwork({ id: 'down', name: 'Down', rpcUrl: `http://127.0.0.1:${port}`, chainId: 31337 });

    const verdict = await studio.ledger.verifyProof(proof, 'down');
    expect(verdict).toMatchObject({ ok: true, onChain: null, problems: [], chain: { reached: false } });
    expect(verdict.chain.message).toMatch(/could not be reached .*: only the offline checks ran .* NOT checked/);
    const tampered = await studio.ledger.verifyProof({ ...proof, root: flipDigit(proof.root) }, 'down');
    expect(tampered.ok).toBe(false);
    expect(tampered.chain.reached).toBe(false);

    // A paid licence is never granted on trust: with the chain down its fee cannot be checked, so nothing is granted or queued.
    const paidTwin = await studio.twins.pack({ name: 'Paid, chain down', rules: { ...defaultRules(), licenceFee: { amountWei: '1000', currency: 'ETH' } }, voiceModel });
    const { licenseHash } = await studio.ledger.evaluate(requestFor(paidTwin.manifestDigest, 'personal'), paidTwin.id);
    await expect(studio.ledger.grant(licenseHash, { networkId: 'down' })).rejects.toThrow(/^The rules ask a licence fee of 0.000000000000001 ETH, and whether it was paid could not be checked on down \(.+\); nothing was granted\.$/);
    expect(studio.ledger.licence(licenseHash)?.state).toBe('requested');
    expect(studio.chain.outbox.list({ twinId: paidTwin.id })).toEqual([]);
  });
});
