// `likeness twin`: pack from a stored model version, inspect, verify, grant, publish rules, export/import, push/pull
// against a real OCI registry, erase; as real processes with clear refusals.
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../main/cli/exit-codes.js';
import { openStudio } from '../../../main/core/studio.js';
import { exportLayoutTar } from '../../../main/core/twin/oci/tar.js';
import { startRegistry } from '../../support/registry.js';
import { runCliProcess } from '../../support/serve.js';
import { suiteDir, tempDir } from '../../support/tmp.js';
import { addStoredVoiceModel } from '../../fixtures/stored-voice-model.js';

const PASSPHRASE = 'correct horse battery staple';
const FAST = { LIKENESS_SCRYPT_N: String(2 ** 12), LIKENESS_PASSPHRASE: PASSPHRASE };


let registry: Awaited<ReturnType<typeof startRegistry>>;
let home: string;
let removeHome: () => void;
let twinId: string;

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCliProcess([...args, '--home', home], { ...FAST, ...env });

beforeAll(async () => {
  registry = await startRegistry();
  ({ dir: home, remove: removeHome } = suiteDir());
  expect((await cli(['identity', 'create'])).code).toBe(EXIT.ok);
  const studio = openStudio(home);
  try {
    (await addStoredVoiceModel(studio, 300_000));
  } finally {
    await studio.close();
  }
}, 60_000);

afterAll(async () => {
  await registry?.stop();
  removeHome?.();
});

