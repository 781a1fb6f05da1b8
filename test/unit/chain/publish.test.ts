// Minting offline and publishing later on the studio's own local chain: a voucher queued with no chain running, the
// gas shown before anything is sent, exactly one token per voucher even when anvil is killed mid-publish.
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryAddress } from '../../../main/core/chain/deploy.js';
import { RegistryClient, twinTokenId } from '../../../main/core/chain/registry.js';
import type { Studio } from '../../../main/core/studio.js';
import { defaultRules } from '../../../main/core/twin/rules/schema.js';
import { openCreatorStudio, type CreatorStudio } from '../../fixtures/stored-voice-model.js';
import { publishKillingChain } from '../../support/kill-chain.js';


let studio: Studio;
let creator: CreatorStudio;
let voiceModel: string;

async function sealTwin(name: string): Promise<string> {
  return (await studio.twins.pack({ name, rules: defaultRules(), voiceModel })).id;
}

/** How many TwinMinted events the registry emitted for this token: the one true count of mints. */
async function mintsOf(tokenId: bigint): Promise<number> {
  const { provider } = await studio.chain.reach('local');
  const registry = new RegistryClient(registryAddress(), provider);
  const logs = await registry.contract.queryFilter(registry.contract.filters.TwinMinted!(tokenId), 0);
  return logs.length;
}

beforeAll(async () => {
  creator = await openCreatorStudio();
  ({ studio, voiceModel } = creator);
}, 60_000);

afterAll(async () => {
  await creator?.close();
});

