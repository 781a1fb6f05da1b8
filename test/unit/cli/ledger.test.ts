// `likeness license` and `likeness receipts`: usage errors, a request written as a file the owner can parse, and a malformed proof refused by a real process with a clear message.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../../main/cli.js';
import { EXIT } from '../../../main/cli/exit-codes.js';
import { parseLicenceRequest } from '../../../main/core/ledger/licences.js';
import { openStudio } from '../../../main/core/studio.js';
import { runCliProcess } from '../../support/serve.js';
import { suiteDir, tempDir } from '../../support/tmp.js';

const PASSPHRASE = 'correct horse battery staple';
const DIGEST = `sha256:${'ab'.repeat(32)}`;

let home: string;
let removeHome: () => void;
let address: string;

/** Runs a verb in this process (no tsx start-up), collecting what it prints. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli([...args, '--home', home], { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  vi.stubEnv('LIKENESS_SCRYPT_N', String(2 ** 12));
  vi.stubEnv('LIKENESS_PASSPHRASE', PASSPHRASE);
  ({ dir: home, remove: removeHome } = suiteDir());
  const studio = openStudio(home);
  try {
    address = (await studio.identity.create(PASSPHRASE)).address;
  } finally {
    await studio.close();
  }
}, 60_000);

afterAll(() => {
  removeHome?.();
  vi.unstubAllEnvs();
});

describe('likeness license and receipts', { timeout: 60_000 }, () => {
  it('exits 2 on usage errors, saying what is missing', async () => {
    const cases: [string[], RegExp][] = [
      [['license'], /Say what to do: request, evaluate, approve, pay, grant, revoke, verify/],
      [['license', 'grant'], /grant needs the licence hash/],
      [['license', 'pay'], /pay needs the licence request file/],
      [['license', 'pay', 'request.json', '--max-fee', 'lots'], /--max-fee lots is not an amount of ETH \(for example 0\.05\)/],
      [['license', 'pay', 'request.json', '--max-fee=-1'], /--max-fee -1 is not an amount of ETH/],
      [['license', 'evaluate', 'request.json'], /evaluate needs --twin/],
      [['license', 'request', '--twin-digest', DIGEST, '--purpose', 'education'], /request needs --lang/],
      [['receipts', 'issue', '--twin', 'twin_000000000000'], /issue needs --output/],
      [['receipts', 'prove', 'a', 'b'], /Unexpected b/],
      [['receipts', 'verify', '--bogus'], /Unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(args);
      expect(run.code, args.join(' ')).toBe(EXIT.usage);
      expect(run.err).toMatch(message);
    }
  });

  it('writes a licence request with the identity\'s address and public key that the owner can parse', async () => {
    const file = join(tempDir(), 'request.json');
    const run = await cli(['license', 'request', '--twin-digest', DIGEST, '--purpose', 'education', '--lang', 'en,es', '--from', '2030-01-01T00:00:00Z', '--to', '2030-06-01T00:00:00Z', '--max-renders', '25', '-o', file]);
    expect(run.err).toContain(`Wrote the licence request to ${file}`);
    expect(run.code).toBe(EXIT.ok);
    const request = parseLicenceRequest(readFileSync(file, 'utf8'));
    expect(request).toMatchObject({ twin: DIGEST, licensee: address, purpose: 'education', languages: ['en', 'es'], maxRenders: 25, tokenId: null, term: { to: '2030-06-01T00:00:00Z' } });
    expect(`${run.out}${run.err}`).not.toContain(PASSPHRASE);
  });

  it('refuses a malformed proof file in a real process, naming its problems', async () => {
    const file = join(tempDir(), 'proof.json');
    writeFileSync(file, JSON.stringify({ schema: 'likeness.receipt-proof/v1', root: '0x12' }));
    const run = await runCliProcess(['receipts', 'verify', file, '--home', home]);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toMatch(/The receipt proof is not valid: .*root: expected a hash/);
    expect(run.stderr).toMatch(/receipt: missing/);
  });
});
