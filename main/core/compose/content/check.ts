// Blocked-content check: finds in each segment of a script the lexicon phrases of the categories the twin's rules block, and the owner's own blocked terms (pure; main process and CLI).
import { CONTENT_CATEGORIES, type ContentCategory } from '../../twin/rules/schema.js';
import { LEXICON_LANGUAGES, type LexiconLanguage, lexiconEntries } from './lexicons/index.js';
import { normalise } from './normalise.js';
import { compilePhrases, findPhrases, type Phrase, type PhraseSet } from './phrases.js';

export interface ContentMatch {
  /** Index of the segment in the list checked (0-based); describeMatch prints whatever number it is given. */
  segment: number;
  category: ContentCategory | 'term';
  /** The lexicon entry or the owner's term, as written there. */
  term: string;
  /** The span of the segment's own text that matched, as written (obfuscations and all). */
  found: string;
  /** The segment's language tag, as given. */
  language: string;
}

interface Label {
  category: ContentCategory | 'term';
  term: string;
}

/**
 * Compiled phrase sets, by language and blocked categories, and by owner-term list. Rules rarely change within a
 * session, so a few entries cover it; the bound keeps a long-running studio from holding every combination it met.
 */
const MAX_CACHED = 64;
const cache = new Map<string, PhraseSet<Label>>();

function cached(key: string, build: () => PhraseSet<Label>): PhraseSet<Label> {
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const built = build();
  cache.set(key, built);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  return built;
}

/** The lexicon language for a BCP-47 tag: its primary subtag, when we write a list for it. */
function lexiconLanguage(tag: string): LexiconLanguage | null {
  const primary = tag.split('-')[0]!.toLowerCase();
  return LEXICON_LANGUAGES.find((language) => language === primary) ?? null;
}

function lexiconSet(language: LexiconLanguage | null, categories: readonly ContentCategory[]): PhraseSet<Label> {
  return cached(`lexicon ${language ?? '-'} ${categories.join(',')}`, () => {
    const languages: LexiconLanguage[] = language ? ['*', language] : ['*'];
    const phrases: Phrase<Label>[] = categories.flatMap((category) =>
      languages.flatMap((lang) =>
        lexiconEntries(category, lang).map((entry) => ({
          text: entry.spelling,
          value: { category, term: entry.term },
          unlessNext: entry.unlessNext,
          nextIsName: entry.nextIsName,
        })),
      ),
    );
    return compilePhrases(phrases);
  });
}

function termSet(terms: readonly string[]): PhraseSet<Label> {
  return cached(`terms ${JSON.stringify(terms)}`, () => compilePhrases(terms.map((term) => ({ text: term, value: { category: 'term' as const, term } }))));
}

interface Found extends Label {
  segment: number;
  start: number;
  end: number;
}

/**
 * Every blocked phrase in `segments`: lexicon entries of the blocked `categories` in each segment's language (by
 * primary subtag, plus the list for every language), and the owner's `blockedTerms` in every segment whatever its
 * language. Overlapping matches of one category (or one owner term) are reported once, by the earliest and longest.
 * Ordered by segment, then by position in the segment.
 */
export function findBlockedContent(segments: readonly { language: string; text: string }[], categories: readonly ContentCategory[], blockedTerms: readonly string[]): ContentMatch[] {
  const blocked = CONTENT_CATEGORIES.filter((category) => categories.includes(category));
  const terms = [...new Set(blockedTerms.filter((term) => term.trim().length > 0))].sort();
  const owner = terms.length > 0 ? termSet(terms) : null;

  const found: Found[] = [];
  segments.forEach((segment, index) => {
    const sets = [blocked.length > 0 ? lexiconSet(lexiconLanguage(segment.language), blocked) : null, owner].filter((set) => set !== null);
    if (sets.length === 0) return;
    const text = normalise(segment.text);
    for (const set of sets) {
      for (const hit of findPhrases(set, text)) {
        found.push({ ...hit.value, segment: index, start: text.from[hit.start]!, end: text.to[hit.end - 1]! });
      }
    }
  });

  const order = (c: ContentCategory | 'term'): number => (c === 'term' ? CONTENT_CATEGORIES.length : CONTENT_CATEGORIES.indexOf(c));
  found.sort((a, b) => a.segment - b.segment || a.start - b.start || b.end - a.end || order(a.category) - order(b.category) || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));

  const reachedBy = new Map<string, number>();
  const matches: ContentMatch[] = [];
  for (const f of found) {
    const key = `${f.segment} ${f.category} ${f.category === 'term' ? f.term : ''}`;
    if ((reachedBy.get(key) ?? -1) > f.start) continue;
    reachedBy.set(key, f.end);
    const segment = segments[f.segment]!;
    matches.push({ segment: f.segment, category: f.category, term: f.term, found: segment.text.slice(f.start, f.end), language: segment.language });
  }
  return matches;
}

const CATEGORY_NAMES: Readonly<Record<ContentCategory, string>> = {
  political: 'political',
  sexual: 'sexual',
  hate: 'hate',
  violence: 'violence',
  impersonation: 'impersonation',
  'medical-advice': 'medical advice',
  'financial-advice': 'financial advice',
};

/** A creator-facing line for `m`, numbered with `m.segment` as given (callers pass the number the editor shows). */
export function describeMatch(m: ContentMatch): string {
  const where = `segment ${m.segment} (${m.language})`;
  if (m.category === 'term') return `${where}: contains the blocked term ${JSON.stringify(m.term)}`;
  return `${where}: ${JSON.stringify(m.found.replace(/\s+/gu, ' '))} is ${CATEGORY_NAMES[m.category]} content, blocked by the twin's rules`;
}
