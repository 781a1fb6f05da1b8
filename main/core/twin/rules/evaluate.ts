// Twin rules: whether an intended use (a licence request, a compose job) keeps to the twin's rules, and which rules it breaks (pure; main process and CLI).
import type { ContentCategory, Purpose, TwinRules } from './schema.js';

export interface IntendedUse {
  purpose: Purpose;
  /** BCP-47 tags of every language the video speaks or shows. */
  languages: string[];
  /** Every word the video speaks or shows: script, subtitles, captions. */
  text: string;
  at: Date;
  /** Categories the requester declares the content falls under. */
  categories?: ContentCategory[];
}

export interface RuleViolation {
  rule: 'purpose' | 'language' | 'category' | 'term' | 'expired';
  message: string;
}

/**
 * Scripts written without spaces between words: a word boundary says nothing there, so a term in them is
 * matched anywhere in the text. Han, Hiragana and Katakana for Chinese and Japanese; Thai, Lao, Khmer and
 * Myanmar for the same reason.
 */
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/**
 * A letter, digit or combining mark next to a match means the match is part of a longer word ("ass" in
 * "class"). Marks count because in scripts such as Devanagari a vowel sign after the term continues the word.
 */
const WORD_CHAR = '[\\p{L}\\p{N}\\p{M}]';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A case-insensitive pattern for `term` in NFKC text (full-width letters, ligatures and the like fold to their
 * plain forms). Any run of whitespace in a phrase matches any run in the text, so a line break does not hide it.
 */
function termPattern(term: string): RegExp {
  const normal = term.normalize('NFKC').trim();
  const body = normal.split(/\s+/u).map(escapeRegExp).join('\\s+');
  return UNSPACED_SCRIPT.test(normal) ? new RegExp(body, 'iu') : new RegExp(`(?<!${WORD_CHAR})${body}(?!${WORD_CHAR})`, 'iu');
}

/** Whether the rule's language tag allows `tag`: equal, or a prefix of it at a subtag boundary (BCP-47 §3.3.2 basic filtering). */
export function languageAllows(allowed: string, tag: string): boolean {
  const range = allowed.toLowerCase();
  const wanted = tag.toLowerCase();
  return wanted === range || wanted.startsWith(`${range}-`);
}

/** Checks `use` against `rules`, naming every rule it breaks and the value that breaks it. */
export function checkUse(rules: TwinRules, use: IntendedUse): { allowed: boolean; violations: RuleViolation[] } {
  if (Number.isNaN(use.at.getTime())) throw new Error('checkUse: the time of use is not a valid date');
  const violations: RuleViolation[] = [];

  if (!rules.purposes.includes(use.purpose)) {
    violations.push({ rule: 'purpose', message: `"${use.purpose}" is not an allowed purpose; the rules allow ${rules.purposes.join(', ')}` });
  }

  const allowedLanguages = rules.languages;
  if (allowedLanguages !== 'any') {
    for (const tag of use.languages) {
      if (!allowedLanguages.some((allowed) => languageAllows(allowed, tag))) {
        violations.push({ rule: 'language', message: `"${tag}" is not an allowed language; the rules allow ${allowedLanguages.join(', ')}` });
      }
    }
  }

  for (const category of new Set(use.categories ?? [])) {
    if (rules.blockedCategories.includes(category)) violations.push({ rule: 'category', message: `"${category}" content is blocked by the rules` });
  }

  const text = use.text.normalize('NFKC');
  for (const term of rules.blockedTerms) {
    if (termPattern(term).test(text)) violations.push({ rule: 'term', message: `the text contains the blocked term "${term}"` });
  }

  if (rules.expiresAt !== null && use.at.getTime() >= Date.parse(rules.expiresAt)) {
    violations.push({ rule: 'expired', message: `the rules expired at ${rules.expiresAt}` });
  }

  return { allowed: violations.length === 0, violations };
}
