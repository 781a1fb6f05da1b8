// The licensee's calls through the bridge's handlers and dispatcher: a request made in the licensee's own studio,
// its fee paid against the owner's chain (free, queued at the registry's fee, refused above the most offered or with
// the chain down) and the granted licence kept for the imported twin, each refusal answered clearly; test process.
import { join } from 'node:path';
import { parseEther } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dispatcher, createDispatcher } from '../../../main/bridge/dispatch.js';
import { createHandlers } from '../../../main/bridge/handlers.js';
import { registryAddress } from '../../../main/core/chain/deploy.js';
import { twinTokenId } from '../../../main/core/chain/registry.js';
import { type LicenceRequest, defaultTwinRules } from '../../../main/contract/models.js';
import { freePort } from '../../support/registry.js';
import { tempDir } from '../../support/tmp.js';
import { type CreatorStudio, TEST_PASSPHRASE, openCreatorStudio } from '../../fixtures/stored-voice-model.js';
import { dispatchCalls } from '../../support/dispatch.js';

const DAY = 86_400_000;
const FEE = parseEther('0.01');
let owner: CreatorStudio;
let licensee: CreatorStudio;
let dispatcher: Dispatcher;
const { call, refusal } = dispatchCalls(() => dispatcher);
let me: string;
let chainId: number;
const logged: string[] = [];

/** A twin the owner sealed with this fee, minted and published on the owner's chain. */
async function ownersTwin(name: string, feeWei: bigint): Promise<{ id: string; digest: string }> {
  const { studio } = owner;
  const rules = { ...defaultTwinRules(), licenceFee: feeWei === 0n ? null : { amountWei: feeWei.toString(), currency: 'ETH' as const } };
  const twin = await studio.twins.pack({ name, rules, voiceModel: owner.voiceModel });
  await studio.chain.mint(twin.id, 'local');
  const published = await studio.chain.publish('local', { confirm: () => true });
  expect(published.failed.map((f) => f.error)).toEqual([]);
  return { id: twin.id, digest: twin.manifestDigest };
}

const fieldsFor = (digest: string, networkId?: string) => {
  const now = Date.now();
  return {
    twin: digest,
    purpose: 'education',
    languages: ['en', 'es'],
    term: { from: new Date(now - 60_000).toISOString(), to: new Date(now + 30 * DAY).toISOString() },
    maxRenders: 12,
    ...(networkId === undefined ? {} : { networkId }),
  };
};

beforeAll(async () => {
  owner = await openCreatorStudio();
  licensee = await openCreatorStudio();
  dispatcher = createDispatcher(createHandlers(licensee.studio, 'loopback'), (message) => logged.push(message));
  me = (await call('identity.status', {})).address!;
  const { network } = await owner.studio.chain.reach('local');
  chainId = network.chainId;
  await call('chain.addNetwork', { id: 'owner', name: "Owner's chain", rpcUrl: network.rpcUrl, chainId });
}, 60_000);

afterAll(async () => {
  await licensee?.close();
  await owner?.close();
});

