// `likeness identity`: create, show, export and import as real processes; the passphrase never printed; clear refusals and exit codes.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli.js';
import { EXIT } from '../../../main/cli/exit-codes.js';
import { unlockKeystore } from '../../../main/core/twin/identity/keystore.js';
import { IdentityService } from '../../../main/core/twin/identity/service.js';
import { runCliProcess } from '../../support/serve.js';
import { tempDir } from '../../support/tmp.js';

const PASSPHRASE = 'Tr0ub4dor&3-horse';
// The CLI runs in a child process that no option reaches; this variable is honoured only under the test runner.
const FAST = { LIKENESS_SCRYPT_N: String(2 ** 12), LIKENESS_PASSPHRASE: PASSPHRASE };

function addressIn(text: string): string {
  const match = /0x[0-9a-fA-F]{40}/.exec(text);
  expect(match).not.toBeNull();
  return match![0];
}

function wordsIn(text: string): string[] {
  return [...text.matchAll(/\b\d{1,2}\. ([a-z]+)/g)].map((m) => m[1]!);
}

// Each run starts tsx and opens a studio: seconds apiece on a loaded machine.
describe('likeness identity', { timeout: 120_000 }, () => {
  it('creates an identity from LIKENESS_PASSPHRASE, prints its address and words once, shows and exports it', async () => {
    const home = tempDir();
    const created = await runCliProcess(['identity', 'create', '--home', home], FAST);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const address = addressIn(created.stdout);
    const words = wordsIn(created.stdout);
    expect(words.length).toBeGreaterThanOrEqual(12);
    expect(created.stdout).toMatch(/Write them down/);

    const shown = await runCliProcess(['identity', 'show', '--home', home]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`Identity: ${address}`);
    expect(shown.stdout).toContain('Recovery words backed up: no');
    expect(wordsIn(shown.stdout)).toEqual([]);
    const json = await runCliProcess(['identity', 'show', '--json', '--home', home]);
    expect(JSON.parse(json.stdout)).toEqual({ exists: true, address, unlocked: false, backedUp: false });

    const out = join(tempDir(), 'backup.json');
    const exported = await runCliProcess(['identity', 'export', '--out', out, '--home', home]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(address);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const keystore = readFileSync(out, 'utf8');
    expect(keystore).not.toContain(words.join(' '));
    expect(keystore).not.toContain(PASSPHRASE);
    expect((await unlockKeystore(keystore, PASSPHRASE)).address).toBe(address);
    // An existing file is never overwritten.
    const again = await runCliProcess(['identity', 'export', '--out', out, '--home', home]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists already');

    for (const run of [created, shown, json, exported, again]) expect(run.stdout + run.stderr).not.toContain(PASSPHRASE);
  });

  it('imports from recovery words or a keystore file, refusing to replace without --replace', async () => {
    const { address, words } = await new IdentityService(tempDir(), { scryptN: 2 ** 12 }).create(PASSPHRASE);
    const wordsFile = join(tempDir(), 'words.txt');
    writeFileSync(wordsFile, `${words.join(' ')}\n`);
    const passFile = join(tempDir(), 'pass.txt');
    writeFileSync(passFile, 'another long passphrase\n');

    const home = tempDir();
    const fromWords = await runCliProcess(['identity', 'import', '--mnemonic-file', wordsFile, '--passphrase-file', passFile, '--home', home], { LIKENESS_SCRYPT_N: String(2 ** 12) });
    expect(fromWords.stderr).toBe('');
    expect(fromWords.code).toBe(0);
    expect(fromWords.stdout).toContain(`Imported your identity: ${address}`);
    const stored = readFileSync(join(home, 'identity', 'keystore.json'), 'utf8');
    expect((await unlockKeystore(stored, 'another long passphrase')).address).toBe(address);

    const other = tempDir();
    await new IdentityService(other, { scryptN: 2 ** 12 }).create(PASSPHRASE);
    const keystore = join(other, 'identity', 'keystore.json');
    const refused = await runCliProcess(['identity', 'import', '--keystore', keystore, '--home', home], FAST);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already has an identity');
    expect(readFileSync(join(home, 'identity', 'keystore.json'), 'utf8')).toBe(stored);

    const replaced = await runCliProcess(['identity', 'import', '--keystore', keystore, '--replace', '--home', home], FAST);
    expect(replaced.code).toBe(0);
    expect(readFileSync(join(home, 'identity', 'keystore.json'), 'utf8')).toBe(readFileSync(keystore, 'utf8'));
  });

  it('refuses a wrong passphrase with a clear message and a non-zero exit, without printing it', async () => {
    const source = tempDir();
    await new IdentityService(source, { scryptN: 2 ** 12 }).create(PASSPHRASE);
    const wrong = 'not-the-right-passphrase';
    const attempt = await runCliProcess(['identity', 'import', '--keystore', join(source, 'identity', 'keystore.json'), '--home', tempDir()], { ...FAST, LIKENESS_PASSPHRASE: wrong });
    expect(attempt.code).toBe(1);
    expect(attempt.stderr).toContain('Wrong passphrase');
    expect(attempt.stdout + attempt.stderr).not.toContain(wrong);
  });

  it('refuses weak passphrases, a missing passphrase and bad usage with exit 2', async () => {
    const home = tempDir();
    const weak = await runCliProcess(['identity', 'create', '--home', home], { ...FAST, LIKENESS_PASSPHRASE: 'short' });
    expect(weak.code).toBe(2);
    expect(weak.stderr).toContain('at least 8 characters');
    // No terminal here (stdin is not a TTY), so without a file or the variable there is nothing to ask.
    const missing = await runCliProcess(['identity', 'create', '--home', home], { LIKENESS_PASSPHRASE: '' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--passphrase-file');
    // Usage is checked before the home is opened, so these run in this process.
    const io = { out: () => undefined, err: () => undefined };
    expect(await runCli(['identity', '--home', home], io)).toBe(EXIT.usage);
    expect(await runCli(['identity', 'unlock', '--home', home], io)).toBe(EXIT.usage);
    expect(await runCli(['identity', 'show', 'extra', '--home', home], io)).toBe(EXIT.usage);
    expect(await runCli(['identity', 'import', '--home', home], io)).toBe(EXIT.usage);
    expect(await runCli(['identity', 'import', '--mnemonic-file', 'a', '--keystore', 'b', '--home', home], io)).toBe(EXIT.usage);
    expect(await runCli(['identity', 'export', '--home', home], io)).toBe(EXIT.usage);
    expect(await runCli(['identity', 'create', '--passphrase', 'on-the-command-line', '--home', home], io)).toBe(EXIT.usage);
    const none = await runCliProcess(['identity', 'export', '--out', join(home, 'x.json'), '--home', home]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no identity yet');
    const show = await runCliProcess(['identity', 'show', '--home', home]);
    expect(show.stdout).toContain('No identity yet');
  });
});
