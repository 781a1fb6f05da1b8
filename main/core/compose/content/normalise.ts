// Blocked-content check: text normalisation for matching, folding case, accents, look-alike letters and the usual obfuscations while remembering where each character came from (pure; main process and CLI).

/**
 * A text normalised for matching, one code point per index, in parallel arrays (a one-hour script is some 60,000
 * characters, so flat arrays rather than an object per character).
 */
export interface NormalisedText {
  /** The normalised characters. */
  readonly chars: readonly string[];
  /**
   * Other letters each character may stand for, '' when none: '4' may be an 'a' and '1' an 'i' or an 'l'; a
   * Cyrillic 'о' inside a Latin word may be a Latin 'o' (and the other way round inside a Cyrillic word).
   */
  readonly alts: readonly string[];
  /** UTF-16 offsets [from, to) of the original text each character came from, so a match can quote the original. */
  readonly from: readonly number[];
  readonly to: readonly number[];
  /**
   * A word may start here although a letter precedes it: the letters were spelt out one by one ("k i l l"), a space
   * between two characters of an unspaced script was dropped, or the text turns from such a script to another ("私はAI").
   */
  readonly soft: readonly boolean[];
  /** The original character was a capital letter, a hint that a name starts there. */
  readonly capital: readonly boolean[];
}

const MARK = /\p{M}/u;
const LETTER = /\p{L}/u;
const WORD = /[\p{L}\p{M}\p{N}]/u;
const LATIN = /\p{Script=Latin}/u;
const CYRILLIC_OR_GREEK = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;

/**
 * Scripts written without spaces between words, as the rules' own term check (main/core/twin/rules/evaluate.ts) lists
 * them: a term in them matches anywhere, and a space between two of their characters carries no word break.
 */
export const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/**
 * Characters that show nothing but can split a word so that it escapes a list: zero-width spaces and joiners, the
 * soft hyphen, bidi controls (all of Cf), variation selectors, the combining grapheme joiner, Hangul fillers and the
 * Arabic tatweel, which only stretches a word.
 */
const INVISIBLE = /^(?:\p{Cf}|\u034F|\u0640|\u115F|\u1160|\u3164|\uFFA0|[\uFE00-\uFE0F]|[\u180B-\u180D]|[\u{E0100}-\u{E01EF}])$/u;

/**
 * Accents are dropped only after letters of scripts where they are optional for a reader: Latin, Greek and Cyrillic
 * diacritics, and Arabic vowel signs and hamza seats (so أ, إ and آ all read as ا). In Devanagari, Thai, Japanese kana
 * and the like a mark is part of the letter or the syllable and is kept.
 */
const MARKS_OPTIONAL_AFTER = /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Arabic}]/u;

/** Hindi writers often leave out the nukta and use anusvara for chandrabindu; both spellings must meet. */
const DEVANAGARI_NUKTA = '\u093C';
const DEVANAGARI_CHANDRABINDU = '\u0901';
const DEVANAGARI_ANUSVARA = '\u0902';

/** Apostrophe look-alikes, folded before decomposition (NFKD would turn the acute accent into a space and a mark). */
const APOSTROPHES = new Set(['\u2019', '\u2018', '\u02BC', '\u02B9', '`', '\u00B4', '\u2032']);

/**
 * Folds after lower-casing that NFKD does not make: letters written differently for the same sound or word (ß and ss,
 * Greek final sigma, ligatures and stroked letters, Arabic letter variants and their Persian-keyboard forms), dashes,
 * and the Traditional forms of the Simplified characters the zh lexicon is written in, so a zh-Hant script meets it.
 */
const FOLD = new Map<string, string>([
  ['ß', 'ss'],
  ['ς', 'σ'],
  ['æ', 'ae'],
  ['œ', 'oe'],
  ['ø', 'o'],
  ['ł', 'l'],
  ['đ', 'd'],
  ['ħ', 'h'],
  ['ı', 'i'],
  ['ى', 'ي'],
  ['ة', 'ه'],
  ['ک', 'ك'],
  ['ی', 'ي'],
  ...[...'\u2010\u2011\u2012\u2013\u2014\u2015\u2212'].map((dash): [string, string] => [dash, '-']),
  ...pairs(
    '殺杀 們们 槍枪 彈弹 學学 會会 傷伤 該该 製制 選选 給给 連连 競竞 請请 為为 總总 統统 國国 這这 買买 錢钱 資资 積积 穩稳 賺赚 賠赔 險险 風风 議议 構构 證证 幣币 藥药 醫医 療疗 癒愈 劑剂 導导 閉闭 聲声 愛爱 頻频 視视 發发 約约 偽伪 銀银 猶犹 難难 蟲虫 滾滚 應应 黃黄 當当 脫脱 戀恋 豬猪 裡里 裏里 別别 隻只 個个 進进 無无',
  ),
]);

