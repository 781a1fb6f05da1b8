// Launches Debian's Chromium through playwright-core with the flags this offline machine needs; test process.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { onTestFinished } from 'vitest';
import { fileURLToPath } from 'node:url';

/** Where the end-to-end tests save their screenshots. */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-artifacts/screens', import.meta.url));

export const CHROMIUM = process.env.LIKENESS_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (or set LIKENESS_CHROMIUM).`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
  onTestFinished(() => browser.close());
  return browser;
}
