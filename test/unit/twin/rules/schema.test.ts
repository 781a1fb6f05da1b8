// Twin rules schema: the defaults parse, and every mistake a creator can make is reported at its field in words they understand; test process.
import { describe, expect, it } from 'vitest';
import { RULES_SCHEMA, type TwinRules, defaultRules, isLanguageTag, parseRules, twinRulesSchema } from '../../../../main/core/twin/rules/index.js';

const ALICE = '0x' + 'a1'.repeat(20);
const BOB = '0x' + 'b2'.repeat(20);

function fullRules(): TwinRules {
  return {
    schema: RULES_SCHEMA,
    purposes: ['personal', 'education', 'commercial-video'],
    languages: ['en', 'es-419', 'zh-Hant-TW', 'sl-rozaj-biske', 'x-klingon'],
    blockedCategories: ['political', 'sexual'],
    blockedTerms: ['casino', 'crypto giveaway'],
    aiLabelRequired: true,
    expiresAt: '2027-03-01T00:00:00Z',
    validators: { addresses: [ALICE, BOB], threshold: 2 },
    licenceFee: { amountWei: '50000000000000000', currency: 'ETH' },
  };
}

/** The errors for the full rules with `change` applied to a copy. */
function errorsWith(change: (rules: Record<string, unknown>) => void): { path: string; message: string }[] {
  const rules = structuredClone(fullRules()) as unknown as Record<string, unknown>;
  change(rules);
  const result = parseRules(rules);
  if (result.ok) throw new Error('expected the rules to be refused');
  return result.errors;
}

