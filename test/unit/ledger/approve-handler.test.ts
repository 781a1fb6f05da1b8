// The ledger.approve call through the bridge's handlers and dispatcher over a real studio on its own local chain: a
// validator's approval signed for the chain's epoch that a grant counts, and each refusal (not a validator, chain
// down without an epoch, malformed request, another twin's token, locked identity) answered with a clear error; test process.
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dispatcher, createDispatcher } from '../../../main/bridge/dispatch.js';
import { createHandlers } from '../../../main/bridge/handlers.js';
import { registryAddress } from '../../../main/core/chain/deploy.js';
import { twinTokenId } from '../../../main/core/chain/registry.js';
import { parseApprovalFile, tallyApprovals } from '../../../main/core/ledger/licences.js';
import { LedgerService } from '../../../main/core/ledger/service.js';
import { defaultTwinRules } from '../../../main/contract/models.js';
import { freePort } from '../../support/registry.js';
import { type CreatorStudio, TEST_PASSPHRASE, openCreatorStudio } from '../../fixtures/stored-voice-model.js';
import { dispatchCalls } from '../../support/dispatch.js';

const DAY = 86_400_000;
let creator: CreatorStudio;
let dispatcher: Dispatcher;
const { call, refusal } = dispatchCalls(() => dispatcher);
let me: string;
const logged: string[] = [];
const licensee = Wallet.createRandom();

/** A twin sealed with these validators (threshold 1), minted and published on the local chain, so the chain names them. */
async function mintedTwin(name: string, validators: string[]): Promise<{ id: string; digest: string; tokenId: string }> {
  const twin = await call('twin.pack', { name, rules: { ...defaultTwinRules(), validators: { addresses: validators, threshold: 1 } }, voiceModel: creator.voiceModel });
  await creator.studio.chain.mint(twin.id, 'local');
  const published = await creator.studio.chain.publish('local', { confirm: () => true });
  expect(published.failed.map((f) => f.error)).toEqual([]);
  return { id: twin.id, digest: twin.manifestDigest, tokenId: twinTokenId(twin.manifestDigest).toString() };
}

/** A licensee's request file for the twin, bound to the local chain, as its text. */
function requestText(digest: string): string {
  const { studio } = creator;
  const now = Date.now();
  const ledger = new LedgerService({ db: studio.db, twins: studio.twins, chain: studio.chain, signer: () => licensee });
  return JSON.stringify(
    ledger.request({ twin: digest, purpose: 'personal', languages: ['en'], term: { from: new Date(now).toISOString(), to: new Date(now + 30 * DAY).toISOString() }, maxRenders: 5, networkId: 'local' }),
  );
}

beforeAll(async () => {
  creator = await openCreatorStudio();
  dispatcher = createDispatcher(createHandlers(creator.studio, 'loopback'), (message) => logged.push(message));
  me = (await call('identity.status', {})).address!;
}, 60_000);

afterAll(async () => {
  await creator?.close();
});

describe('ledger.approve through the handlers', { timeout: 120_000 }, () => {
  let validated: { id: string; digest: string; tokenId: string };

  it('signs the approval for the epoch on the chain, and a grant counts it', async () => {
    validated = await mintedTwin('Validated', [me]);
    const request = requestText(validated.digest);
    const approval = await call('ledger.approve', { request, networkId: 'local' });
    const { licenseHash } = await call('ledger.evaluate', { twinId: validated.id, request });
    expect(approval).toEqual({
      schema: 'likeness.licence-approval/v1',
      chainId: 31337,
      registry: registryAddress(),
      tokenId: validated.tokenId,
      licenseHash,
      epoch: 1,
      validator: me,
      signature: expect.stringMatching(/^0x[0-9a-f]{130}$/),
    });
    const subject = { chainId: 31337, registry: registryAddress(), tokenId: validated.tokenId, licenseHash };
    expect(tallyApprovals([parseApprovalFile(approval)], [me], 1, 1, subject)).toMatchObject({ count: 1, approvedBy: [me], problems: [] });
    // The same approval through an explicit token id, as a script that names the twin would send it.
    expect(await call('ledger.approve', { request: JSON.parse(request) as unknown, networkId: 'local', twinTokenId: validated.tokenId })).toMatchObject({ licenseHash, epoch: 1 });

    const outcome = await call('ledger.grant', { licenseHash, networkId: 'local', approvals: [JSON.stringify(approval)] });
    expect(outcome.approvedBy).toEqual([me]);
    expect(logged).toEqual([]);
  });

  it('refuses an identity that is not one of the twin\'s validators', async () => {
    const other = await mintedTwin('Validated by someone else', [Wallet.createRandom().address]);
    const error = await refusal('ledger.approve', { request: requestText(other.digest), networkId: 'local' });
    expect(error.code).toBe('forbidden');
    expect(error.message).toMatch(new RegExp(`^${me} is not one of this twin's validators .*an approval from it would not count`));
  });

  it('asks for the epoch when the chain cannot be reached, and signs with it given', async () => {
    const port = await freePort();
    await call('chain.addNetwork', { id: 'down', name: 'Down', rpcUrl: `http://127.0.0.1:${port}`, chainId: 31337 });
    const request = requestText(validated.digest);
    const error = await refusal('ledger.approve', { request, networkId: 'down' });
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/validator epoch could not be read .*the Validator epoch field on the Licenses screen/);
    expect(await call('ledger.approve', { request, networkId: 'down', epoch: 7 })).toMatchObject({ epoch: 7, validator: me, tokenId: validated.tokenId });
  });

  it('names what is wrong with a malformed request, and refuses a request for another twin', async () => {
    const malformed = await refusal('ledger.approve', { request: '{"schema":"likeness.licence-request/v1","twin":"sha256:12"}', networkId: 'local' });
    expect(malformed.code).toBe('invalid-input');
    expect(malformed.message).toMatch(/^The licence request is not valid: /);
    expect(malformed.issues?.map((issue) => issue.path)).toEqual(expect.arrayContaining(['twin', 'licensee']));
    expect((await refusal('ledger.approve', { request: 'not json', networkId: 'local' })).code).toBe('invalid-input');

    const other = await refusal('ledger.approve', { request: requestText(validated.digest), networkId: 'local', twinTokenId: '42' });
    expect(other).toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/not token 42/) });
  });

  it('refuses while the identity is locked', async () => {
    await call('identity.lock', {});
    try {
      const error = await refusal('ledger.approve', { request: requestText(validated.digest), networkId: 'local', epoch: 1 });
      expect(error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/identity is locked/) });
    } finally {
      await call('identity.unlock', { passphrase: TEST_PASSPHRASE });
    }
  });
});
