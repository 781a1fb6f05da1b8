// Rules check: an intended use is allowed or refused with the broken rule named, for purpose, language, category, term and expiry; test process.
import { describe, expect, it } from 'vitest';
import { type IntendedUse, type TwinRules, checkUse, defaultRules } from '../../../../main/core/twin/rules/index.js';

const rules: TwinRules = {
  ...defaultRules(),
  purposes: ['personal', 'education'],
  languages: ['en', 'es-MX', 'ja'],
  blockedCategories: ['political', 'hate'],
  blockedTerms: ['ass', 'crypto giveaway', 'Casino', 'ばか', '賭博'],
  expiresAt: '2027-03-01T00:00:00Z',
};

function use(change: Partial<IntendedUse> = {}): IntendedUse {
  return { purpose: 'education', languages: ['en'], text: 'Welcome to the first lesson of our class.', at: new Date('2027-01-15T12:00:00Z'), ...change };
}

function refusedFor(change: Partial<IntendedUse>, against: TwinRules = rules): string[] {
  return checkUse(against, use(change)).violations.map((v) => v.rule);
}

describe('checking an intended use against the rules', () => {
  it('allows a use that keeps to every rule', () => {
    expect(checkUse(rules, use())).toEqual({ allowed: true, violations: [] });
    expect(checkUse(defaultRules(), use({ languages: ['fr-CA', 'zh-Hant'], categories: ['medical-advice'] })).allowed).toBe(true);
  });

  it('refuses a purpose the rules do not list, naming it', () => {
    const result = checkUse(rules, use({ purpose: 'advertising' }));
    expect(result.allowed).toBe(false);
    expect(result.violations).toEqual([{ rule: 'purpose', message: expect.stringContaining('"advertising" is not an allowed purpose') }]);
  });

  it('matches languages by BCP-47 prefix, case-insensitively', () => {
    expect(refusedFor({ languages: ['en-GB', 'EN-us', 'ja-JP', 'es-MX', 'es-mx'] })).toEqual([]);
    const result = checkUse(rules, use({ languages: ['en', 'es', 'es-ES', 'eng', 'jav'] }));
    expect(result.violations.map((v) => v.message)).toEqual([
      expect.stringContaining('"es" is not an allowed language'),
      expect.stringContaining('"es-ES" is not an allowed language'),
      expect.stringContaining('"eng" is not an allowed language'),
      expect.stringContaining('"jav" is not an allowed language'),
    ]);
    expect(result.violations.every((v) => v.rule === 'language')).toBe(true);
  });

  it('refuses a declared category the rules block, naming it', () => {
    expect(checkUse(rules, use({ categories: ['violence', 'political'] })).violations).toEqual([{ rule: 'category', message: '"political" content is blocked by the rules' }]);
    expect(refusedFor({ categories: ['violence', 'medical-advice'] })).toEqual([]);
  });

  it('finds blocked terms only as whole words, in any case and width', () => {
    expect(refusedFor({ text: 'A class on passion and assessment, with an assistant.' })).toEqual([]);
    expect(checkUse(rules, use({ text: 'What an ass!' })).violations).toEqual([{ rule: 'term', message: 'the text contains the blocked term "ass"' }]);
    expect(refusedFor({ text: 'ASS-backwards' })).toEqual(['term']);
    expect(refusedFor({ text: 'Visit the ｃａｓｉｎｏ tonight' })).toEqual(['term']);
    expect(refusedFor({ text: 'casinos' })).toEqual([]);
  });

  it('treats letters of any script, digits and marks as part of a word', () => {
    const against = { ...rules, blockedTerms: ['caf', 'क', 'x1'] };
    expect(refusedFor({ text: 'café, कि, x10, 2x1' }, against)).toEqual([]);
    expect(refusedFor({ text: '«caf» x1.' }, against)).toEqual(['term', 'term']);
  });

  it('finds a blocked phrase across any whitespace', () => {
    expect(refusedFor({ text: 'Join our CRYPTO\n  giveaway now' })).toEqual(['term']);
    expect(refusedFor({ text: 'crypto-giveaway' })).toEqual([]);
  });

  it('finds a CJK term inside running text, which has no spaces between words', () => {
    const result = checkUse(rules, use({ languages: ['ja'], text: 'あなたはばかですか。オンライン賭博の広告。' }));
    expect(result.violations).toEqual([
      { rule: 'term', message: 'the text contains the blocked term "ばか"' },
      { rule: 'term', message: 'the text contains the blocked term "賭博"' },
    ]);
  });

  it('refuses a use from the instant the rules expire', () => {
    const expiry = Date.parse('2027-03-01T00:00:00Z');
    expect(refusedFor({ at: new Date(expiry - 1) })).toEqual([]);
    expect(checkUse(rules, use({ at: new Date(expiry) })).violations).toEqual([{ rule: 'expired', message: 'the rules expired at 2027-03-01T00:00:00Z' }]);
    expect(refusedFor({ at: new Date(expiry + 86_400_000) })).toEqual(['expired']);
    expect(refusedFor({ at: new Date('2099-01-01T00:00:00Z') }, { ...rules, expiresAt: null })).toEqual([]);
  });

  it('names every broken rule at once', () => {
    const result = checkUse(rules, use({ purpose: 'news', languages: ['de'], categories: ['hate'], text: 'casino', at: new Date('2027-06-01T00:00:00Z') }));
    expect(result.allowed).toBe(false);
    expect(result.violations.map((v) => v.rule)).toEqual(['purpose', 'language', 'category', 'term', 'expired']);
  });

  it('refuses to judge a use at an invalid time', () => {
    expect(() => checkUse(rules, use({ at: new Date('not a date') }))).toThrow(/not a valid date/);
  });
});