function pairs(list: string): [string, string][] {
  return list
    .trim()
    .split(/\s+/u)
    .map((pair) => [...pair] as [string, string]);
}

/**
 * Digits and symbols written for letters ("k1ll", "h4te", "$ex"). '1' and '|' may be either 'i' or 'l', so they
 * stand for both and the matcher tries each.
 */
const LEET = new Map<string, string>([
  ['0', 'o'],
  ['1', 'il'],
  ['3', 'e'],
  ['4', 'a'],
  ['5', 's'],
  ['7', 't'],
  ['8', 'b'],
  ['9', 'g'],
  ['@', 'a'],
  ['$', 's'],
  ['!', 'i'],
  ['|', 'il'],
  ['€', 'e'],
]);

/** Symbols that may stand alone as a spelt-out letter ("$ e x"), as a letter or digit can. */
const LEET_SYMBOLS = new Set(['@', '$', '!', '|', '€']);

/** What may separate letters spelt out one by one: a space, dot, dash, underscore, asterisk, tilde or bullet. */
const SPELLING_SEPARATOR = /^[\s._*~·•-]$/u;
const MAX_SPELLING_SEPARATOR = 3;
const MIN_SPELT_LETTERS = 3;

/**
 * Look-alikes, keyed by the lower-case letter; some only look alike as capitals (В and B, but not в and b), so
 * there is a table for a letter written small and one for a letter written as a capital.
 */
const TO_LATIN_SMALL = lookalikes('аa сc еe оo рp хx уy іi јj ѕs һh ԁd ԛq ԝw ӏl кk αa οo ιi κk νv ρp υu χx γy');
const TO_LATIN_CAPITAL = lookalikes('аa вb еe кk мm нh оo рp сc тt уy хx іi јj ѕs һh ԛq ԝw ӏl αa βb εe ζz ηh ιi κk μm νn οo ρp τt υy χx');
const TO_CYRILLIC_SMALL = lookalikes('aа cс eе oо pр xх yу kк');
const TO_CYRILLIC_CAPITAL = lookalikes('aа bв cс eе hн kк mм oо pр tт xх yу');

function lookalikes(list: string): Map<string, string> {
  return new Map(list.split(' ').map((pair) => [...pair] as [string, string]));
}

/** Character classes, as bits; see charClass. */
export const WORD_CHAR = 1;
export const LETTER_CHAR = 2;
const MARK_CHAR = 4;
const LATIN_CHAR = 8;
const CYRILLIC_OR_GREEK_CHAR = 16;
const MARKS_OPTIONAL_CHAR = 32;
const UNSPACED_CHAR = 64;

/** Remembered classes: a script uses a few hundred distinct characters, each tested once instead of once per use. */
const classes = new Map<string, number>();
const MAX_REMEMBERED = 1 << 16;

/** The class bits of one character (WORD_CHAR: a letter, mark or digit, as the rules' term check counts a word). */
export function charClass(char: string): number {
  let bits = classes.get(char);
  if (bits === undefined) {
    bits =
      (WORD.test(char) ? WORD_CHAR : 0) |
      (LETTER.test(char) ? LETTER_CHAR : 0) |
      (MARK.test(char) ? MARK_CHAR : 0) |
      (LATIN.test(char) ? LATIN_CHAR : 0) |
      (CYRILLIC_OR_GREEK.test(char) ? CYRILLIC_OR_GREEK_CHAR : 0) |
      (MARKS_OPTIONAL_AFTER.test(char) ? MARKS_OPTIONAL_CHAR : 0) |
      (UNSPACED_SCRIPT.test(char) ? UNSPACED_CHAR : 0);
    if (classes.size >= MAX_REMEMBERED) classes.clear();
    classes.set(char, bits);
  }
  return bits;
}

/** One original code point, decomposed, lower-cased and folded; marks are kept here and dropped by context later. */
interface Piece {
  char: string;
  capital: boolean;
  bits: number;
}

const piecesByPoint = new Map<string, readonly Piece[]>();