describe('mint and publish', () => {
  it('signs and queues a voucher with no chain running, shows the gas before sending, and mints once', async () => {
    const twinId = await sealTwin('Offline');
    const item = await studio.chain.mint(twinId, 'local');
    expect(item).toMatchObject({ kind: 'redeem', state: 'queued', chainId: 31337, registry: registryAddress() });
    expect((await studio.chain.mint(twinId, 'local')).id).toBe(item.id);

    let shown: { description: string; gas: bigint }[] = [];
    const declined = await studio.chain.publish('local', {
      confirm: (plan) => {
        shown = plan.map((p) => ({ description: p.description, gas: p.gas }));
        return false;
      },
    });
    expect(declined.confirmed).toBe(false);
    expect(shown).toHaveLength(1);
    expect(shown[0]!.gas).toBeGreaterThan(100_000n);
    expect(shown[0]!.gas).toBeLessThanOrEqual(250_000n);
    expect(studio.chain.outbox.require(item.id).state).toBe('queued');

    const published = await studio.chain.publish('local', { confirm: () => true });
    expect(published.sent.map((s) => s.id)).toEqual([item.id]);
    expect(studio.chain.outbox.require(item.id).state).toBe('done');
    const twin = await studio.twins.inspect(twinId);
    const { provider } = await studio.chain.reach('local');
    const onChain = await new RegistryClient(registryAddress(), provider).twin(twinTokenId(twin.manifestDigest));
    expect(onChain.creator).toBe(twin.owner);
    expect(onChain.rulesDigest).toBe(`0x${twin.rulesDigest.slice(7)}`);

    const again = await studio.chain.publish('local', { confirm: () => true });
    expect(again.sent).toEqual([]);
    expect(await mintsOf(twinTokenId(twin.manifestDigest))).toBe(1);
  });

  it("sends the rules' validators and licence fee right after the mint, in the same confirmed publish, and never twice", async () => {
    const validators = [Wallet.createRandom().address, Wallet.createRandom().address, Wallet.createRandom().address];
    const rules = { ...defaultRules(), validators: { addresses: validators, threshold: 2 }, licenceFee: { amountWei: '1000', currency: 'ETH' as const } };
    const twinId = (await studio.twins.pack({ name: 'Validated', rules, voiceModel })).id;
    const redeem = await studio.chain.mint(twinId, 'local');
    const queued = studio.chain.outbox.list({ twinId }).map((item) => item.kind).sort();
    expect(queued).toEqual(['fee', 'redeem', 'validators']);
    let shown: string[] = [];
    const published = await studio.chain.publish('local', {
      confirm: (plan) => {
        shown = plan.map((p) => p.description);
        return true;
      },
    });
    expect(shown).toEqual([expect.stringMatching(/^Mint twin/), 'Name 3 validator(s), 2 of whom must approve a licence', 'Set the licence fee to 1000 wei']);
    expect(published.failed).toEqual([]);
    expect(published.sent).toHaveLength(3);
    expect(studio.chain.outbox.require(redeem.id).state).toBe('done');
    const tokenId = twinTokenId((await studio.twins.inspect(twinId)).manifestDigest);
    const { provider } = await studio.chain.reach('local');
    const registry = new RegistryClient(registryAddress(), provider);
    expect(await registry.validators(tokenId)).toMatchObject({ validators, threshold: 2, epoch: 1n });
    expect(await registry.licenseFee(tokenId)).toBe(1000n);
    const again = await studio.chain.publish('local', { confirm: () => true });
    expect(again.sent).toEqual([]);
    expect((await registry.validators(tokenId)).epoch).toBe(1n);
  });

  it('queues a later rules version (digest, validators, fee) where the twin is minted; the newest replaces an unsent one; settled, never sent twice', async () => {
    const twinId = await sealTwin('Republished');
    const unminted = await sealTwin('Never minted');
    await studio.chain.mint(twinId, 'local');
    await studio.chain.publish('local', { confirm: () => true });
    const tokenId = twinTokenId((await studio.twins.inspect(twinId)).manifestDigest);
    expect((await studio.chain.publishRules(unminted, { ...defaultRules(), purposes: ['personal'] })).queuedOn).toEqual([]);
    expect(studio.chain.outbox.list({ twinId: unminted })).toEqual([]);

    const validators = [Wallet.createRandom().address, Wallet.createRandom().address];
    const first = await studio.chain.publishRules(twinId, { ...defaultRules(), purposes: ['personal'], licenceFee: { amountWei: '500', currency: 'ETH' as const } });
    expect(first).toMatchObject({ version: 2, queuedOn: [31337] });
    const second = await studio.chain.publishRules(twinId, { ...defaultRules(), validators: { addresses: validators, threshold: 1 }, licenceFee: { amountWei: '700', currency: 'ETH' as const } });
    expect(second.version).toBe(3);
    const waiting = studio.chain.outbox.pending(31337).filter((item) => item.twinId === twinId);
    expect(waiting.map((item) => item.kind)).toEqual(['rules', 'validators', 'fee']);
    expect(waiting[0]!.payload).toEqual({ tokenId: tokenId.toString(), rulesDigest: `0x${second.rulesDigest.slice(7)}` });

    let shown: string[] = [];
    const published = await studio.chain.publish('local', {
      confirm: (plan) => {
        shown = plan.map((p) => p.description);
        return true;
      },
    });
    expect(shown).toEqual([`Update the twin's rules digest to 0x${second.rulesDigest.slice(7, 15)}…`, 'Name 2 validator(s), 1 of whom must approve a licence', 'Set the licence fee to 700 wei']);
    expect(published.failed).toEqual([]);
    const { provider } = await studio.chain.reach('local');
    const registry = new RegistryClient(registryAddress(), provider);
    expect(await registry.twin(tokenId)).toMatchObject({ rulesDigest: `0x${second.rulesDigest.slice(7)}`, rulesVersion: 2n });
    expect(await registry.validators(tokenId)).toMatchObject({ validators, threshold: 1, epoch: 1n });
    expect(await registry.licenseFee(tokenId)).toBe(700n);

    // Publishing the same settings again changes the digest only: the validators and fee already on the chain are settled, not sent.
    const third = await studio.chain.publishRules(twinId, { ...defaultRules(), validators: { addresses: validators, threshold: 1 }, licenceFee: { amountWei: '700', currency: 'ETH' as const }, purposes: ['education'] });
    const again = await studio.chain.publish('local', { confirm: () => true });
    expect(again.sent.map((item) => item.kind)).toEqual(['rules']);
    expect(again.settled.map((item) => item.kind).sort()).toEqual(['fee', 'validators']);
    expect((await registry.twin(tokenId)).rulesDigest).toBe(`0x${third.rulesDigest.slice(7)}`);
    expect((await registry.validators(tokenId)).epoch).toBe(1n);
  });

  it('a rules version published while the mint still waits goes out right after it, with its gas bounded, and the chain ends on the newest rules', async () => {
    const twinId = await sealTwin('Republished offline');
    const redeem = await studio.chain.mint(twinId, 'local');
    const newer = await studio.chain.publishRules(twinId, { ...defaultRules(), purposes: ['education'] });
    let plan: { kind: string; gas: bigint }[] = [];
    const published = await studio.chain.publish('local', {
      confirm: (shown) => {
        plan = shown.map((p) => ({ kind: p.item.kind, gas: p.gas }));
        return true;
      },
    });
    expect(plan.map((p) => p.kind)).toEqual(['redeem', 'rules']);
    expect(published.failed).toEqual([]);
    expect(studio.chain.outbox.require(redeem.id).state).toBe('done');
    const { provider } = await studio.chain.reach('local');
    const tokenId = twinTokenId((await studio.twins.inspect(twinId)).manifestDigest);
    expect((await new RegistryClient(registryAddress(), provider).twin(tokenId)).rulesDigest).toBe(`0x${newer.rulesDigest.slice(7)}`);
    const rulesItem = published.sent.find((item) => item.kind === 'rules')!;
    const used = (await provider.getTransactionReceipt(rulesItem.txHash!))!.gasUsed;
    expect(used).toBeLessThanOrEqual(plan.find((p) => p.kind === 'rules')!.gas);
  });

  it('loses nothing and mints once when anvil is killed with SIGKILL right after the transaction is sent', async () => {
    const twinId = await sealTwin('Killed');
    const item = await studio.chain.mint(twinId, 'local');
    await publishKillingChain(studio);
    expect(studio.chain.outbox.require(item.id).state).toBe('sent');

    const resumed = await studio.chain.publish('local', { confirm: () => true });
    expect([...resumed.sent, ...resumed.settled].map((s) => s.id)).toContain(item.id);
    expect(studio.chain.outbox.require(item.id).state).toBe('done');
    const twin = await studio.twins.inspect(twinId);
    expect(await mintsOf(twinTokenId(twin.manifestDigest))).toBe(1);
  });

  it('refuses to mint a twin that is not there, and names a network it does not know', async () => {
    await expect(studio.chain.mint('twin_000000000000', 'local')).rejects.toThrow(/No twin twin_000000000000/);
    const twinId = await sealTwin('Elsewhere');
    await expect(studio.chain.mint(twinId, 'sepolia')).rejects.toThrow(/No network "sepolia"/);
  });
});