describe('likeness twin', () => {
  it('refuses to pack without a model, naming what to train', async () => {
    const none = await cli(['twin', 'pack', '--name', 'Nothing']);
    expect(none.code).toBe(EXIT.usage);
    expect(none.stderr).toMatch(/Choose a voice model, a face model or both/);
    const noFace = await cli(['twin', 'pack', '--face', 'latest']);
    expect(noFace.code).toBe(EXIT.usage);
    expect(noFace.stderr).toMatch(/no face model yet/);
  });

  it('packs the voice model, inspects it without a key and verifies it with one', async () => {
    const packed = await cli(['twin', 'pack', '--name', 'Ada', '--voice', 'latest', '--json']);
    expect(packed.stderr).not.toContain(PASSPHRASE);
    expect(packed.code).toBe(EXIT.ok);
    const twin = JSON.parse(packed.stdout) as { id: string; owner: string; parts: { name: string }[]; rulesVersion: number };
    twinId = twin.id;
    expect(twin.parts.map((p) => p.name)).toEqual(['voice-model', 'voice-report']);
    expect(twin.rulesVersion).toBe(1);

    const inspected = await runCliProcess(['twin', 'inspect', twinId, '--home', home]);
    expect(inspected.code).toBe(EXIT.ok);
    expect(inspected.stdout).toContain(twin.owner);
    expect(inspected.stdout).toMatch(/May be used for/);

    const verified = await cli(['twin', 'verify', twinId, '--decrypt']);
    expect(verified.code).toBe(EXIT.ok);
    expect(verified.stdout).toMatch(/Verified: signed by its owner .* every layer decrypts/);
  });

  it('grants a key and publishes rules without changing the manifest; refuses rules that fail the schema, naming each error', async () => {
    const before = JSON.parse((await cli(['twin', 'inspect', twinId, '--json'])).stdout) as { manifestDigest: string };
    const licensee = Wallet.createRandom();
    const granted = await cli(['twin', 'grant-key', twinId, '--to', licensee.signingKey.publicKey]);
    expect(granted.code).toBe(EXIT.ok);
    expect(granted.stdout).toContain(licensee.address);

    const bad = join(tempDir(), 'bad.json');
    writeFileSync(bad, JSON.stringify({ schema: 'likeness.rules/v1', purposes: [], languages: ['not a tag'] }));
    const refused = await cli(['twin', 'rules', twinId, '--rules', bad]);
    expect(refused.code).toBe(EXIT.usage);
    expect(refused.stderr).toMatch(/purposes/);
    expect(refused.stderr).toMatch(/languages\.0/);

    const good = join(tempDir(), 'rules.json');
    writeFileSync(
      good,
      JSON.stringify({
        schema: 'likeness.rules/v1',
        purposes: ['personal'],
        languages: ['en', 'es'],
        blockedCategories: ['political'],
        blockedTerms: [],
        aiLabelRequired: true,
        expiresAt: null,
        validators: { addresses: [], threshold: 0 },
        licenceFee: null,
      }),
    );
    const published = await cli(['twin', 'rules', twinId, '--rules', good]);
    expect(published.code).toBe(EXIT.ok);
    const after = JSON.parse((await cli(['twin', 'inspect', twinId, '--json'])).stdout) as { manifestDigest: string; rulesVersion: number; recipients: { address: string }[] };
    expect(after.manifestDigest).toBe(before.manifestDigest);
    expect(after.rulesVersion).toBe(2);
    expect(after.recipients.map((r) => r.address)).toContain(licensee.address);
  });

  it('exports to one file and imports it; refuses an altered file and keeps nothing of it', async () => {
    const file = join(tempDir(), 'twin.tar');
    expect((await cli(['twin', 'export', twinId, '-o', file])).code).toBe(EXIT.ok);
    const imported = await cli(['twin', 'import', file, '--json']);
    expect(imported.code).toBe(EXIT.ok);
    expect((JSON.parse(imported.stdout) as { id: string }).id).not.toBe(twinId);

    const twinsBefore = readdirSync(join(home, 'twins')).length;
    const altered = join(tempDir(), 'altered');
    cpSync(join(home, 'twins', twinId, 'layout'), altered, { recursive: true });
    const index = join(altered, 'index.json');
    writeFileSync(index, ` ${readFileSync(index, 'utf8')}`);
    const alteredTar = join(tempDir(), 'altered.tar');
    await exportLayoutTar(altered, alteredTar);
    const refused = await cli(['twin', 'import', alteredTar]);
    expect(refused.code).not.toBe(EXIT.ok);
    expect(refused.stderr).toMatch(/index\.json/);
    expect(readdirSync(join(home, 'twins')).length).toBe(twinsBefore);
  });

  it('pushes to a real OCI registry and pulls it back verified; a registry that is down is named and nothing is lost', async () => {
    const pushed = await cli(['twin', 'push', twinId, '--registry', registry.url, '--repo', 'creators/ada', '--tag', 'v1']);
    expect(pushed.stderr).toBe('');
    expect(pushed.code).toBe(EXIT.ok);
    const pulled = await cli(['twin', 'pull', '--registry', registry.url, '--repo', 'creators/ada', '--ref', 'v1', '--json']);
    expect(pulled.code).toBe(EXIT.ok);
    const twin = JSON.parse(pulled.stdout) as { id: string; rulesVersion: number; problems: unknown[] };
    expect(twin.rulesVersion).toBe(2);
    expect(twin.problems).toEqual([]);
    expect((await cli(['twin', 'verify', twin.id, '--decrypt'])).code).toBe(EXIT.ok);

    const twinsBefore = readdirSync(join(home, 'twins')).length;
    const down = await cli(['twin', 'pull', '--registry', 'http://127.0.0.1:9', '--repo', 'creators/ada', '--ref', 'v1']);
    expect(down.code).toBe(EXIT.unavailable);
    expect(down.stderr).toMatch(/cannot be reached/);
    expect(readdirSync(join(home, 'twins')).length).toBe(twinsBefore);
  });

  it('erases the keys here: the twin can no longer be opened on this machine', async () => {
    expect((await cli(['twin', 'open', twinId])).code).toBe(EXIT.ok);
    const unconfirmed = await cli(['twin', 'erase', twinId]);
    expect(unconfirmed.code).toBe(EXIT.usage);
    const erased = await cli(['twin', 'erase', twinId, '--yes']);
    expect(erased.code).toBe(EXIT.ok);
    expect(readdirSync(join(home, 'twins', twinId))).toEqual(['layout']);
    const open = await cli(['twin', 'open', twinId]);
    expect(open.code).not.toBe(EXIT.ok);
    expect(open.stderr).toMatch(/holds no key for .*its keys were erased here/);
  });
});
