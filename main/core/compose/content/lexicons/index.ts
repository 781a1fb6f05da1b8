// Blocked-content lexicons: every category's lists gathered, with the other spellings a language is typed in (pure; main process and CLI).
import type { ContentCategory } from '../../../twin/rules/schema.js';
import { financialAdvice } from './financial-advice.js';
import { hate } from './hate.js';
import { impersonation } from './impersonation.js';
import { medicalAdvice } from './medical-advice.js';
import { political } from './political.js';
import { sexual } from './sexual.js';
import type { CategoryLexicon, LexiconLanguage } from './types.js';
import { violence } from './violence.js';

export { LEXICON_LANGUAGES, type LexiconLanguage } from './types.js';

export const LEXICONS: Readonly<Record<ContentCategory, CategoryLexicon>> = {
  political,
  sexual,
  hate,
  violence,
  impersonation,
  'medical-advice': medicalAdvice,
  'financial-advice': financialAdvice,
};

export interface LexiconEntry {
  category: ContentCategory;
  language: LexiconLanguage;
  /** The entry as the list writes it, which a match reports. */
  term: string;
  /** The text to look for: the term, or another way of typing it. */
  spelling: string;
  unlessNext?: readonly string[];
  nextIsName?: boolean;
}

/** German typed without umlaut keys writes ae, oe and ue (ß is folded to ss by the normaliser already). */
const UMLAUTS: Readonly<Record<string, string>> = { ä: 'ae', ö: 'oe', ü: 'ue' };

/** The entries of one category in one language (or '*', the list for every language), each spelling once. */
export function lexiconEntries(category: ContentCategory, language: LexiconLanguage): LexiconEntry[] {
  const entries: LexiconEntry[] = [];
  const seen = new Set<string>();
  for (const item of LEXICONS[category][language] ?? []) {
    const phrase = typeof item === 'string' ? { term: item } : item;
    const spellings = [phrase.term];
    if (language === 'de' && /[äöü]/u.test(phrase.term)) spellings.push(phrase.term.replace(/[äöü]/gu, (u) => UMLAUTS[u]!));
    for (const spelling of spellings) {
      if (seen.has(spelling)) continue;
      seen.add(spelling);
      entries.push({ ...phrase, category, language, spelling });
    }
  }
  return entries;
}
