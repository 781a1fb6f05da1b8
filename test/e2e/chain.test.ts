// End to end: a twin sealed through the API, then minted on the Twin screen (signed and queued offline), published
// after a confirmation showing each transaction's gas and fee, done with its token id; the local chain's state and a
// refused network in Settings; test process.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultTwinRules } from '../../main/contract/models.js';
import { openStudio } from '../../main/core/studio.js';
import { SCREENSHOTS, launchChromium } from '../support/browser.js';
import { api, serve } from '../support/serve.js';
import { tempDir } from '../support/tmp.js';
import { addStoredVoiceModel, TEST_PASSPHRASE } from '../fixtures/stored-voice-model.js';




describe('chain in the browser', () => {
  it('mints a twin offline on the Twin screen, publishes it after confirming the gas, and shows it done with its token id', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const home = tempDir();
    const prepared = openStudio(home);
    let voiceModel: string;
    try {
      voiceModel = (await addStoredVoiceModel(prepared, 200_000)).id;
    } finally {
      await prepared.close();
    }
    const studio = await serve(['--home', home], { LIKENESS_SCRYPT_N: String(2 ** 12) });
    try {
      await api(studio, 'identity.create', { passphrase: TEST_PASSPHRASE });
      await api(studio, 'identity.unlock', { passphrase: TEST_PASSPHRASE });
      const twin = await api(studio, 'twin.pack', { name: 'Ada', rules: defaultTwinRules(), voiceModel });

      const browser = await launchChromium();
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));

      await page.goto(studio.url);
      await page.getByRole('heading', { level: 1, name: 'Capture' }).waitFor();
      await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Twin' }).click();
      await page.getByRole('heading', { level: 1, name: 'Twin' }).waitFor();
      await page.getByText(/Unlocked as 0x/).waitFor();
      await page.getByRole('button', { name: 'Show Ada' }).click();

      const chain = page.getByRole('region', { name: 'Chain' });
      await chain.getByText('Not minted on any network yet.').waitFor();
      await chain.getByRole('button', { name: 'Mint' }).click();
      await chain.getByRole('status').getByText('Signed and queued; publish when the network is reachable.').waitFor();
      const entries = chain.getByRole('table', { name: 'Chain entries' });
      await entries.getByText('queued').waitFor();
      const [queued] = await api(studio, 'chain.outbox', { twinId: twin.id });
      expect(queued).toMatchObject({ kind: 'redeem', state: 'queued', chainId: 31337 });

      await chain.getByRole('button', { name: 'Publish…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Send 1 transaction to Local chain (private)?' });
      await dialog.waitFor();
      const planned = dialog.getByRole('table', { name: 'Transactions to send' });
      const row = planned.getByRole('row', { name: /Mint twin/ });
      await row.waitFor();
      const [, gas, fee] = await row.getByRole('cell').allTextContents();
      expect(Number(gas!.replace(/\D/g, ''))).toBeGreaterThan(100_000);
      expect(fee).toMatch(/^0\.\d+ ETH$/);
      await page.screenshot({ path: join(SCREENSHOTS, '23-twin-chain-confirm.png'), fullPage: true });
      // Confirming is the only way anything is sent: until now the entry is still queued.
      expect((await api(studio, 'chain.outbox', { twinId: twin.id }))[0]).toMatchObject({ id: queued!.id, state: 'queued', txHash: null });

      await dialog.getByRole('button', { name: 'Send 1 transaction' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await entries.getByText('done').waitFor();
      await entries.getByText(queued!.tokenId!).waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, '24-twin-chain-done.png'), fullPage: true });
      const [done] = await api(studio, 'chain.outbox', { twinId: twin.id });
      expect(done).toMatchObject({ id: queued!.id, state: 'done', tokenId: queued!.tokenId, txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/), error: null });

      await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Settings' }).click();
      const local = page.getByRole('region', { name: 'Local chain (private)' });
      const facts = local.getByRole('definition');
      await facts.filter({ hasText: 'Running' }).waitFor();
      await facts.filter({ hasText: '(deployed)' }).waitFor();
      const add = page.getByRole('form', { name: 'Add a network' });
      await add.getByLabel('Id', { exact: true }).fill('sepolia');
      await add.getByLabel('Name').fill('Sepolia');
      await add.getByLabel('Chain id').fill('11155111');
      await add.getByLabel('RPC URL').fill('ftp://rpc.example');
      await add.getByRole('button', { name: 'Add network' }).click();
      await expect.poll(() => add.getByLabel('RPC URL').getAttribute('aria-invalid')).toBe('true');
      await add.getByText(/must be an http, https, ws or wss URL/).waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, '25-settings-networks.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      // A clean stop also stops the local chain the studio started.
      await studio.stop();
    }
  });
});
