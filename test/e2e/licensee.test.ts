// End to end: a licensee asks for a licence on the Licenses screen of their own studio, which holds no twin, with the
// owner's chain saved as a network; the owner evaluates it, the licensee pays the fee on screen and publishes it
// after seeing the gas, the owner grants it, and the licensee keeps the licence for the twin they received; test process.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEther } from 'ethers';
import { describe, expect, it } from 'vitest';
import { defaultTwinRules } from '../../main/contract/models.js';
import { fundOnLocalChain } from '../../main/core/chain/embedded-chain.js';
import { twinTokenId } from '../../main/core/chain/registry.js';
import { SCREENSHOTS, launchChromium } from '../support/browser.js';
import { api, serve } from '../support/serve.js';
import { tempDir } from '../support/tmp.js';
import { TEST_PASSPHRASE, openCreatorStudio } from '../fixtures/stored-voice-model.js';

const FEE = parseEther('0.01');

describe("a licensee's licence in the browser", () => {
  it('asks for a licence, pays its fee and publishes it, then keeps the licence granted, all on the Licenses screen', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const owner = await openCreatorStudio();
    const licensee = await serve(['--home', tempDir()], { LIKENESS_SCRYPT_N: String(2 ** 12) });
    try {
      await api(licensee, 'identity.create', { passphrase: TEST_PASSPHRASE });
      const { address: me } = await api(licensee, 'identity.unlock', { passphrase: TEST_PASSPHRASE });

      // The owner seals a twin whose licences cost 0.01 ETH and mints it on their own chain.
      const { studio } = owner;
      const rules = { ...defaultTwinRules(), purposes: ['education' as const], licenceFee: { amountWei: FEE.toString(), currency: 'ETH' as const } };
      const twin = await studio.twins.pack({ name: 'Ada', rules, voiceModel: owner.voiceModel });
      await studio.chain.mint(twin.id, 'local');
      expect((await studio.chain.publish('local', { confirm: () => true })).failed.map((f) => f.error)).toEqual([]);
      const { network: ownerChain, chain } = await studio.chain.reach('local');
      await api(licensee, 'chain.addNetwork', { id: 'owner', name: "Owner's chain", rpcUrl: ownerChain.rpcUrl, chainId: ownerChain.chainId });
      // The licensee pays gas and fee on the owner's chain, where their studio cannot fund them.
      await fundOnLocalChain(chain!, me!, parseEther('1'));

      const browser = await launchChromium();
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      const nav = page.getByRole('navigation', { name: 'Studio' });

      await page.goto(licensee.url);
      await page.getByRole('heading', { level: 1, name: 'Capture' }).waitFor();
      await nav.getByRole('link', { name: 'Licenses' }).click();
      await page.getByRole('heading', { level: 1, name: 'Licenses' }).waitFor();
      await page.getByRole('heading', { name: 'Nothing to license yet' }).waitFor();
      const section = page.getByRole('region', { name: 'Licences you ask for' });

      // The request, made on screen.
      const ask = section.getByRole('region', { name: 'Ask for a licence' });
      await ask.getByText(`Asks as ${me}.`).waitFor();
      await ask.getByRole('button', { name: 'Make request' }).click();
      await ask.getByRole('alert').getByText('The request is not complete yet:').waitFor();
      expect(await ask.getByRole('alert').textContent()).toMatch(/twin: .*maxRenders: /);
      await ask.getByLabel('Twin digest').fill(twin.manifestDigest);
      await ask.getByLabel('Purpose').selectOption('education');
      await ask.getByLabel('Languages').fill('en, es');
      await ask.getByLabel('Most renders').fill('12');
      await ask.getByLabel('Network the twin is minted on').selectOption('owner');
      await ask.getByRole('button', { name: 'Make request' }).click();
      const made = ask.getByRole('status');
      const facts = made.getByLabel('Your request');
      await facts.getByText(me!).waitFor();
      expect(await facts.textContent()).toContain(`token ${twinTokenId(twin.manifestDigest)} on chain ${ownerChain.chainId}`);
      expect(await facts.textContent()).toMatch(/Purposeeducation.*Languagesen, es.*Rendersup to 12/);
      const [download] = await Promise.all([page.waitForEvent('download'), made.getByRole('button', { name: 'Save request file' }).click()]);
      const requestFile = join(tempDir(), 'request.json');
      copyFileSync((await download.path())!, requestFile);

      // The owner evaluates the file they were sent.
      const evaluation = await studio.ledger.evaluate(readFileSync(requestFile, 'utf8'), twin.id);
      expect(evaluation).toMatchObject({ allowed: true, state: 'requested' });

      // The fee: refused above the most offered, then queued and published after the confirmation shows the gas.
      const pay = section.getByRole('region', { name: 'Pay the licence fee' });
      await pay.getByLabel('Load a request file to pay for…').setInputFiles(requestFile);
      await pay.getByLabel('The request you pay for').getByText(twin.manifestDigest).waitFor();
      // The network the request was made for carries over, though the licensee's own local chain has the same chain id.
      expect(await pay.getByLabel('Network to pay on').inputValue()).toBe('owner');
      await pay.getByLabel('Most you pay, in ETH (optional)').fill('0.01.5');
      await pay.getByText('The most you pay is an amount of ETH, such as 0.05, with at most 18 decimals.').waitFor();
      expect(await pay.getByRole('button', { name: 'Pay fee' }).isDisabled()).toBe(true);
      await pay.getByLabel('Most you pay, in ETH (optional)').fill('0.005');
      await pay.getByRole('button', { name: 'Pay fee' }).click();
      await pay.getByRole('alert').getByText("The registry asks 0.01 ETH for a licence of this twin, more than the 0.005 ETH you offered; nothing was queued.").waitFor();
      await pay.getByLabel('Most you pay, in ETH (optional)').fill('0.02');
      await pay.getByRole('button', { name: 'Pay fee' }).click();
      await pay.getByRole('status').getByText(/Queued the fee of 0\.01 ETH for escrow on Owner's chain/).waitFor();
      const [queued] = await api(licensee, 'chain.outbox', {});
      expect(queued).toMatchObject({ kind: 'request', state: 'queued', chainId: ownerChain.chainId, tokenId: twinTokenId(twin.manifestDigest).toString() });

      await pay.getByRole('button', { name: 'Publish…' }).click();
      const dialog = page.getByRole('dialog', { name: "Send 1 transaction to Owner's chain?" });
      const row = dialog.getByRole('table', { name: 'Transactions to send' }).getByRole('row', { name: /Pay the licence fee of 0\.01 ETH into escrow/ });
      await row.waitFor();
      const [, gas] = await row.getByRole('cell').allTextContents();
      expect(Number(gas!.replace(/\D/g, ''))).toBeGreaterThan(21_000);
      await page.screenshot({ path: join(SCREENSHOTS, '27-licenses-licensee-publish-fee.png'), fullPage: true });
      await dialog.getByRole('button', { name: 'Send 1 transaction' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await pay.getByText("Sent: the fee is in escrow. Send the request file to the twin's owner, who can now grant it.").waitFor();
      expect((await api(licensee, 'chain.outbox', {}))[0]).toMatchObject({ id: queued!.id, state: 'done', txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
      await pay.getByRole('button', { name: 'Pay fee' }).click();
      await pay.getByRole('status').getByText('The fee is already paid: 0.01 ETH is in escrow.').waitFor();

      // The owner grants (their grant checks the escrow on chain) and sends the licence and the twin.
      const { grant } = await studio.ledger.grant(evaluation.licenseHash, { networkId: 'local', twinId: twin.id });
      const files = tempDir();
      writeFileSync(join(files, 'licence.json'), JSON.stringify(grant, null, 2));
      await studio.twins.exportFile(twin.id, join(files, 'ada.tar'));
      const received = await api(licensee, 'twin.import', { path: join(files, 'ada.tar') });

      // Back on the screen, which now lists the twin received, the licence is kept for it.
      await nav.getByRole('link', { name: 'Twin' }).click();
      await page.getByRole('heading', { level: 1, name: 'Twin' }).waitFor();
      await nav.getByRole('link', { name: 'Licenses' }).click();
      const keep = page.getByRole('region', { name: 'Keep a granted licence' });
      await keep.getByLabel('Twin the licence is for').locator(`option[value="${received.id}"]`).waitFor({ state: 'attached' });
      await keep.getByLabel('Load a licence file…').setInputFiles(join(files, 'licence.json'));
      expect(await keep.getByLabel('Twin the licence is for').inputValue()).toBe(received.id);
      await keep.getByRole('button', { name: 'Keep licence' }).click();
      const kept = keep.getByRole('status');
      await kept.getByText(evaluation.licenseHash).waitFor();
      expect(await kept.getByLabel('The licence you keep').textContent()).toMatch(/Purposeeducation.*Languagesen, es.*Term.* to .*Rendersup to 12/);
      await page.screenshot({ path: join(SCREENSHOTS, '28-licenses-licensee-kept.png'), fullPage: true });
      expect((await api(licensee, 'ledger.licences', { twinId: received.id })).map((r) => [r.licenseHash, r.state])).toEqual([[evaluation.licenseHash, 'granted']]);
      expect(problems).toEqual([]);
    } finally {
      await licensee.stop();
      await owner.close();
    }
  });
});
