// End to end: the identity created in Settings, then a twin sealed on the Twin screen from a stored voice model
// version: the rules editor's errors and summary, the verification badge, a key granted, keys erased.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { openStudio } from '../../main/core/studio.js';
import { SCREENSHOTS, launchChromium } from '../support/browser.js';
import { serve } from '../support/serve.js';
import { tempDir } from '../support/tmp.js';
import { addStoredVoiceModel, TEST_PASSPHRASE } from '../fixtures/stored-voice-model.js';



describe('twin in the browser', () => {
  it('creates an identity in Settings, seals a twin on the Twin screen, verifies it, grants a key and erases the keys', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const home = tempDir();
    const prepared = openStudio(home);
    try {
      (await addStoredVoiceModel(prepared, 200_000));
    } finally {
      await prepared.close();
    }
    const studio = await serve(['--home', home], { LIKENESS_SCRYPT_N: String(2 ** 12) });
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));

    await page.goto(studio.url);
    await page.getByRole('heading', { level: 1, name: 'Capture' }).waitFor();
    await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { level: 2, name: 'Identity' }).waitFor();
    const create = page.getByRole('form', { name: 'Create a new identity' });
    const passwords = create.locator('input[type="password"]');
    await passwords.nth(0).fill(TEST_PASSPHRASE);
    await passwords.nth(1).fill(TEST_PASSPHRASE);
    await create.getByRole('button', { name: 'Create identity' }).click();
    const words = page.getByRole('list', { name: 'Recovery words' });
    await words.waitFor();
    expect(await words.getByRole('listitem').count()).toBe(12);
    await page.screenshot({ path: join(SCREENSHOTS, '20-settings-identity-words.png'), fullPage: true });

    await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Twin' }).click();
    await page.getByRole('heading', { level: 1, name: 'Twin' }).waitFor();
    const unlock = page.getByRole('form', { name: 'Unlock your identity' });
    await page.getByText(/Unlocked as 0x|is locked/).first().waitFor();
    if (await unlock.isVisible()) {
      await unlock.getByLabel('Passphrase').fill(TEST_PASSPHRASE);
      await unlock.getByRole('button', { name: 'Unlock' }).click();
    }
    await page.getByText(/Unlocked as 0x/).waitFor();

    const build = page.getByRole('region', { name: 'Seal a new twin' });
    await build.getByLabel('Name').fill('Ada');
    await build.getByLabel('Only these languages').check();
    await build.getByLabel(/Language tags/).fill('en, xx_YY');
    await build.getByText(/"xx_YY" is not a BCP-47 language tag/).waitFor();
    await build.getByLabel(/Language tags/).fill('en, es');
    await build.getByRole('list', { name: 'Rules summary' }).getByText(/English \(en\)/).waitFor();
    await build.getByRole('button', { name: 'Seal twin' }).click();

    const twins = page.getByRole('list', { name: 'Your twins' });
    await twins.getByText('Ada').waitFor();
    await twins.getByText(/Verified: signed by/).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(SCREENSHOTS, '21-twin-sealed.png'), fullPage: true });

    const licensee = Wallet.createRandom();
    await page.locator('summary', { hasText: 'Grant a key' }).click();
    await page.getByLabel("Licensee's public key").fill(licensee.signingKey.compressedPublicKey);
    await page.getByRole('button', { name: 'Grant key' }).click();
    await page.getByRole('list', { name: 'Key holders' }).getByText(licensee.address).waitFor();

    await page.locator('summary', { hasText: 'Erase keys' }).click();
    await page.getByRole('button', { name: 'Erase keys…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/crypto-shredding/).waitFor();
    await dialog.getByRole('button', { name: 'Erase keys' }).click();
    await page.getByRole('button', { name: 'Keys already erased' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, '22-twin-erased.png'), fullPage: true });

    const listed = (await (
      await fetch(`${studio.origin}/api/call/twin.list`, { method: 'POST', headers: { Authorization: `Bearer ${studio.token}`, 'Content-Type': 'application/json' }, body: '{}' })
    ).json()) as { value: { name: string; recipients: unknown[]; rules: { languages: unknown } }[] };
    expect(listed.value).toHaveLength(1);
    expect(listed.value[0]!.recipients).toEqual([]);
    expect(listed.value[0]!.rules.languages).toEqual(['en', 'es']);
    expect(problems).toEqual([]);
  });
});