describe('twin rules schema', () => {
  it('accepts the default rules: personal and education, any language, the harmful categories blocked, labelled, no fee', () => {
    const rules = defaultRules();
    expect(parseRules(rules)).toEqual({ ok: true, rules });
    expect(rules).toMatchObject({ schema: 'likeness.rules/v1', purposes: ['personal', 'education'], languages: 'any', aiLabelRequired: true, expiresAt: null, licenceFee: null });
    expect(rules.blockedCategories).toEqual(['political', 'sexual', 'hate', 'violence', 'impersonation']);
    expect(rules.validators).toEqual({ addresses: [], threshold: 0 });
    expect(defaultRules()).not.toBe(defaultRules());
  });

  it('accepts a full rule set, trimming the blocked terms', () => {
    expect(parseRules(fullRules())).toEqual({ ok: true, rules: fullRules() });
    const padded = parseRules({ ...fullRules(), blockedTerms: ['  casino ', 'x'.repeat(100)] });
    expect(padded.ok && padded.rules.blockedTerms).toEqual(['casino', 'x'.repeat(100)]);
    expect(parseRules({ ...fullRules(), licenceFee: { amountWei: '0', currency: 'ETH' } }).ok).toBe(true);
    expect(parseRules({ ...fullRules(), expiresAt: '2028-02-29T12:30:00.250Z' }).ok).toBe(true);
  });

  it.each<[string, (rules: Record<string, unknown>) => void, string, RegExp]>([
    ['a malformed language tag', (r) => (r.languages = ['en', 'xx_YY']), 'languages.1', /^"xx_YY" is not a BCP-47 language tag/],
    ['a language listed twice in another case', (r) => (r.languages = ['en-GB', 'fr', 'EN-gb']), 'languages.2', /"EN-gb" repeats "en-GB"/],
    ['an empty language list', (r) => (r.languages = []), 'languages', /at least one language, or write "any"/],
    ['a word other than "any" for languages', (r) => (r.languages = 'all'), 'languages', /"any" or a list of language tags, not "all"/],
    ['a purpose listed twice', (r) => (r.purposes = ['personal', 'news', 'personal']), 'purposes.2', /"personal" is listed twice/],
    ['an unknown purpose', (r) => (r.purposes = ['personal', 'spam']), 'purposes.1', /"spam" is not a purpose; choose from personal, education/],
    ['no purpose at all', (r) => (r.purposes = []), 'purposes', /at least one purpose/],
    ['an unknown content category', (r) => (r.blockedCategories = ['gambling']), 'blockedCategories.0', /"gambling" is not a content category/],
    ['a category listed twice', (r) => (r.blockedCategories = ['hate', 'hate']), 'blockedCategories.1', /listed twice/],
    ['an empty blocked term', (r) => (r.blockedTerms = ['casino', '   ']), 'blockedTerms.1', /blocked term cannot be empty/],
    ['a blocked term over 100 characters', (r) => (r.blockedTerms = ['y'.repeat(101)]), 'blockedTerms.0', /longer than 100 characters/],
    ['more than 500 blocked terms', (r) => (r.blockedTerms = Array.from({ length: 501 }, (_, i) => `term${i}`)), 'blockedTerms', /at most 500 blocked terms, not 501/],
    ['a label flag that is not a boolean', (r) => (r.aiLabelRequired = 'yes'), 'aiLabelRequired', /expected true or false, not "yes"/],
    ['an expiry with an offset instead of UTC', (r) => (r.expiresAt = '2027-03-01T00:00:00+01:00'), 'expiresAt', /not a UTC timestamp/],
    ['an expiry on a day that does not exist', (r) => (r.expiresAt = '2027-02-29T00:00:00Z'), 'expiresAt', /"2027-02-29T00:00:00Z" is not a UTC timestamp/],
    ['a validator threshold above the validators named', (r) => (r.validators = { addresses: [ALICE, BOB], threshold: 3 }), 'validators.threshold', /^threshold 3 is more than the 2 validators named$/],
    ['a threshold with no validators named', (r) => (r.validators = { addresses: [], threshold: 1 }), 'validators.threshold', /none are named; use 0/],
    ['a zero threshold with validators named', (r) => (r.validators = { addresses: [ALICE], threshold: 0 }), 'validators.threshold', /at least 1 when validators are named/],
    ['a fractional threshold', (r) => (r.validators = { addresses: [ALICE], threshold: 1.5 }), 'validators.threshold', /whole number/],
    ['a malformed validator address', (r) => (r.validators = { addresses: [ALICE, '0x1234'], threshold: 1 }), 'validators.addresses.1', /"0x1234" is not an Ethereum address/],
    ['a validator named twice in another case', (r) => (r.validators = { addresses: [ALICE, ALICE.toUpperCase().replace('0X', '0x')], threshold: 1 }), 'validators.addresses.1', /repeats/],
    ['more than 32 validators', (r) => (r.validators = { addresses: Array.from({ length: 33 }, (_, i) => '0x' + i.toString(16).padStart(40, '0')), threshold: 1 }), 'validators.addresses', /at most 32 validators/],
    ['a fee in ETH instead of wei', (r) => (r.licenceFee = { amountWei: '0.05', currency: 'ETH' }), 'licenceFee.amountWei', /"0.05" is not a whole number of wei/],
    ['a fee with a leading zero', (r) => (r.licenceFee = { amountWei: '0100', currency: 'ETH' }), 'licenceFee.amountWei', /not a whole number of wei/],
    ['a fee as a number', (r) => (r.licenceFee = { amountWei: 5, currency: 'ETH' }), 'licenceFee.amountWei', /string of digits, not 5/],
    ['a fee beyond uint256', (r) => (r.licenceFee = { amountWei: (2n ** 256n).toString(), currency: 'ETH' }), 'licenceFee.amountWei', /more than a licence can carry/],
    ['a fee in another currency', (r) => (r.licenceFee = { amountWei: '1', currency: 'BTC' }), 'licenceFee.currency', /"BTC" is not a supported currency/],
    ['an unknown field', (r) => (r.colour = 'red'), 'colour', /^"colour" is not a field the rules have$/],
    ['an unknown field inside validators', (r) => (r.validators = { addresses: [], threshold: 0, quorum: 1 }), 'validators.quorum', /"quorum" is not a field/],
    ['another schema version', (r) => (r.schema = 'likeness.rules/v2'), 'schema', /"likeness.rules\/v2" is not a rules format this app reads; expected "likeness.rules\/v1"/],
    ['a missing field', (r) => delete r.aiLabelRequired, 'aiLabelRequired', /^missing: expected true or false$/],
  ])('refuses %s, naming the field', (_case, change, path, message) => {
    const errors = errorsWith(change);
    expect(errors).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('reports every error at once, not only the first', () => {
    const errors = errorsWith((r) => {
      r.schema = 'likeness.rules/v0';
      r.purposes = ['personal', 'personal'];
      r.languages = ['en', 'english_UK', 'fr', 'FR'];
      r.blockedTerms = [''];
      r.validators = { addresses: ['0xnope', BOB], threshold: 3 };
      r.licenceFee = { amountWei: '1e18', currency: 'ETH' };
      r.extra = true;
    });
    expect(errors.map((e) => e.path).sort()).toEqual(
      ['blockedTerms.0', 'extra', 'languages.1', 'languages.3', 'licenceFee.amountWei', 'purposes.1', 'schema', 'validators.addresses.0', 'validators.threshold'].sort(),
    );
    expect(errors.find((e) => e.path === 'validators.threshold')?.message).toBe('threshold 3 is more than the 2 validators named');
  });

  it('refuses a document that is not an object, at the empty path', () => {
    expect(parseRules(null)).toEqual({ ok: false, errors: [{ path: '', message: 'expected the rules as an object, not null' }] });
    expect(parseRules([])).toMatchObject({ ok: false, errors: [{ path: '' }] });
  });

  it('is strict when used as a zod schema directly', () => {
    expect(twinRulesSchema.safeParse({ ...defaultRules(), extra: 1 }).success).toBe(false);
    expect(twinRulesSchema.parse(fullRules())).toEqual(fullRules());
  });

  it.each(['en', 'EN-gb', 'es-419', 'zh-Hant-TW', 'zh-yue-HK', 'sl-rozaj-biske', 'de-CH-1901', 'en-US-u-ca-gregory', 'qaa-Qaaa-QM-x-southern', 'x-whatever', 'haw'])(
    'takes %s as a well-formed language tag',
    (tag) => expect(isLanguageTag(tag)).toBe(true),
  );

  it.each(['', 'xx_YY', 'e', 'en_US', 'en US', 'abcd', 'en--US', 'en-', '123', 'en-a', 'en-x', 'en-a-bb-a-cc', 'sl-rozaj-rozaj', 'i-klingon', 'en-verylongsubtag'])(
    'refuses %j as a language tag',
    (tag) => expect(isLanguageTag(tag)).toBe(false),
  );
});