describe("the licensee's calls through the handlers", { timeout: 120_000 }, () => {
  it('makes a request naming this identity, bound to the twin\'s token on the network named, or to no chain', async () => {
    const twin = await ownersTwin('Requested', 0n);
    const fields = fieldsFor(twin.digest, 'owner');
    const request = await call('ledger.request', fields);
    expect(request).toMatchObject({
      twin: twin.digest,
      tokenId: twinTokenId(twin.digest).toString(),
      chainId,
      registry: registryAddress(),
      licensee: me,
      licenseePublicKey: expect.stringMatching(/^0x0[23][0-9a-f]{64}$/),
      purpose: 'education',
      languages: ['en', 'es'],
      term: fields.term,
      maxRenders: 12,
    });
    expect(await call('ledger.request', fieldsFor(twin.digest))).toMatchObject({ tokenId: null, chainId: null, registry: null, licensee: me });
    // The owner's studio reads it as a request that keeps to the twin's rules.
    expect(await owner.studio.ledger.evaluate(request, twin.id)).toMatchObject({ allowed: true, state: 'requested' });
  });

  it('refuses a request that could never be granted, one for a network it does not know, and one while the identity is locked', async () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const backwards = { ...fieldsFor(digest), term: { from: new Date(Date.now() + DAY).toISOString(), to: new Date().toISOString() } };
    const invalid = await refusal('ledger.request', { ...backwards, maxRenders: 0, purpose: 'spying' });
    expect(invalid.code).toBe('invalid-input');
    expect(invalid.issues?.map((issue) => issue.path)).toEqual(expect.arrayContaining(['maxRenders', 'purpose']));
    const term = await refusal('ledger.request', backwards);
    expect(term.issues).toEqual([{ path: 'term.to', message: 'the term must end after it starts' }]);
    expect(await refusal('ledger.request', fieldsFor(digest, 'nowhere'))).toMatchObject({ code: 'not-found', message: expect.stringMatching(/^No network "nowhere"/) });

    await call('identity.lock', {});
    try {
      expect(await refusal('ledger.request', fieldsFor(digest))).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/identity is locked/) });
    } finally {
      await call('identity.unlock', { passphrase: TEST_PASSPHRASE });
    }
  });

  it('says a free licence needs no payment, and queues nothing', async () => {
    const free = await ownersTwin('Free', 0n);
    const request = await call('ledger.request', fieldsFor(free.digest, 'owner'));
    expect(await call('ledger.pay', { request: JSON.stringify(request), networkId: 'owner' })).toEqual({
      outboxId: null,
      feeWei: '0',
      message: "This twin's licences are free: there is nothing to pay; send the request to its creator.",
    });
    expect(licensee.studio.chain.outbox.pending(chainId)).toEqual([]);
  });

  it("queues exactly the registry's fee, refuses above the most offered, and refuses when the chain cannot be reached", async () => {
    const paid = await ownersTwin('Paid', FEE);
    const request: LicenceRequest = await call('ledger.request', fieldsFor(paid.digest, 'owner'));

    const above = await refusal('ledger.pay', { request, networkId: 'owner', maxFeeWei: (FEE - 1n).toString() });
    expect(above).toMatchObject({ code: 'conflict', message: 'The registry asks 0.01 ETH for a licence of this twin, more than the 0.009999999999999999 ETH you offered; nothing was queued.' });
    expect(licensee.studio.chain.outbox.pending(chainId)).toEqual([]);
    expect((await refusal('ledger.pay', { request, networkId: 'owner', maxFeeWei: '0.01' })).code).toBe('invalid-input');

    const port = await freePort();
    await call('chain.addNetwork', { id: 'down', name: 'Down', rpcUrl: `http://127.0.0.1:${port}`, chainId });
    const down = await refusal('ledger.pay', { request, networkId: 'down' });
    expect(down.code).toBe('unavailable');
    expect(down.message).toMatch(/^The licence fee could not be read on down \(The network Down at \S+ cannot be reached .*\); nothing was queued/);
    expect(licensee.studio.chain.outbox.pending(chainId)).toEqual([]);

    const queued = await call('ledger.pay', { request, networkId: 'owner', maxFeeWei: FEE.toString() });
    expect(queued).toMatchObject({ outboxId: expect.stringMatching(/^out_/), feeWei: FEE.toString(), message: expect.stringMatching(/^Queued the fee of 0\.01 ETH for escrow on Owner's chain/) });
    expect(licensee.studio.chain.outbox.pending(chainId)).toEqual([
      expect.objectContaining({ id: queued.outboxId, kind: 'request', twinId: null, tokenId: twinTokenId(paid.digest).toString(), payload: expect.objectContaining({ feeWei: FEE.toString() }) }),
    ]);
    // Paying again finds the entry already queued rather than queueing a second payment.
    expect(await call('ledger.pay', { request, networkId: 'owner' })).toMatchObject({ outboxId: queued.outboxId, feeWei: FEE.toString() });
    // Only the request's licensee pays its fee.
    expect(await owner.studio.ledger.payFee(request, 'local').catch((error: Error) => error.message)).toMatch(/only its licensee pays its fee/);
  });

  it('keeps a licence the owner granted for the imported twin, and refuses one for another twin or altered', async () => {
    const granted = await ownersTwin('Granted', 0n);
    const other = await ownersTwin('Other', 0n);
    const request = await call('ledger.request', fieldsFor(granted.digest, 'owner'));
    const { studio } = owner;
    const { licenseHash } = await studio.ledger.evaluate(request, granted.id);
    const { grant } = await studio.ledger.grant(licenseHash, { networkId: 'local', twinId: granted.id });
    const files = tempDir();
    await studio.twins.exportFile(granted.id, join(files, 'granted.tar'));
    await studio.twins.exportFile(other.id, join(files, 'other.tar'));
    const imported = await call('twin.import', { path: join(files, 'granted.tar') });
    const otherImported = await call('twin.import', { path: join(files, 'other.tar') });

    const wrongTwin = await refusal('ledger.hold', { licence: JSON.stringify(grant), twinId: otherImported.id });
    expect(wrongTwin).toMatchObject({ code: 'conflict', message: expect.stringMatching(/^The licence is for the twin sealed as /) });
    const altered = await refusal('ledger.hold', { licence: { ...grant, request: { ...grant.request, maxRenders: 1000 } }, twinId: imported.id });
    expect(altered).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/^The licence is not the twin owner's/) });

    const held = await call('ledger.hold', { licence: JSON.stringify(grant), twinId: imported.id });
    expect(held).toMatchObject({ licenseHash, twinId: imported.id, state: 'granted', request: { purpose: 'education', languages: ['en', 'es'], maxRenders: 12 }, grant });
    expect(await call('ledger.hold', { licence: grant, twinId: imported.id })).toEqual(held);
    expect((await call('ledger.licences', { twinId: imported.id })).map((r) => [r.licenseHash, r.state])).toEqual([[licenseHash, 'granted']]);
    expect(logged).toEqual([]);
  });
});
