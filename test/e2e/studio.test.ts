// End to end: the real `likeness serve` driven in Chromium: every screen, keyboard navigation, a job streamed live, theme, microphone meter.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openStudio } from '../../main/core/studio.js';
import { consentCapture } from '../fixtures/test-creator/consent.js';
import { ensureTestCreator } from '../fixtures/test-creator/generate.js';
import { ensureTestVoice, importTestVoice } from '../fixtures/test-creator/voice-takes.js';
import { SCREENSHOTS, launchChromium } from '../support/browser.js';
import { type Served, serve } from '../support/serve.js';
import { tempDir } from '../support/tmp.js';

const SPEECH = fileURLToPath(new URL('../../../shared/data/jfk-inaugural-1961.wav', import.meta.url));

/** A call through the same loopback API the page uses. */
async function api<T>(studio: Served, name: string, input: object): Promise<T> {
  const response = await fetch(`${studio.origin}/api/call/${name}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${studio.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  return ((await response.json()) as { value: T }).value;
}

describe('studio in the browser', () => {
  it('visits every screen, runs a job with live progress, switches theme and survives a reload', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const studio = await serve(['--home', tempDir()]);
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));

    await page.goto(studio.url);
    await page.getByRole('heading', { level: 1, name: 'Capture' }).waitFor();
    expect(page.url()).not.toContain('token=');

    const screens = ['Capture', 'Train', 'Twin', 'Licenses', 'Compose', 'Settings'];
    for (const [index, name] of screens.entries()) {
      await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name }).click();
      await page.getByRole('heading', { level: 1, name }).waitFor();
      // Moving to another screen moves focus to its heading, so screen readers announce it.
      if (index > 0) await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
      await page.screenshot({ path: join(SCREENSHOTS, `${index + 1}-${name.toLowerCase()}.png`), fullPage: true });
    }

    await page.keyboard.press('Alt+2');
    await page.getByRole('heading', { level: 1, name: 'Train' }).waitFor();
    await page.keyboard.press('Alt+6');
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();

    await page.getByText('Ready').first().waitFor();
    await page.getByRole('button', { name: 'Verify library' }).click();
    await page.locator('article[data-state="completed"]').first().waitFor();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Verify library finished');

    await page.getByLabel('Dark').check();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.screenshot({ path: join(SCREENSHOTS, '7-settings-dark.png'), fullPage: true });
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await expect.poll(() => page.getByRole('article').count()).toBeGreaterThan(0);
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');

    expect(problems).toEqual([]);
  });

  it('reaches every control with the keyboard alone', async () => {
    const studio = await serve(['--home', tempDir()]);
    const browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(studio.url);
    await page.getByRole('heading', { level: 1, name: 'Capture' }).waitFor();
    const reached = new Set<string>();
    for (let i = 0; i < 14; i++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate(() => document.activeElement?.textContent?.trim() ?? ''));
    }
    const expected = ['Skip to content', ...['Capture', 'Train', 'Twin', 'Licenses', 'Compose', 'Settings'].map((n, i) => `${n}Alt+${i + 1}`), 'Voice', 'Use microphone'];
    for (const label of expected) expect(reached).toContain(label);
    await page.getByRole('link', { name: /Settings/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
  });

  it('shows the microphone level from a real recording played as the fake microphone', async () => {
    const studio = await serve(['--home', tempDir()]);
    const browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${SPEECH}`]);
    const page = await browser.newPage();
    await page.goto(studio.url);
    await page.getByRole('button', { name: 'Use microphone' }).click();
    const meter = page.getByRole('meter', { name: 'Microphone level' });
    await expect.poll(async () => Number(await meter.getAttribute('aria-valuenow')), { timeout: 15_000 }).toBeGreaterThan(-45);
    await page.screenshot({ path: join(SCREENSHOTS, '8-capture-mic-check.png') });
  });

  it('records three prompts with the keyboard, shows their measurements, and stores them', async () => {
    const studio = await serve(['--home', tempDir()]);
    const browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${SPEECH}`]);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(studio.url);
    await page.getByRole('button', { name: 'Use microphone' }).click();
    await page.getByRole('meter', { name: 'Microphone level' }).waitFor();
    const prompts: string[] = [];
    for (let i = 0; i < 3; i++) {
      prompts.push((await page.getByTestId('prompt-text').textContent()) ?? '');
      await page.keyboard.press('Space');
      await page.getByRole('timer').filter({ hasText: 'Recording 0:03' }).waitFor();
      await page.keyboard.press('Space');
      await page.getByRole('region', { name: 'Last take' }).getByText(/LUFS/).waitFor({ timeout: 30_000 });
      if (i === 0) await page.screenshot({ path: join(SCREENSHOTS, '10-capture-voice-take.png'), fullPage: true });
      await page.keyboard.press('ArrowRight');
    }
    await expect.poll(() => page.getByRole('list', { name: 'Takes' }).locator('li[data-take-id]').count()).toBe(3);
    expect(await page.getByText(/3 of \d+ prompts/).count()).toBe(1);
    const response = await fetch(`${studio.origin}/api/call/capture.takes`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${studio.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'voice' }),
    });
    const stored = ((await response.json()) as { value: { promptId: string; transcript: string; source: string; metrics: { speechRatio: number } }[] }).value;
    expect(stored.map((t) => t.promptId)).toEqual(['en-001', 'en-002', 'en-003']);
    expect(stored.map((t) => t.transcript)).toEqual(prompts);
    for (const take of stored) {
      expect(take.source).toBe('recorded');
      expect(take.metrics.speechRatio).toBeGreaterThan(0.3);
    }
  });

  it('trains a recipe from the Train screen with live loss curves, and shows the best epoch when done', async () => {
    const studio = await serve(['--home', tempDir()]);
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(studio.url);
    await page.getByRole('heading', { level: 1, name: 'Capture' }).waitFor();
    await page.keyboard.press('Alt+2');
    await page.getByRole('heading', { level: 1, name: 'Train' }).waitFor();
    await page.getByRole('region', { name: 'Test recipes' }).getByLabel('Recipe').selectOption('toy-regression');
    await page.getByRole('region', { name: 'Test recipes' }).getByLabel('Epochs').fill('4');
    await page.getByRole('button', { name: 'Start training' }).click();
    const card = page.locator('article[data-state="completed"]');
    await card.waitFor({ timeout: 60_000 });
    await expect.poll(() => card.getByRole('img', { name: /Loss curves/ }).count()).toBe(1);
    expect(await card.getByLabel('Training figures').textContent()).toMatch(/Best epoch\d/);
    expect(await card.locator('.series-val-dot').count()).toBe(4);
    await page.screenshot({ path: join(SCREENSHOTS, '9-train-finished.png'), fullPage: true });
  });

  it('tracks the test creator live on the Face tab, records a face take with its video, and refuses a consent take of the wrong sentence', async () => {
    const creator = await ensureTestCreator();
    const studio = await serve(['--home', tempDir()]);
    const browser = await launchChromium([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${creator.fakeCapture.y4m}`,
      `--use-file-for-fake-audio-capture=${creator.fakeCapture.wav}`,
    ]);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    await page.goto(studio.url);
    await page.getByRole('tab', { name: 'Face' }).click();
    await page.getByRole('button', { name: 'Use camera' }).click();
    await page.getByRole('status').filter({ hasText: 'Face found' }).waitFor({ timeout: 30_000 });
    const overlay = page.getByRole('img', { name: '1 face(s) tracked' });
    await overlay.waitFor();
    expect(await overlay.locator('circle').count()).toBe(68);
    await page.screenshot({ path: join(SCREENSHOTS, '11-capture-face-tracking.png'), fullPage: true });
    await page.getByRole('button', { name: 'Record face take' }).click();
    await page.getByRole('timer').filter({ hasText: 'Recording 0:04' }).waitFor();
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('list', { name: 'Takes' }).locator('li[data-take-id]').first().waitFor({ timeout: 60_000 });
    const response = await fetch(`${studio.origin}/api/call/capture.takes`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${studio.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'face' }),
    });
    const [take] = ((await response.json()) as { value: { video: string | null; source: string; videoMetrics: { facePresentRatio: number; multipleFacesRatio: number } | null }[] }).value;
    expect(take).toMatchObject({ source: 'recorded', video: expect.stringMatching(/^sha256:/) });
    expect(take!.videoMetrics!.facePresentRatio).toBeGreaterThan(0.9);
    expect(take!.videoMetrics!.multipleFacesRatio).toBe(0);
    expect(await page.getByRole('list', { name: 'Takes' }).textContent()).toMatch(/face in \d+% of frames/);

    // A consent take that reads something else than the sentence the studio chose is not accepted.
    await page.getByRole('tab', { name: 'Consent' }).click();
    await page.getByRole('button', { name: 'Use camera' }).click();
    await page.getByRole('button', { name: 'Get my sentence' }).click();
    const sentence = (await page.getByTestId('consent-sentence').textContent()) ?? '';
    expect(sentence.split(' ').length).toBeGreaterThan(6);
    await page.getByRole('button', { name: 'Record consent take' }).click();
    await page.getByRole('timer').filter({ hasText: 'Recording 0:06' }).waitFor();
    await page.getByRole('button', { name: 'Stop' }).click();
    const verdict = page.getByRole('region', { name: 'Consent result' });
    await verdict.waitFor({ timeout: 90_000 });
    expect(await verdict.getAttribute('data-accepted')).toBe('false');
    expect(await verdict.textContent()).toContain('does not match the sentence');
    await page.screenshot({ path: join(SCREENSHOTS, '12-capture-consent-rejected.png'), fullPage: true });
    const consents = await fetch(`${studio.origin}/api/call/consent.list`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${studio.token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    const [record] = ((await consents.json()) as { value: { sentence: string; accepted: boolean; capturedBy: string }[] }).value;
    expect(record).toMatchObject({ sentence, accepted: false, capturedBy: 'in-app recorder' });
  });

  it('accepts a consent take in which the creator of the face takes reads the sentence the studio chose', async () => {
    const studio = await serve(['--home', tempDir()]);
    // The sentence is issued first, so the fake camera and microphone can read it; the Consent tab picks it up as the current one.
    const issued = await api<{ id: string; sentence: string }>(studio, 'consent.start', { language: 'en' });
    const capture = await consentCapture(issued.sentence);
    const browser = await launchChromium([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${capture.y4m}`,
      `--use-file-for-fake-audio-capture=${capture.wav}`,
    ]);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    await page.goto(studio.url);
    await page.getByRole('tab', { name: 'Face' }).click();
    await page.getByRole('button', { name: 'Use camera' }).click();
    await page.getByRole('status').filter({ hasText: 'Face found' }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Record face take' }).click();
    await page.getByRole('timer').filter({ hasText: 'Recording 0:04' }).waitFor();
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('list', { name: 'Takes' }).locator('li[data-take-id]').first().waitFor({ timeout: 60_000 });

    await page.getByRole('tab', { name: 'Consent' }).click();
    expect(await page.getByTestId('consent-sentence').textContent()).toBe(issued.sentence);
    await page.getByRole('button', { name: 'Use camera' }).click();
    // The file loops: start in the silence after one reading, stop in the silence after the next, so the take holds it whole.
    // Silence must last a second: the pauses at the sentence's commas are shorter.
    await page.waitForFunction(
      () => {
        const state = window as unknown as { heard?: boolean; quietSince?: number };
        const now = Number(document.querySelector('[role="meter"][aria-label="Microphone level"]')?.getAttribute('aria-valuenow') ?? -60);
        if (now > -45) {
          state.heard = true;
          state.quietSince = undefined;
        } else if (state.heard && now <= -59) {
          state.quietSince ??= performance.now();
        } else {
          state.quietSince = undefined;
        }
        return state.quietSince !== undefined && performance.now() - state.quietSince >= 1000;
      },
      null,
      { polling: 'raf', timeout: 30_000 },
    );
    await page.getByRole('button', { name: 'Record consent take' }).click();
    const stopAt = Math.ceil(capture.gapSeconds - 1 + capture.leadSeconds + capture.speechSeconds + 1.5);
    await page.getByRole('timer').filter({ hasText: `Recording 0:${String(stopAt).padStart(2, '0')}` }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Stop' }).click();
    const verdict = page.getByRole('region', { name: 'Consent result' });
    await verdict.waitFor({ timeout: 120_000 });
    await page.screenshot({ path: join(SCREENSHOTS, '13-capture-consent-accepted.png'), fullPage: true });
    expect(await verdict.textContent()).toContain('matches the sentence');
    expect(await verdict.getAttribute('data-accepted')).toBe('true');
    const [record] = await api<{ id: string; accepted: boolean; speech: { accepted: boolean }; face: { accepted: boolean }; capturedBy: string }[]>(studio, 'consent.list', {});
    expect(record).toMatchObject({ id: issued.id, accepted: true, speech: { accepted: true }, face: { accepted: true }, capturedBy: 'in-app recorder' });
    expect(await api(studio, 'consent.current', {})).toBeNull();
  });

  it('offers a recording cut off by a crash for recovery, and recovers it into the take it was meant to be', async () => {
    const home = tempDir();
    const before = openStudio(home);
    const { id } = before.recordings.start({ kind: 'voice', language: 'en', promptId: 'en-001', purpose: 'take', fileName: 'take.wav' });
    before.recordings.append(id, 0, readFileSync(SPEECH).subarray(0, 300_000));
    before.recordings.closeAll();
    await before.close();
    const studio = await serve(['--home', home]);
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(studio.url);
    const row = page.getByRole('list', { name: 'Interrupted recordings' }).locator(`li[data-recording-id="${id}"]`);
    expect(await row.textContent()).toContain('Voice take for prompt en-001 (en)');
    await row.getByRole('button', { name: 'Recover' }).click();
    await page.getByRole('status').filter({ hasText: 'Recovered 1 take' }).waitFor();
    await expect.poll(() => page.getByRole('list', { name: 'Interrupted recordings' }).count()).toBe(0);
    await expect.poll(() => page.getByRole('list', { name: 'Takes' }).locator('li[data-take-id]').count()).toBe(1);
  });

  it('trains the voice from the Train screen, shows its report beside both baselines with the A/B/C player, and speaks typed text', async () => {
    const home = tempDir();
    const seeded = openStudio(home);
    await importTestVoice(seeded, await ensureTestVoice(60));
    await seeded.close();
    const studio = await serve(['--home', home]);
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    await page.goto(studio.url);
    await page.getByRole('heading', { level: 1, name: 'Capture' }).waitFor();
    await page.keyboard.press('Alt+2');
    await page.getByRole('heading', { level: 1, name: 'Train' }).waitFor();
    const panel = page.getByRole('region', { name: 'Voice', exact: true });
    await panel.getByLabel('Epochs').fill('3');
    await panel.getByRole('button', { name: 'Train my voice' }).click();
    await panel.locator('article[data-state="running"]').waitFor({ timeout: 30_000 });
    const report = panel.getByRole('table', { name: 'Voice quality' });
    await report.waitFor({ timeout: 600_000 });
    const rows = await report.locator('tbody tr').allTextContents();
    expect(rows[0]).toMatch(/eSpeak NG, unconverted\d+\.\d+ dB/);
    expect(rows[1]).toMatch(/affine map.*\d+\.\d+ dB/);
    expect(rows[2]).toMatch(/Your voice model\d+\.\d+ dB \(\d+% less than unconverted/);
    expect(await panel.getByText(/Spanish unmeasured/).count()).toBe(1);
    const players = panel.getByRole('region', { name: 'Compare voices' }).locator('audio');
    await expect.poll(() => players.count()).toBe(3);
    await expect.poll(() => players.evaluateAll((list) => list.every((a) => (a as HTMLAudioElement).src.startsWith('blob:')))).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, '14-train-voice-report.png'), fullPage: true });

    await panel.getByLabel('Text').fill('Hello from my voice twin. It speaks any text I type.');
    await panel.getByRole('button', { name: 'Speak' }).click();
    const spoken = panel.getByRole('figure').filter({ hasText: 'Spoken' }).locator('audio');
    await spoken.waitFor({ timeout: 120_000 });
    await expect.poll(() => spoken.evaluate((a) => (a as HTMLAudioElement).src)).toMatch(/^blob:/);
    await expect.poll(() => spoken.evaluate((a) => (a as HTMLAudioElement).readyState)).toBeGreaterThan(0);
    expect(await spoken.evaluate((a) => (a as HTMLAudioElement).duration)).toBeGreaterThan(2);
    expect(await panel.getByLabel('Sentence timings').textContent()).toMatch(/WEBVTT[\s\S]*00:00:00\.000 --> [\s\S]*It speaks any text I type\./);
  }, 900_000);

  it('tells the person what to do when the URL has no token', async () => {
    const studio = await serve(['--home', tempDir()]);
    const browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`${studio.origin}/#/settings`);
    await page.getByRole('alert').first().waitFor();
    expect(await page.getByRole('alert').first().textContent()).toContain('URL that `likeness serve` printed');
  });
});
