// The whole journey in Chromium: the trained test creator's Capture and Train screens, then sealing the twin, minting it,
// licensing it, composing a two-language video and verifying it, all through the UI, with a screenshot of each screen; test process.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStudio } from '../../main/core/studio.js';
import { TRAINED_PASSPHRASE, trainedHomeCopy } from '../fixtures/trained-creator.js';
import { SCREENSHOTS, launchChromium } from '../support/browser.js';
import { api, serve } from '../support/serve.js';
import { tempDir } from '../support/tmp.js';



/** A licence request made in another studio, as a licensee would send it. */
async function licenceRequestFrom(twinDigest: string): Promise<string> {
  const home = tempDir();
  const licensee = openStudio(home);
  try {
    await licensee.identity.create(TRAINED_PASSPHRASE);
    await licensee.identity.unlock(TRAINED_PASSPHRASE);
    const now = Date.now();
    const request = licensee.ledger.request({
      twin: twinDigest,
      purpose: 'education',
      languages: ['en', 'es'],
      term: { from: new Date(now - 60_000).toISOString(), to: new Date(now + 30 * 86_400_000).toISOString() },
      maxRenders: 3,
    });
    return JSON.stringify(request, null, 2);
  } finally {
    await licensee.close();
  }
}

describe('the whole journey in the browser', () => {
  it('goes Capture → Train → Twin → Mint → Licenses → Compose → Verify on the trained test creator', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const home = tempDir();
    await trainedHomeCopy(home);
    const studio = await serve(['--home', home]);
    try {
      const browser = await launchChromium();
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      const nav = (name: string) => page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name }).click();
      const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `journey-${name}.png`), fullPage: true });

      await page.goto(studio.url);
      await page.getByRole('heading', { level: 1, name: 'Capture' }).waitFor();
      await page.getByRole('list', { name: 'Takes' }).locator('li[data-take-id]').first().waitFor();
      await shot('1-capture');

      await nav('Train');
      await page.getByRole('heading', { level: 1, name: 'Train' }).waitFor();
      await page.getByText(/Voice model 1/).first().waitFor();
      await shot('2-train');

      await nav('Twin');
      await page.getByRole('heading', { level: 1, name: 'Twin' }).waitFor();
      const unlock = page.getByRole('form', { name: 'Unlock your identity' });
      await unlock.getByLabel('Passphrase').fill(TRAINED_PASSPHRASE);
      await unlock.getByRole('button', { name: 'Unlock' }).click();
      const build = page.getByRole('form', { name: 'Seal a new twin' });
      await build.getByLabel('Name').fill('Test creator');
      await expect.poll(() => build.getByLabel('Face model').inputValue()).not.toBe('');
      await build.getByRole('button', { name: 'Seal twin' }).click();
      await page.getByRole('button', { name: 'Show Test creator' }).waitFor({ timeout: 60_000 });
      const [twin] = await api(studio, 'twin.list', {});
      expect(twin!.parts.map((p) => p.name)).toEqual(expect.arrayContaining(['voice-model', 'face-model', 'face-idle']));
      await shot('3-twin');

      await page.getByRole('button', { name: 'Show Test creator' }).click();
      const chain = page.getByRole('region', { name: 'Chain' });
      await chain.getByRole('button', { name: 'Mint' }).click();
      await chain.getByRole('button', { name: 'Publish…' }).click();
      const confirm = page.getByRole('dialog', { name: /Send 1 transaction/ });
      await confirm.getByRole('button', { name: 'Send 1 transaction' }).click();
      await chain.getByRole('table', { name: 'Chain entries' }).getByText('done').waitFor({ timeout: 60_000 });
      await shot('4-mint');

      await nav('Licenses');
      await page.getByRole('heading', { level: 1, name: 'Licenses' }).waitFor();
      await page.getByLabel('Licence request (JSON)').fill(await licenceRequestFrom(twin!.manifestDigest));
      await page.getByRole('button', { name: 'Check against the rules' }).click();
      await page.getByRole('button', { name: 'Grant' }).click();
      await page.getByRole('button', { name: 'Download the grant file' }).waitFor({ timeout: 30_000 });
      await shot('5-licenses');

      await nav('Compose');
      await page.getByRole('heading', { level: 1, name: 'Compose' }).waitFor();
      await page.getByRole('button', { name: 'New project' }).first().click();
      const script = page.getByRole('region', { name: 'Script' });
      await script.getByLabel('Title').fill('Rivers');
      const first = script.getByRole('group', { name: 'Segment 1' });
      await first.getByLabel('Language', { exact: true }).selectOption('en');
      await first.getByLabel('Text').fill('Rivers carry water from the hills down to the sea.');
      await script.getByRole('button', { name: 'Add segment' }).click();
      const second = script.getByRole('group', { name: 'Segment 2' });
      await second.getByLabel('Language', { exact: true }).selectOption('es');
      await second.getByLabel('Text').fill('Los ríos llevan el agua de las colinas al mar.');
      await script.getByRole('button', { name: 'Save' }).click();
      await script.getByText('All changes saved').waitFor();
      const render = page.getByRole('region', { name: 'Render' });
      await render.getByLabel('Purpose').selectOption('education');
      await render.getByRole('button', { name: 'Check rules' }).click();
      await render.getByRole('group', { name: 'Rules check' }).getByText('Allowed', { exact: true }).waitFor();
      await render.getByRole('button', { name: 'Render' }).click();
      const outputs = page.getByRole('list', { name: 'Rendered outputs' });
      await outputs.locator('[data-output-id]').first().waitFor({ timeout: 300_000 });
      await outputs.locator('summary').filter({ hasText: /Provenance:\s*Verified/ }).first().waitFor({ timeout: 60_000 });
      await shot('6-compose');

      const [output] = await api(studio, 'compose.outputs', {});
      const copy = join(tempDir(), 'rivers.mp4');
      writeFileSync(copy, Buffer.from((await api(studio, 'compose.media', { id: output!.id })).data, 'base64'));
      const verify = page.getByRole('region', { name: 'Verify a video' });
      await verify.getByLabel('Choose a video to verify…').setInputFiles(copy);
      const verdict = verify.getByRole('group', { name: 'Verdict for rivers.mp4' });
      await verdict.waitFor({ timeout: 120_000 });
      expect(await verdict.textContent()).toMatch(/Verified/);
      await shot('7-verify');
      expect(problems).toEqual([]);
    } finally {
      await studio.stop();
    }
  }, 1_500_000);
});