function piecesOf(point: string): readonly Piece[] {
  const known = piecesByPoint.get(point);
  if (known) return known;
  const pieces: Piece[] = [];
  const source = APOSTROPHES.has(point) ? "'" : point;
  for (const original of source.normalize('NFKD')) {
    if (INVISIBLE.test(original)) continue;
    const lower = original.toLowerCase();
    const capital = lower !== original;
    // Lower-casing can itself decompose (İ becomes i and a combining dot), so the result is decomposed again.
    for (const char of capital ? lower.normalize('NFKD') : original) {
      const bits = charClass(char);
      if (bits & MARK_CHAR) pieces.push({ char, capital: false, bits });
      else for (const out of FOLD.get(char) ?? char) pieces.push({ char: out, capital, bits: charClass(out) });
    }
  }
  if (piecesByPoint.size >= MAX_REMEMBERED) piecesByPoint.clear();
  piecesByPoint.set(point, pieces);
  return pieces;
}

/** ASCII, most of most scripts, looked up by code rather than by string. */
const ASCII_PIECES = Array.from({ length: 0x80 }, (_, code) => piecesOf(String.fromCharCode(code)));

/** Normalises `text` for matching; see NormalisedText. Lexicon entries and owner terms go through the same steps. */
export function normalise(text: string): NormalisedText {
  const chars: string[] = [];
  const bits: number[] = [];
  const from: number[] = [];
  const to: number[] = [];
  const capital: boolean[] = [];
  let keepMarks = false;
  for (let offset = 0; offset < text.length; ) {
    const start = offset;
    const code = text.charCodeAt(offset);
    offset += code >= 0xd800 && code < 0xdc00 && (text.charCodeAt(offset + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
    for (const piece of code < 0x80 ? ASCII_PIECES[code]! : piecesOf(text.slice(start, offset))) {
      if (piece.bits & MARK_CHAR) {
        if (keepMarks && piece.char !== DEVANAGARI_NUKTA) {
          chars.push(piece.char === DEVANAGARI_CHANDRABINDU ? DEVANAGARI_ANUSVARA : piece.char);
          bits.push(piece.bits);
          from.push(start);
          to.push(offset);
          capital.push(false);
        } else if (to.length > 0) {
          // The dropped accent still belongs to its letter: a match ending there quotes the accent too.
          to[to.length - 1] = offset;
        }
        continue;
      }
      keepMarks = (piece.bits & LETTER_CHAR) !== 0 && (piece.bits & MARKS_OPTIONAL_CHAR) === 0;
      chars.push(piece.char);
      bits.push(piece.bits);
      from.push(start);
      to.push(offset);
      capital.push(piece.capital);
    }
  }
  const { keep, soft } = wordBreaks(chars, bits);
  const pick = <T>(list: T[]): T[] => (keep ? list.filter((_, i) => keep[i]) : list);
  const keptChars = pick(chars);
  const keptBits = pick(bits);
  const keptCapital = pick(capital);
  const keptSoft = pick(soft);
  // Where a spaced script meets an unspaced one ("私はAIです"), a word starts although no space says so.
  for (let i = 1; i < keptChars.length; i++) {
    const [before, after] = [keptBits[i - 1]!, keptBits[i]!];
    if (before & after & WORD_CHAR && (before & UNSPACED_CHAR) !== (after & UNSPACED_CHAR)) keptSoft[i] = true;
  }
  return {
    chars: keptChars,
    alts: alternatives(keptChars, keptBits, keptCapital),
    from: pick(from),
    to: pick(to),
    soft: keptSoft,
    capital: keptCapital,
  };
}

/**
 * Characters dropped as no word break (`keep`, null when nothing is) and the words that start without a space before
 * them (`soft`). Letters spelt out one by one with the same separator ("k i l l", "k.i.l.l", "k-i-l-l", at least three)
 * become one run of letters: each after the first is soft, since the words inside the run can no longer be told
 * apart. A space between two characters of an unspaced script ("杀 了 你") is dropped too.
 */
function wordBreaks(chars: readonly string[], bits: readonly number[]): { keep: Uint8Array | null; soft: boolean[] } {
  const soft = chars.map(() => false);
  const isWord = (i: number): boolean => (bits[i]! & WORD_CHAR) !== 0;
  const isUnspaced = (i: number): boolean => (bits[i]! & UNSPACED_CHAR) !== 0;
  const breaksBetween = (a: number, b: number): boolean => !isWord(a) || !isWord(b) || isUnspaced(a) !== isUnspaced(b);
  const units: number[] = [];
  for (let i = 0; i < chars.length; i++) {
    const single = (i === 0 || breaksBetween(i - 1, i)) && (i + 1 === chars.length || breaksBetween(i, i + 1));
    if (single && (isWord(i) || LEET_SYMBOLS.has(chars[i]!)) && !(bits[i]! & MARK_CHAR)) units.push(i);
  }
  const separatorBetween = (a: number, b: number): string | null => {
    if (b - a - 1 < 1 || b - a - 1 > MAX_SPELLING_SEPARATOR) return null;
    const between = chars.slice(a + 1, b);
    return between.every((c) => SPELLING_SEPARATOR.test(c)) ? between.join('') : null;
  };

  let keep: Uint8Array | null = null;
  let k = 0;
  while (k < units.length) {
    let end = k;
    let separator: string | null = null;
    while (end + 1 < units.length) {
      const next = separatorBetween(units[end]!, units[end + 1]!);
      if (next === null || (separator !== null && next !== separator)) break;
      separator = next;
      end++;
    }
    if (end - k + 1 < MIN_SPELT_LETTERS) {
      k++;
      continue;
    }
    keep ??= new Uint8Array(chars.length).fill(1);
    for (let m = k + 1; m <= end; m++) {
      keep.fill(0, units[m - 1]! + 1, units[m]!);
      soft[units[m]!] = true;
    }
    k = end + 1;
  }

  for (let i = 1; i < chars.length; i++) {
    if (!isUnspaced(i - 1) || !/\s/u.test(chars[i]!)) continue;
    let end = i;
    while (end < chars.length && /\s/u.test(chars[end]!)) end++;
    if (end < chars.length && isUnspaced(end)) {
      keep ??= new Uint8Array(chars.length).fill(1);
      keep.fill(0, i, end);
      soft[end] = true;
    }
    i = end;
  }
  return { keep, soft };
}

/**
 * What each character may also stand for. Digits and symbols always carry their letters (the matcher asks that a
 * match hold at least one real letter, so "455" is not "ass"). Look-alike letters are read across scripts only where
 * the word says which script it is in: a word mixing Latin and Cyrillic or Greek letters takes the script of most of
 * its letters that have no look-alike; a word made only of look-alikes takes the script most of the text is in.
 */
function alternatives(chars: readonly string[], bits: readonly number[], capital: readonly boolean[]): string[] {
  const alts = chars.map((c) => LEET.get(c) ?? '');
  const isLatin = (i: number): boolean => (bits[i]! & (LETTER_CHAR | LATIN_CHAR)) === (LETTER_CHAR | LATIN_CHAR);
  const isOther = (i: number): boolean => (bits[i]! & (LETTER_CHAR | CYRILLIC_OR_GREEK_CHAR)) === (LETTER_CHAR | CYRILLIC_OR_GREEK_CHAR);
  const toLatin = (i: number): string | undefined => (capital[i] ? TO_LATIN_CAPITAL : TO_LATIN_SMALL).get(chars[i]!);
  const toCyrillic = (i: number): string | undefined => (capital[i] ? TO_CYRILLIC_CAPITAL : TO_CYRILLIC_SMALL).get(chars[i]!);
  let textLatin = 0;
  let textOther = 0;
  for (let i = 0; i < chars.length; i++) {
    if (isLatin(i)) textLatin++;
    else if (isOther(i)) textOther++;
  }
  // Only a text with Cyrillic or Greek letters has look-alikes to read (most scripts have none).
  if (textOther === 0) return alts;

  let i = 0;
  while (i < chars.length) {
    if (!(bits[i]! & WORD_CHAR)) {
      i++;
      continue;
    }
    let end = i;
    while (end < chars.length && bits[end]! & WORD_CHAR) end++;
    let latin = 0;
    let other = 0;
    let latinAnchors = 0;
    let otherAnchors = 0;
    for (let j = i; j < end; j++) {
      if (isLatin(j)) {
        latin++;
        if (toCyrillic(j) === undefined) latinAnchors++;
      } else if (isOther(j)) {
        other++;
        if (toLatin(j) === undefined) otherAnchors++;
      }
    }
    let target: 'latin' | 'cyrillic' | null = null;
    if (other > 0 && latin === 0) {
      if (otherAnchors === 0 && textLatin > textOther) target = 'latin';
    } else if (other > 0) {
      if (latinAnchors !== otherAnchors) target = latinAnchors > otherAnchors ? 'latin' : 'cyrillic';
      else target = textLatin >= textOther ? 'latin' : 'cyrillic';
    }
    for (let j = i; j < end; j++) {
      const alt = target === 'latin' && isOther(j) ? toLatin(j) : target === 'cyrillic' && isLatin(j) ? toCyrillic(j) : undefined;
      if (alt !== undefined) alts[j] = alt;
    }
    i = end;
  }
  return alts;
}
