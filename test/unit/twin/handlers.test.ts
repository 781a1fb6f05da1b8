// The twin calls through the bridge's handlers and dispatcher over a real studio: rules preview, refusals, and a
// pack → list → verify → grant → rules → export/import → erase → remove round trip on a small inserted model; test process.
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDispatcher } from '../../../main/bridge/dispatch.js';
import { createHandlers } from '../../../main/bridge/handlers.js';
import type { CallName, CallOutput, Envelope, ErrorBody } from '../../../main/contract/index.js';
import { defaultTwinRules } from '../../../main/contract/models.js';
import { type Studio, openStudio } from '../../../main/core/studio.js';
import { tempDir } from '../../support/tmp.js';
import { TEST_VOICE_REPORT } from '../../fixtures/stored-voice-model.js';

const PASS = 'correct horse battery';


describe('twin calls through the handlers', () => {
  let studio: Studio | undefined;
  const logged: string[] = [];

  beforeEach(() => {
    // A cheap scrypt for the keystore: honoured only under a test runner.
    vi.stubEnv('LIKENESS_SCRYPT_N', String(2 ** 12));
    logged.length = 0;
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await studio?.close();
    studio = undefined;
  });

  function open() {
    studio = openStudio(tempDir());
    const dispatcher = createDispatcher(createHandlers(studio, 'loopback'), (message) => logged.push(message));
    const invoke = (name: CallName, input: unknown) => dispatcher.invoke(name, input);
    /** The call's value, or the test fails with the error it answered. */
    const call = async <K extends CallName>(name: K, input: unknown): Promise<CallOutput<K>> => {
      const answer = await invoke(name, input);
      if (!answer.ok) throw new Error(`${name}: ${answer.error.code} ${answer.error.message}`);
      return answer.value as CallOutput<K>;
    };
    const refusal = async (name: CallName, input: unknown): Promise<ErrorBody> => {
      const answer: Envelope<unknown> = await invoke(name, input);
      if (answer.ok) throw new Error(`${name} was expected to fail`);
      return answer.error;
    };
    return { studio, call, refusal };
  }

  async function unlockedIdentity(s: Studio): Promise<string> {
    const { address } = await s.identity.create(PASS);
    await s.identity.unlock(PASS);
    return address;
  }

  /** A trained voice model's row without training: a small blob as its weights and a realistic report. */
  async function insertVoiceModel(s: Studio) {
    const blob = await s.blobs.put(randomBytes(48 * 1024), { mediaType: 'application/octet-stream' });
    return s.voiceModels.add({ model: blob.digest, report: TEST_VOICE_REPORT, samples: null, jobId: `job_${randomBytes(8).toString('hex')}` });
  }

  it('previews rules: the summary for valid ones, every error named at its field for bad ones', async () => {
    const { call } = open();
    const good = await call('twin.rulesPreview', { rules: defaultTwinRules() });
    expect(good.ok).toBe(true);
    expect(good.errors).toEqual([]);
    expect(good.summary).toContain('May be used for personal videos and education.');
    expect(good.summary).toContain('No licence fee.');

    const fee = await call('twin.rulesPreview', { rules: { ...defaultTwinRules(), licenceFee: { amountWei: '50000000000000000', currency: 'ETH' } } });
    expect(fee.summary).toContain('Licence fee: 0.05 ETH.');

    const bad = await call('twin.rulesPreview', {
      rules: {
        ...defaultTwinRules(),
        purposes: [],
        languages: ['en', 'not a tag'],
        validators: { addresses: [], threshold: 2 },
        licenceFee: { amountWei: '0.05', currency: 'ETH' },
        colour: 'blue',
      },
    });
    expect(bad.ok).toBe(false);
    expect(bad.summary).toEqual([]);
    const paths = bad.errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['purposes', 'languages.1', 'validators.threshold', 'licenceFee.amountWei', 'colour']));
    expect(bad.errors.find((e) => e.path === 'languages.1')?.message).toMatch(/not a BCP-47 language tag/);
    expect(bad.errors.find((e) => e.path === 'colour')?.message).toMatch(/not a field the rules have/);
  });

  it('refuses rules that are not an object at the contract, before the studio sees them', async () => {
    const { refusal } = open();
    expect(await refusal('twin.rulesPreview', { rules: 'any' })).toMatchObject({ code: 'invalid-input', issues: [{ path: 'rules' }] });
    expect(await refusal('twin.rulesPreview', { rules: [] })).toMatchObject({ code: 'invalid-input' });
  });

  it('lists no twins in a new studio', async () => {
    const { call } = open();
    expect(await call('twin.list', {})).toEqual([]);
  });

  it('refuses to pack without a model, saying what to choose, and names bad rules first', async () => {
    const { studio: s, refusal } = open();
    await unlockedIdentity(s);
    const noModel = await refusal('twin.pack', { name: 'My twin', rules: defaultTwinRules() });
    expect(noModel.code).toBe('invalid-input');
    expect(noModel.message).toMatch(/Choose a voice model, a face model or both/);

    const badRules = await refusal('twin.pack', { name: 'My twin', rules: { ...defaultTwinRules(), purposes: ['gambling'] } });
    expect(badRules.code).toBe('invalid-input');
    expect(badRules.issues).toEqual([expect.objectContaining({ path: 'purposes.0', message: expect.stringMatching(/"gambling" is not a purpose/) })]);

    const unknownModel = await refusal('twin.pack', { name: 'My twin', rules: defaultTwinRules(), voiceModel: 'voice_0123456789abcdef' });
    expect(unknownModel.code).toBe('not-found');
    expect(await refusal('twin.pack', { name: '  ', rules: defaultTwinRules() })).toMatchObject({ code: 'invalid-input', issues: [{ path: 'name' }] });
  });

  it('refuses to pack while the identity is locked, with the identity saying why', async () => {
    const { studio: s, refusal } = open();
    await s.identity.create(PASS);
    const model = await insertVoiceModel(s);
    const locked = await refusal('twin.pack', { name: 'My twin', rules: defaultTwinRules(), voiceModel: model.id });
    expect(locked.code).toBe('forbidden');
    expect(await s.twins.list()).toEqual([]);
  });

  it('packs, lists, verifies, grants, publishes rules, rotates, erases and removes a twin', async () => {
    const { studio: s, call, refusal } = open();
    const owner = await unlockedIdentity(s);
    const model = await insertVoiceModel(s);

    const twin = await call('twin.pack', { name: 'My twin', rules: defaultTwinRules(), voiceModel: model.id });
    expect(twin).toMatchObject({ name: 'My twin', owner, rulesVersion: 1, consent: null, problems: [] });
    expect(twin.parts.map((p) => p.name)).toEqual(['voice-model', 'voice-report']);
    expect(twin.models).toEqual([expect.objectContaining({ kind: 'voice', version: 1, figures: expect.objectContaining({ mcdConvertedDb: TEST_VOICE_REPORT.mcdConvertedDb }) })]);
    expect(twin.recipients.map((r) => r.address)).toEqual([owner]);

    const listed = await call('twin.list', {});
    expect(listed.map((t) => t.id)).toEqual([twin.id]);
    expect(await call('twin.inspect', { id: twin.id })).toEqual(listed[0]);

    expect(await call('twin.verify', { id: twin.id })).toEqual({ ok: true, problems: [], decrypted: false, rulesVersion: 1, owner, manifestDigest: twin.manifestDigest });
    expect(await call('twin.verify', { id: twin.id, decrypt: true })).toMatchObject({ ok: true, decrypted: true });

    const licensee = Wallet.createRandom();
    const granted = await call('twin.grant', { id: twin.id, publicKey: licensee.signingKey.compressedPublicKey });
    expect(granted).toEqual({ recipient: licensee.address, manifestDigest: twin.manifestDigest, added: true });
    expect((await call('twin.grant', { id: twin.id, publicKey: ` ${licensee.signingKey.publicKey} ` })).added).toBe(false);
    expect((await refusal('twin.grant', { id: twin.id, publicKey: licensee.privateKey.slice(0, 40) })).code).toBe('invalid-input');

    const published = await call('twin.rules', { id: twin.id, rules: { ...defaultTwinRules(), purposes: ['personal'], licenceFee: { amountWei: '1000000000000000000', currency: 'ETH' } } });
    expect(published.version).toBe(2);
    const republished = await call('twin.inspect', { id: twin.id });
    expect(republished.rulesVersion).toBe(2);
    expect(republished.rulesSummary).toContain('Licence fee: 1 ETH.');
    expect(republished.recipients.map((r) => r.address).sort()).toEqual([owner, licensee.address].sort());

    const rotated = await call('twin.rotate', { id: twin.id, revoke: [licensee.address] });
    expect(rotated).toMatchObject({ previousManifestDigest: twin.manifestDigest, recipients: [], revoked: [licensee.address] });
    expect(rotated.manifestDigest).not.toBe(twin.manifestDigest);
    expect((await call('twin.inspect', { id: twin.id })).recipients.map((r) => r.address)).toEqual([owner]);

    expect(await call('twin.erase', { id: twin.id })).toEqual({ envelopesRemoved: 1 });
    expect((await call('twin.inspect', { id: twin.id })).recipients).toEqual([]);
    const after = await call('twin.verify', { id: twin.id, decrypt: true });
    expect(after.ok).toBe(false);
    expect(after.decrypted).toBe(false);
    expect(after.problems).toEqual([expect.objectContaining({ part: 'key envelopes' })]);
    expect(await call('twin.verify', { id: twin.id })).toMatchObject({ ok: true });

    expect(await call('twin.remove', { id: twin.id })).toEqual({ id: twin.id });
    expect(await call('twin.list', {})).toEqual([]);
    expect((await refusal('twin.inspect', { id: twin.id })).code).toBe('not-found');
    expect(existsSync(join(s.twins.root, twin.id))).toBe(false);
    expect(logged).toEqual([]);
  });

  it('exports a twin to one new file and imports it back; refuses to overwrite, relative paths, missing folders and non-twins', async () => {
    const { studio: s, call, refusal } = open();
    await unlockedIdentity(s);
    const model = await insertVoiceModel(s);
    const twin = await call('twin.pack', { name: 'Exported', rules: defaultTwinRules(), voiceModel: model.id });
    const taken = join(tempDir(), 'taken.tar');
    writeFileSync(taken, 'mine');
    expect((await refusal('twin.export', { id: twin.id, path: taken })).code).toBe('conflict');
    expect((await refusal('twin.export', { id: twin.id, path: 'relative/my-twin.tar' })).code).toBe('invalid-input');
    expect((await refusal('twin.export', { id: twin.id, path: join(tempDir(), 'missing', 'my-twin.tar') })).code).toBe('not-found');
    expect((await refusal('twin.import', { path: join(tempDir(), 'nothing.tar') })).code).toBe('not-found');
    const notTwin = join(tempDir(), 'not-a-twin.tar');
    writeFileSync(notTwin, 'hello');
    expect((await refusal('twin.import', { path: notTwin })).code).toBe('invalid-input');

    const out = join(tempDir(), 'my-twin.tar');
    const exported = await call('twin.export', { id: twin.id, path: out });
    expect(exported.path).toBe(out);
    expect(exported.bytes).toBeGreaterThan(48 * 1024);
    const imported = await call('twin.import', { path: out });
    expect(imported.id).not.toBe(twin.id);
    expect(imported.manifestDigest).toBe(twin.manifestDigest);
    expect((await call('twin.list', {})).map((t) => t.id).sort()).toEqual([twin.id, imported.id].sort());
    expect(logged).toEqual([]);
  });

  it('never answers or logs a registry token, even when the registry cannot be reached', async () => {
    const { studio: s, refusal } = open();
    await unlockedIdentity(s);
    const model = await insertVoiceModel(s);
    const twin = await s.twins.pack({ name: 'Pushed', rules: defaultTwinRules(), voiceModel: model.id });
    const token = 'tok_Secret-1234567890abcdef';
    const push = await refusal('twin.push', { id: twin.id, registry: 'http://127.0.0.1:9', repository: 'me/my-twin', tag: 'v1', token });
    expect(push.code).toBe('unavailable');
    const pull = await refusal('twin.pull', { registry: 'http://127.0.0.1:9', repository: 'me/my-twin', reference: 'v1', token });
    expect(pull.code).toBe('unavailable');
    const badToken = await refusal('twin.push', { id: twin.id, registry: 'http://127.0.0.1:9', repository: 'me/my-twin', token: `${token}\nX-Evil: 1` });
    expect(badToken.code).toBe('invalid-input');
    for (const answer of [push, pull, badToken]) expect(JSON.stringify(answer)).not.toContain(token);
    expect(logged.join('\n')).not.toContain(token);
  });
});
