// End to end: a validator signs their approval of a licensee's request on the Licenses screen of their own studio,
// reaching the owner's chain; the saved file counts towards the owner's grant, and a twin that does not name them
// is refused with a clear message; test process.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { defaultTwinRules } from '../../main/contract/models.js';
import { registryAddress } from '../../main/core/chain/deploy.js';
import { parseApprovalFile, tallyApprovals } from '../../main/core/ledger/licences.js';
import { LedgerService } from '../../main/core/ledger/service.js';
import { SCREENSHOTS, launchChromium } from '../support/browser.js';
import { api, serve } from '../support/serve.js';
import { tempDir } from '../support/tmp.js';
import { TEST_PASSPHRASE, openCreatorStudio } from '../fixtures/stored-voice-model.js';

const DAY = 86_400_000;

describe('licences in the browser', () => {
  it('signs a validator\'s approval on the Licenses screen that the owner\'s grant counts, and refuses a twin that does not name them', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const owner = await openCreatorStudio();
    const validator = await serve(['--home', tempDir()], { LIKENESS_SCRYPT_N: String(2 ** 12) });
    try {
      await api(validator, 'identity.create', { passphrase: TEST_PASSPHRASE });
      const { address: me } = await api(validator, 'identity.unlock', { passphrase: TEST_PASSPHRASE });

      // The owner seals and mints two twins on their own chain: one names this validator, the other someone else.
      const { studio } = owner;
      const seal = async (name: string, validators: string[]) => {
        const twin = await studio.twins.pack({ name, rules: { ...defaultTwinRules(), validators: { addresses: validators, threshold: 1 } }, voiceModel: owner.voiceModel });
        await studio.chain.mint(twin.id, 'local');
        return twin;
      };
      const named = await seal('Named', [me!]);
      const other = await seal('Not named', [Wallet.createRandom().address]);
      const published = await studio.chain.publish('local', { confirm: () => true });
      expect(published.failed.map((f) => f.error)).toEqual([]);
      const { network: ownerChain } = await studio.chain.reach('local');
      await api(validator, 'chain.addNetwork', { id: 'owner', name: "Owner's chain", rpcUrl: ownerChain.rpcUrl, chainId: ownerChain.chainId });

      const licensee = Wallet.createRandom();
      const asLicensee = new LedgerService({ db: studio.db, twins: studio.twins, chain: studio.chain, signer: () => licensee });
      const requestFile = (digest: string, name: string) => {
        const now = Date.now();
        const request = asLicensee.request({ twin: digest, purpose: 'education', languages: ['en', 'es'], term: { from: new Date(now).toISOString(), to: new Date(now + 30 * DAY).toISOString() }, maxRenders: 12, networkId: 'local' });
        const path = join(tempDir(), name);
        writeFileSync(path, JSON.stringify(request, null, 2));
        return { path, request };
      };
      const forNamed = requestFile(named.manifestDigest, 'request-named.json');
      const forOther = requestFile(other.manifestDigest, 'request-other.json');

      const browser = await launchChromium();
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: validator.origin });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));

      await page.goto(validator.url);
      await page.getByRole('heading', { level: 1, name: 'Capture' }).waitFor();
      await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Licenses' }).click();
      await page.getByRole('heading', { level: 1, name: 'Licenses' }).waitFor();
      // This studio holds no twin of its own: the validator's section is there all the same.
      await page.getByRole('heading', { name: 'Nothing to license yet' }).waitFor();
      const section = page.getByRole('region', { name: 'Approve as a validator' });
      await section.getByText(`Signs as ${me}.`).waitFor();

      await section.getByLabel('Load a request file to approve…').setInputFiles(forNamed.path);
      const facts = section.getByLabel('The request you approve');
      await facts.getByText(licensee.address).waitFor();
      await expect.poll(() => facts.textContent()).toContain(`token ${forNamed.request.tokenId} on chain ${ownerChain.chainId}`);
      expect(await facts.textContent()).toMatch(/Purposeeducation.*Languagesen, es.*Rendersup to 12/);
      await section.getByLabel('Network the twin is minted on').selectOption('owner');
      await section.getByRole('button', { name: 'Sign approval' }).click();
      const signed = section.getByRole('status');
      await signed.getByText(`for validator epoch 1 on chain ${ownerChain.chainId}`).waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, '26-licenses-validator-approval.png'), fullPage: true });

      const [download] = await Promise.all([page.waitForEvent('download'), signed.getByRole('button', { name: 'Save approval file' }).click()]);
      const saved = readFileSync((await download.path())!, 'utf8');
      await signed.getByRole('button', { name: 'Copy' }).click();
      await page.getByText('Approval copied').waitFor();
      expect(JSON.parse(await page.evaluate(() => navigator.clipboard.readText()))).toEqual(JSON.parse(saved));

      const evaluation = await studio.ledger.evaluate(forNamed.request, named.id);
      const approval = parseApprovalFile(saved);
      expect(approval).toMatchObject({ validator: me, licenseHash: evaluation.licenseHash, epoch: 1, tokenId: forNamed.request.tokenId });
      const subject = { chainId: ownerChain.chainId, registry: registryAddress(), tokenId: forNamed.request.tokenId!, licenseHash: evaluation.licenseHash };
      expect(tallyApprovals([approval], [me!], 1, 1, subject)).toMatchObject({ count: 1, problems: [] });
      const outcome = await studio.ledger.grant(evaluation.licenseHash, { networkId: 'local', approvals: [saved], twinId: named.id });
      expect(outcome.approvedBy).toEqual([me]);

      await section.getByLabel('Load a request file to approve…').setInputFiles(forOther.path);
      await section.getByLabel('The request you approve').getByText(other.manifestDigest).waitFor();
      await expect.poll(() => section.getByRole('status').count()).toBe(0);
      await section.getByRole('button', { name: 'Sign approval' }).click();
      await section.getByRole('alert').getByText(new RegExp(`^${me} is not one of this twin's validators on Owner's chain .*an approval from it would not count`)).waitFor();
      expect(await section.getByRole('status').count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await validator.stop();
      await owner.close();
    }
  });
});
