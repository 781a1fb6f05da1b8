// The twin calls' schemas: realistic inputs and answers accepted, malformed ones refused without echoing secrets; the
// contract's mirror of the rules vocabulary kept equal to the studio's; the editor's exact ETH to wei conversion.
import { Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { calls } from '../../../main/contract/calls.js';
import { TWIN_CONTENT_CATEGORIES, TWIN_PART_NAMES, TWIN_PURPOSES, TWIN_RULES_SCHEMA, TwinRules, TwinSummary, defaultTwinRules } from '../../../main/contract/models.js';
import { PART_NAMES } from '../../../main/core/twin/format.js';
import { CONTENT_CATEGORIES, PURPOSES, RULES_SCHEMA, defaultRules, parseRules } from '../../../main/core/twin/rules/schema.js';
import { draftFromRules, ethToWei, fieldOf, rulesFromDraft, weiToEth } from '../../../renderer/screens/twin/rules-draft.js';

const ID = 'twin_0123456789ab';
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const OWNER = '0x8ba1f109551bD432803012645Ac136ddd64DBA72';
const LICENSEE = Wallet.createRandom();

const accepts = (name: keyof typeof calls, input: unknown) => calls[name].input.safeParse(input).success;

const SUMMARY = {
  id: ID,
  name: 'My twin',
  manifestDigest: DIGEST,
  owner: OWNER,
  createdAt: '2026-03-01T10:00:00.000Z',
  rulesVersion: 2,
  rulesDigest: DIGEST,
  rules: { ...defaultTwinRules(), purposes: ['personal', 'commercial-video'], languages: ['en', 'pt-BR'], licenceFee: { amountWei: '50000000000000000', currency: 'ETH' } },
  rulesSummary: ['May be used for personal videos and commercial videos.', 'Only in English (en) and Brazilian Portuguese (pt-BR).'],
  parts: [
    { name: 'voice-model', size: 52_428_800 },
    { name: 'voice-report', size: 2_048 },
    { name: 'consent-record', size: 1_024 },
  ],
  models: [{ kind: 'voice', version: 3, createdAt: '2026-02-27T09:00:00.000Z', figures: { mcdConvertedDb: 6.4, mcdReduction: 0.31, heldOutTakes: 4 } }],
  consent: { digest: DIGEST, language: 'en', accepted: true, createdAt: '2026-02-20T12:00:00.000Z' },
  recipients: [
    { address: OWNER, grantedAt: '2026-03-01T10:00:00.000Z' },
    { address: LICENSEE.address, grantedAt: '2026-03-02T10:00:00.000Z' },
  ],
  problems: [],
};

describe('twin call schemas', () => {
  it('defines every twin call', () => {
    expect(Object.keys(calls).filter((name) => name.startsWith('twin.')).sort()).toEqual(
      ['twin.list', 'twin.inspect', 'twin.pack', 'twin.verify', 'twin.grant', 'twin.rules', 'twin.rulesPreview', 'twin.rotate', 'twin.erase', 'twin.export', 'twin.import', 'twin.push', 'twin.pull', 'twin.remove'].sort(),
    );
  });

  it('accepts realistic inputs', () => {
    expect(accepts('twin.list', {})).toBe(true);
    expect(accepts('twin.inspect', { id: ID })).toBe(true);
    expect(accepts('twin.pack', { name: 'My twin', rules: defaultTwinRules(), voiceModel: 'voice_0123456789abcdef', faceModel: 'face_0123456789abcdef', consent: true })).toBe(true);
    expect(accepts('twin.pack', { name: 'Face only', rules: defaultTwinRules(), faceModel: 'face_0123456789abcdef' })).toBe(true);
    expect(accepts('twin.verify', { id: ID, decrypt: true })).toBe(true);
    expect(accepts('twin.grant', { id: ID, publicKey: LICENSEE.signingKey.compressedPublicKey })).toBe(true);
    expect(accepts('twin.grant', { id: ID, publicKey: ` ${LICENSEE.signingKey.publicKey}\n` })).toBe(true);
    expect(accepts('twin.rules', { id: ID, rules: { ...defaultTwinRules(), expiresAt: '2027-03-01T00:00:00Z' } })).toBe(true);
    expect(accepts('twin.rulesPreview', { rules: { purposes: 'oops' } })).toBe(true);
    expect(accepts('twin.rotate', { id: ID, revoke: [LICENSEE.address] })).toBe(true);
    expect(accepts('twin.rotate', { id: ID, revoke: [] })).toBe(true);
    expect(accepts('twin.erase', { id: ID })).toBe(true);
    expect(accepts('twin.export', { id: ID, path: '/home/ada/twins/my-twin.tar' })).toBe(true);
    expect(accepts('twin.export', { id: ID, path: 'C:\\Users\\ada\\my-twin.tar' })).toBe(true);
    expect(accepts('twin.import', { path: '/media/usb/my-twin.tar' })).toBe(true);
    expect(accepts('twin.push', { id: ID, registry: 'https://ghcr.io', repository: 'ada/my-twin', tag: 'v1', token: 'ghp_abcDEF123' })).toBe(true);
    expect(accepts('twin.push', { id: ID, registry: 'http://127.0.0.1:5000', repository: 'creators/ada' })).toBe(true);
    expect(accepts('twin.pull', { registry: 'https://ghcr.io', repository: 'ada/my-twin', reference: 'v1' })).toBe(true);
    expect(accepts('twin.pull', { registry: 'https://ghcr.io', repository: 'ada/my-twin', reference: DIGEST, token: 'ghp_abcDEF123' })).toBe(true);
    expect(accepts('twin.remove', { id: ID })).toBe(true);
  });

  it('trims what people paste: names, keys, paths and registry fields', () => {
    expect(calls['twin.pack'].input.parse({ name: '  My twin ', rules: {} }).name).toBe('My twin');
    expect(calls['twin.export'].input.parse({ id: ID, path: ' /tmp/x.tar ' }).path).toBe('/tmp/x.tar');
    expect(calls['twin.pull'].input.parse({ registry: ' https://ghcr.io ', repository: ' ada/twin ', reference: ' v1 ' })).toEqual({ registry: 'https://ghcr.io', repository: 'ada/twin', reference: 'v1' });
  });

  it('refuses malformed ids, extra fields and missing models of the wrong form', () => {
    expect(accepts('twin.inspect', { id: 'twin_../../etc' })).toBe(false);
    expect(accepts('twin.inspect', { id: 'twin_0123456789AB' })).toBe(false);
    expect(accepts('twin.inspect', { id: ID, extra: true })).toBe(false);
    expect(accepts('twin.list', { all: true })).toBe(false);
    expect(accepts('twin.pack', { name: '', rules: defaultTwinRules() })).toBe(false);
    expect(accepts('twin.pack', { name: 'x'.repeat(201), rules: defaultTwinRules() })).toBe(false);
    expect(accepts('twin.pack', { name: 'My twin', rules: defaultTwinRules(), voiceModel: 'latest' })).toBe(false);
    expect(accepts('twin.pack', { name: 'My twin', rules: defaultTwinRules(), faceModel: 'voice_0123456789abcdef' })).toBe(false);
    expect(accepts('twin.verify', { id: ID, decrypt: 'yes' })).toBe(false);
    expect(accepts('twin.rotate', { id: ID, revoke: ['not-an-address'] })).toBe(false);
    expect(accepts('twin.rotate', { id: ID })).toBe(false);
  });

  it('takes rules loosely as an object, leaving their errors to the studio, but refuses what is not one', () => {
    expect(accepts('twin.rulesPreview', { rules: {} })).toBe(true);
    expect(accepts('twin.rulesPreview', { rules: 'any' })).toBe(false);
    expect(accepts('twin.rulesPreview', { rules: ['personal'] })).toBe(false);
    expect(accepts('twin.rulesPreview', { rules: null })).toBe(false);
    expect(accepts('twin.rules', { id: ID })).toBe(false);
    expect(accepts('twin.pack', { name: 'My twin' })).toBe(false);
  });

  it('refuses a private key, a truncated key or an address where a public key belongs', () => {
    expect(accepts('twin.grant', { id: ID, publicKey: LICENSEE.privateKey })).toBe(false);
    expect(accepts('twin.grant', { id: ID, publicKey: LICENSEE.signingKey.compressedPublicKey.slice(0, -2) })).toBe(false);
    expect(accepts('twin.grant', { id: ID, publicKey: LICENSEE.address })).toBe(false);
    expect(accepts('twin.grant', { id: ID, publicKey: LICENSEE.signingKey.compressedPublicKey.slice(2) })).toBe(false);
  });

  it('refuses relative paths, which would land wherever the studio happened to start', () => {
    expect(accepts('twin.export', { id: ID, path: 'my-twin.tar' })).toBe(false);
    expect(accepts('twin.export', { id: ID, path: '../my-twin.tar' })).toBe(false);
    expect(accepts('twin.export', { id: ID, path: '' })).toBe(false);
    expect(accepts('twin.import', { path: '~/my-twin.tar' })).toBe(false);
  });

  it('refuses registries that are not http(s), carry credentials in the URL, or bad repository names and references', () => {
    const push = (fields: Record<string, unknown>) => accepts('twin.push', { id: ID, registry: 'https://ghcr.io', repository: 'ada/my-twin', ...fields });
    expect(push({ registry: 'ftp://ghcr.io' })).toBe(false);
    expect(push({ registry: 'ghcr.io' })).toBe(false);
    expect(push({ registry: 'https://ada:hunter2@ghcr.io' })).toBe(false);
    expect(push({ repository: 'Ada/My-Twin' })).toBe(false);
    expect(push({ repository: 'ada//twin' })).toBe(false);
    expect(push({ tag: '-v1' })).toBe(false);
    expect(push({ tag: 'v'.repeat(129) })).toBe(false);
    expect(accepts('twin.pull', { registry: 'https://ghcr.io', repository: 'ada/my-twin', reference: 'sha256:1234' })).toBe(false);
    expect(accepts('twin.pull', { registry: 'https://ghcr.io', repository: 'ada/my-twin' })).toBe(false);
  });

  it('refuses a token that could not travel in a header, without repeating it', () => {
    const token = 'ghp_Secret123\r\nX-Injected: 1';
    for (const bad of [token, '', 'with space']) {
      const parsed = calls['twin.push'].input.safeParse({ id: ID, registry: 'https://ghcr.io', repository: 'ada/my-twin', token: bad });
      expect(parsed.success).toBe(false);
      if (!parsed.success && bad !== '') expect(JSON.stringify(parsed.error.issues)).not.toContain(bad);
    }
  });

  it('accepts a realistic twin summary, verification and rules preview, and refuses broken ones', () => {
    expect(calls['twin.inspect'].output.safeParse(SUMMARY).success).toBe(true);
    expect(calls['twin.list'].output.safeParse([SUMMARY, { ...SUMMARY, id: 'twin_ba9876543210', consent: null, recipients: [], problems: [{ part: 'owner signature', message: 'is missing' }] }]).success).toBe(true);
    expect(TwinSummary.safeParse({ ...SUMMARY, parts: [{ name: 'secrets', size: 1 }] }).success).toBe(false);
    expect(TwinSummary.safeParse({ ...SUMMARY, rulesVersion: 0 }).success).toBe(false);
    expect(TwinSummary.safeParse({ ...SUMMARY, owner: 'nobody' }).success).toBe(false);
    expect(TwinSummary.safeParse({ ...SUMMARY, rules: { ...SUMMARY.rules, licenceFee: { amountWei: '0.05', currency: 'ETH' } } }).success).toBe(false);

    const verified = { ok: true, problems: [], decrypted: true, rulesVersion: 2, owner: OWNER, manifestDigest: DIGEST };
    expect(calls['twin.verify'].output.safeParse(verified).success).toBe(true);
    expect(calls['twin.verify'].output.safeParse({ ok: false, problems: [{ part: 'index.json', message: 'is missing' }], decrypted: false, rulesVersion: null, owner: null, manifestDigest: null }).success).toBe(true);
    expect(calls['twin.verify'].output.safeParse({ ...verified, problems: [{ part: 'manifest' }] }).success).toBe(false);
    expect(calls['twin.verify'].output.safeParse({ ok: true, problems: [] }).success).toBe(false);

    expect(calls['twin.rulesPreview'].output.safeParse({ ok: false, errors: [{ path: 'languages.1', message: '"xx-!!" is not a BCP-47 language tag' }], summary: [] }).success).toBe(true);
    expect(calls['twin.rulesPreview'].output.safeParse({ ok: true, errors: [{ path: 1 }], summary: [] }).success).toBe(false);
    expect(calls['twin.export'].output.safeParse({ path: '/tmp/x.tar', bytes: 4096 }).success).toBe(true);
    expect(calls['twin.rotate'].output.safeParse({ previousManifestDigest: DIGEST, manifestDigest: DIGEST, recipients: [], revoked: [LICENSEE.address] }).success).toBe(true);
  });

  it('mirrors the studio rules vocabulary and defaults exactly', () => {
    expect(TWIN_RULES_SCHEMA).toBe(RULES_SCHEMA);
    expect([...TWIN_PURPOSES]).toEqual([...PURPOSES]);
    expect([...TWIN_CONTENT_CATEGORIES]).toEqual([...CONTENT_CATEGORIES]);
    expect([...TWIN_PART_NAMES]).toEqual([...PART_NAMES]);
    expect(defaultTwinRules()).toEqual(defaultRules());
    // Whatever the studio accepts as rules, the contract's answer schema accepts too.
    const full = parseRules({
      ...defaultRules(),
      purposes: [...PURPOSES],
      languages: ['en', 'zh-Hant'],
      blockedTerms: ['lottery'],
      expiresAt: '2027-03-01T00:00:00Z',
      validators: { addresses: [OWNER, LICENSEE.address], threshold: 2 },
      licenceFee: { amountWei: '1', currency: 'ETH' },
    });
    expect(full.ok).toBe(true);
    if (full.ok) expect(TwinRules.safeParse(full.rules).success).toBe(true);
  });
});

describe('the rules editor draft', () => {
  it('converts ETH to wei exactly, as a decimal string, and back', () => {
    expect(ethToWei('0.05')).toEqual({ ok: true, wei: '50000000000000000' });
    expect(ethToWei('1')).toEqual({ ok: true, wei: '1000000000000000000' });
    expect(ethToWei(' 0.1 ')).toEqual({ ok: true, wei: '100000000000000000' });
    expect(ethToWei('.5')).toEqual({ ok: true, wei: '500000000000000000' });
    expect(ethToWei('0.000000000000000001')).toEqual({ ok: true, wei: '1' });
    expect(ethToWei('123456789.123456789123456789')).toEqual({ ok: true, wei: '123456789123456789123456789' });
    expect(ethToWei('0')).toEqual({ ok: true, wei: '0' });
    // Floating point would give 299999999999999990 or similar here.
    expect(ethToWei('0.3')).toEqual({ ok: true, wei: '300000000000000000' });
    for (const bad of ['', '.', '1,5', '-1', '1e18', '0x10', '1.2.3', 'one']) expect(ethToWei(bad).ok).toBe(false);
    expect(ethToWei('0.0000000000000000001')).toMatchObject({ ok: false, message: expect.stringMatching(/18 decimal places/) });
    expect(weiToEth('50000000000000000')).toBe('0.05');
    expect(weiToEth('1000000000000000000')).toBe('1');
    expect(weiToEth('123456789123456789123456789')).toBe('123456789.123456789123456789');
    expect(weiToEth('0')).toBe('0');
  });

  it('round-trips the default rules and sends a fee it cannot read as typed, with its own error at the fee', () => {
    expect(rulesFromDraft(draftFromRules(defaultTwinRules()))).toEqual({ rules: defaultTwinRules(), localErrors: [] });
    const draft = { ...draftFromRules(defaultTwinRules()), fee: true, feeEth: '0,05', anyLanguage: false, languages: 'en, pt-BR  fr', blockedTerms: 'lottery\n\n  casino ', threshold: 'two' };
    const { rules, localErrors } = rulesFromDraft(draft);
    expect(rules).toMatchObject({ languages: ['en', 'pt-BR', 'fr'], blockedTerms: ['lottery', '  casino '], validators: { addresses: [], threshold: 'two' }, licenceFee: { amountWei: '0,05', currency: 'ETH' } });
    expect(localErrors).toEqual([{ path: 'licenceFee.amountWei', message: expect.stringMatching(/not an amount of ETH/) }]);
    const parsed = parseRules(rules);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      const fields = parsed.errors.map((e) => fieldOf(e).field);
      expect(fields).toEqual(expect.arrayContaining(['threshold', 'licenceFee']));
    }
  });

  it('shows each studio error at its field', () => {
    expect(fieldOf({ path: 'languages.1', message: 'bad tag' })).toEqual({ field: 'languages', message: 'bad tag' });
    expect(fieldOf({ path: 'blockedTerms.2', message: 'too long' })).toEqual({ field: 'blockedTerms', message: 'Term 3: too long' });
    expect(fieldOf({ path: 'validators.addresses.0', message: 'not an address' })).toEqual({ field: 'validators', message: 'Address 1: not an address' });
    expect(fieldOf({ path: 'validators.threshold', message: 'too high' })).toEqual({ field: 'threshold', message: 'too high' });
    expect(fieldOf({ path: 'colour', message: 'not a field' })).toEqual({ field: 'general', message: 'colour: not a field' });
    expect(fieldOf({ path: '', message: 'expected an object' })).toEqual({ field: 'general', message: 'expected an object' });
  });
});
