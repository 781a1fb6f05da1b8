// Blocked-content lexicons: every category covers every language we write, every entry finds itself, and owner terms match wherever the rules' own term check does; test process.
import { describe, expect, it } from 'vitest';
import { findBlockedContent } from '../../../main/core/compose/content/check.js';
import { LEXICON_LANGUAGES, LEXICONS, lexiconEntries } from '../../../main/core/compose/content/lexicons/index.js';
import { checkUse, defaultRules, type TwinRules } from '../../../main/core/twin/rules/index.js';
import { CONTENT_CATEGORIES } from '../../../main/core/twin/rules/schema.js';

describe('the lexicons', () => {
  it.each(CONTENT_CATEGORIES)('%s has a list in every language we write', (category) => {
    for (const language of LEXICON_LANGUAGES) expect(lexiconEntries(category, language).length, language).toBeGreaterThanOrEqual(8);
  });

  it.each(CONTENT_CATEGORIES)('every %s entry is found, whole, by its own words', (category) => {
    for (const language of ['*', ...LEXICON_LANGUAGES] as const) {
      for (const entry of lexiconEntries(category, language)) {
        const text = entry.nextIsName ? `${entry.spelling} Smith` : entry.spelling;
        const matches = findBlockedContent([{ language: language === '*' ? 'ko' : language, text }], [category], []);
        expect(matches.map((m) => m.found), `${language}: ${entry.spelling}`).toEqual([entry.spelling]);
        expect(matches[0]!.term).toBe(entry.term);
      }
    }
  });

  it('gives exceptions as single words, or # for a number', () => {
    for (const lexicon of Object.values(LEXICONS)) {
      for (const items of Object.values(lexicon)) {
        for (const item of items ?? []) {
          if (typeof item !== 'string') for (const word of item.unlessNext ?? []) expect(word).toMatch(/^(?:\p{L}+|#)$/u);
        }
      }
    }
  });

  it('also finds German typed without umlauts', () => {
    const found = (text: string): string[] => findBlockedContent([{ language: 'de', text }], ['violence', 'political'], []).map((m) => m.term);
    expect(found('ich werde dich toeten')).toEqual(['ich werde dich töten']);
    expect(found('ich toete dich')).toEqual(['ich töte dich']);
    expect(found('waehlt die gruenen')).toEqual(['wählt die grünen']);
    expect(found('Ich erschiesse dich')).toEqual(['ich erschieße dich']);
  });
});

describe('owner terms, against the rules’ own term check', () => {
  const terms = ['ass', 'crypto giveaway', 'Casino', 'ばか', '賭博', 'acme', 'Straße', 'naïve', 'c++', 're-elect', '@handle', '$100', 'x y z', 'a b c d', 'İstanbul', 'ＡＣＭＥ２', 'สวัสดี', 'мама', 'ok,', 'don’t'];
  const texts = [
    'You are an ass.',
    'ASS!',
    'Welcome to our class.',
    'The crypto   giveaway ends soon',
    'Two casinos and a CASINO.',
    'ばかやろう',
    '賭博はだめ',
    'acmeville, acme. ACME?',
    'STRASSE und Straße',
    'naïve, nai\u0308ve, NAÏVE',
    'I write c++ daily',
    're-elect him',
    'ping @handle now',
    'only $100 today',
    'x y z',
    'a b c  d',
    'İstanbul',
    'acme2 ＡＣＭＥ２',
    'สวัสดีครับ',
    'моя мама',
    'ok, fine',
    'I don’t know',
  ];
  const rules = (blockedTerms: string[]): TwinRules => ({ ...defaultRules(), purposes: ['personal'], blockedTerms });

  it.each(texts)('finds in "%s" every term checkUse finds', (text) => {
    const flagged = terms.filter((term) => !checkUse(rules([term]), { purpose: 'personal', languages: [], text, at: new Date() }).allowed);
    const found = new Set(findBlockedContent([{ language: 'en', text }], [], terms).map((m) => m.term));
    for (const term of flagged) expect(found, term).toContain(term);
  });

  it('finds more than it: disguised terms', () => {
    const found = (text: string): string[] => findBlockedContent([{ language: 'fr', text }], [], terms).map((m) => m.term);
    expect(found('a$$ 4ss')).toEqual(['ass', 'ass']);
    expect(found('c a s i n o')).toEqual(['Casino']);
    expect(found('CRYPTO-GIVEAWAY')).toEqual(['crypto giveaway']);
    expect(found('the 455 bus')).toEqual([]);
  });
});
