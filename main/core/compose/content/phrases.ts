// Blocked-content check: phrase tries built from lexicon entries and owner terms, and the scan that finds them in normalised text (pure; main process and CLI).
import { charClass, LETTER_CHAR, normalise, type NormalisedText, UNSPACED_SCRIPT, WORD_CHAR } from './normalise.js';

export interface Phrase<T> {
  text: string;
  value: T;
  /** Words that, coming right after the phrase, make it harmless ("shoot them" + "down"); '#' stands for any number. */
  unlessNext?: readonly string[];
  /** The phrase counts only before a name: a capitalised word, in a phrase not itself written in title case. */
  nextIsName?: boolean;
}

export interface PhraseHit<T> {
  value: T;
  /** Indices into the normalised characters, end exclusive. */
  start: number;
  end: number;
}

interface Ending<T> {
  value: T;
  unlessNext: readonly string[][];
  nextIsName: boolean;
  /** The phrase has letters, so a match must too: "455" is a number, not "ass" in digits. */
  needsLetter: boolean;
}

interface Node<T> {
  id: number;
  /** The letter that led here, which the text may repeat ("kiiill"); null after a gap. */
  via: string | null;
  next: Map<string, Node<T>>;
  /** Words of a phrase separated by at least one gap character (or by a word break without one). */
  gap: Node<T> | null;
  /** A hyphen or apostrophe in a phrase: any run of gap characters or apostrophes, or none ("re-elect", "reelect"). */
  join: Node<T> | null;
  endings: Ending<T>[];
}

export interface PhraseSet<T> {
  /** Phrases matched at word boundaries. */
  readonly bounded: Node<T>;
  /** Phrases in scripts written without spaces (Han, kana, Thai…), matched anywhere, as the rules' own term check does. */
  readonly anywhere: Node<T>;
}

const LETTER = /\p{L}/u;
const NUMBER = /\p{N}/u;
const ANY_NUMBER = '#';
/** What may stand between two words of a phrase: spaces, commas, dashes, underscores and the like, not a full stop. */
const GAP = /^[\s,_*~·•-]$/u;
const JOIN = /^[\s,_*~·•'-]$/u;
const GAP_STEP = ' ';
const JOIN_STEP = '-';
/** A letter may be repeated this many extra times ("kiiiill"); the bound keeps a long run of one letter linear. */
const MAX_REPEAT = 24;

/**
 * Steps of a phrase from its normalised form: letters, a gap for whitespace and commas (or for a word break without a
 * space: between letters a term spells out one by one, or where "我不是AI" turns to Latin, so "我不是 AI" matches too),
 * and a join for hyphens, underscores and apostrophes.
 */
function steps(n: NormalisedText): string[] {
  const out: string[] = [];
  const push = (step: string): void => {
    const last = out.at(-1);
    if (step === GAP_STEP && (last === GAP_STEP || last === JOIN_STEP)) out[out.length - 1] = GAP_STEP;
    else if (step === JOIN_STEP && (last === GAP_STEP || last === JOIN_STEP)) return;
    else out.push(step);
  };
  n.chars.forEach((char, i) => {
    if (i > 0 && n.soft[i]) push(GAP_STEP);
    if (char === '-' || char === '_' || char === "'") push(JOIN_STEP);
    else if (GAP.test(char)) push(GAP_STEP);
    else push(char);
  });
  while (out[0] === GAP_STEP || out[0] === JOIN_STEP) out.shift();
  while (out.at(-1) === GAP_STEP || out.at(-1) === JOIN_STEP) out.pop();
  return out;
}

/** Builds the tries for `phrases`; a phrase that normalises to nothing is left out. */
export function compilePhrases<T>(phrases: readonly Phrase<T>[]): PhraseSet<T> {
  let ids = 0;
  const node = (via: string | null): Node<T> => ({ id: ids++, via, next: new Map(), gap: null, join: null, endings: [] });
  const bounded = node(null);
  const anywhere = node(null);
  for (const phrase of phrases) {
    const path = steps(normalise(phrase.text));
    if (path.length === 0) continue;
    let at = path.some((s) => UNSPACED_SCRIPT.test(s)) ? anywhere : bounded;
    for (const step of path) {
      if (step === GAP_STEP) at = at.gap ??= node(null);
      else if (step === JOIN_STEP) at = at.join ??= node(null);
      else {
        let child = at.next.get(step);
        if (!child) at.next.set(step, (child = node(step)));
        at = child;
      }
    }
    at.endings.push({
      value: phrase.value,
      unlessNext: (phrase.unlessNext ?? []).map((word) => normalise(word).chars.slice()),
      nextIsName: phrase.nextIsName ?? false,
      needsLetter: path.some((s) => LETTER.test(s)),
    });
  }
  return { bounded, anywhere };
}

/** Every place a phrase of `set` occurs in `text`, possibly overlapping, in no particular order. */
export function findPhrases<T>(set: PhraseSet<T>, text: NormalisedText): PhraseHit<T>[] {
  const { chars, alts, soft, capital } = text;
  const length = chars.length;
  const word = chars.map((c) => (charClass(c) & WORD_CHAR) !== 0);
  const letter = chars.map((c) => (charClass(c) & LETTER_CHAR) !== 0);
  const gap = chars.map((c) => (c === ' ' || GAP.test(c)));
  const join = chars.map((c) => (c === ' ' || JOIN.test(c)));
  const hits: PhraseHit<T>[] = [];
  const seen = new Set<number>();
  const stack: [Node<T>, number, number][] = [];

  const accepts = (i: number, step: string): boolean => chars[i] === step || alts[i]!.includes(step);
  /** A word may end before `i`. */
  const endsWord = (i: number): boolean => i === length || !word[i] || soft[i]!;
  /** Where the next word starts after `i`, or -1 when no gap follows. */
  const nextWord = (i: number): number => {
    let j = i;
    while (j < length && gap[j]) j++;
    return j > i || (j < length && soft[j]) ? j : -1;
  };
  const followedBy = (i: number, words: readonly string[][]): boolean => {
    const j = nextWord(i);
    if (j < 0) return false;
    if (j < length && NUMBER.test(chars[j]!) && words.some((w) => w.join('') === ANY_NUMBER)) return true;
    return words.some((w) => w.every((step, k) => j + k < length && accepts(j + k, step)) && endsWord(j + w.length));
  };
  const beforeName = (start: number, end: number): boolean => {
    const j = nextWord(end);
    if (j < 0 || j >= length || !letter[j] || !capital[j]) return false;
    let words = 0;
    for (let k = start + 1; k < end; k++) {
      if (!letter[k] || (word[k - 1] && !soft[k])) continue;
      if (!capital[k]) return true;
      words++;
    }
    // A one-word phrase has no words of its own to show that the text is not in title case.
    return words === 0;
  };
  const hasLetter = (start: number, end: number): boolean => {
    for (let k = start; k < end; k++) if (letter[k]) return true;
    return false;
  };
  const accept = (ending: Ending<T>, start: number, end: number, bounded: boolean): boolean =>
    (!bounded || endsWord(end)) &&
    (!ending.needsLetter || hasLetter(start, end)) &&
    (!ending.nextIsName || beforeName(start, end)) &&
    !(ending.unlessNext.length > 0 && followedBy(end, ending.unlessNext));

  const startsHere = (root: Node<T>, i: number): boolean => {
    if (root.next.has(chars[i]!)) return true;
    for (const alt of alts[i]!) if (root.next.has(alt)) return true;
    return false;
  };

  const walk = (root: Node<T>, start: number, bounded: boolean): void => {
    seen.clear();
    stack.push([root, start, start]);
    while (stack.length > 0) {
      const [node, i, enteredAt] = stack.pop()!;
      const key = node.id * (length + 1) + i;
      if (seen.has(key)) continue;
      seen.add(key);
      if (i > start) {
        for (const ending of node.endings) if (accept(ending, start, i, bounded)) hits.push({ value: ending.value, start, end: i });
      }
      if (i < length) {
        const direct = node.next.get(chars[i]!);
        if (direct) stack.push([direct, i + 1, i]);
        for (const alt of alts[i]!) {
          const child = node.next.get(alt);
          if (child) stack.push([child, i + 1, i]);
        }
        if (node.via !== null && i - enteredAt <= MAX_REPEAT && accepts(i, node.via)) stack.push([node, i + 1, enteredAt]);
      }
      if (node.gap) {
        let j = i;
        while (j < length && gap[j]) j++;
        if (j > i) stack.push([node.gap, j, j]);
        else if (i < length && soft[i]) stack.push([node.gap, i, i]);
      }
      if (node.join) {
        let j = i;
        while (j < length && join[j]) j++;
        stack.push([node.join, i, i]);
        if (j > i) stack.push([node.join, j, j]);
      }
    }
  };

  for (let i = 0; i < length; i++) {
    if (startsHere(set.anywhere, i)) walk(set.anywhere, i, false);
    if ((i === 0 || !word[i - 1] || soft[i]) && startsHere(set.bounded, i)) walk(set.bounded, i, true);
  }
  return hits;
}
