// Blocked-content normalisation: case, accents, invisible characters, spelt-out letters, digits and look-alikes, and the way back to the original text; test process.
import { describe, expect, it } from 'vitest';
import { normalise } from '../../../main/core/compose/content/normalise.js';

function normalisedString(text: string): string {
  return normalise(text).chars.join('');
}

/** The characters with their alternatives, e.g. "k1[il]ll" for "k1ll". */
function readings(text: string): string {
  const n = normalise(text);
  return n.chars.map((c, i) => (n.alts[i] ? `${c}[${n.alts[i]}]` : c)).join('');
}

describe('normalising text for matching', () => {
  it('folds compatibility forms, case and accents on Latin, Greek and Cyrillic letters', () => {
    expect(normalisedString('ＫＩＬＬ 𝐤𝐢𝐥𝐥 ⓚⓘⓛⓛ ﬁne')).toBe('kill kill kill fine');
    expect(normalisedString('Crème Brûlée, NAÏVE, São Paulo, Ελλάδα, Ёлка, İstanbul')).toBe('creme brulee, naive, sao paulo, ελλαδα, елка, istanbul');
    expect(normalisedString('Stra\u00DFe STRASSE \u1E9E æther Œuvre ø ł')).toBe('strasse strasse ss aether oeuvre o l');
    expect(normalisedString('cafe\u0301 = café')).toBe('cafe = cafe');
  });

  it('keeps the marks that are letters in their script, and folds the spellings writers mix', () => {
    expect(normalisedString('मैं')).toBe('मैं');
    expect(normalisedString('हूँ')).toBe(normalisedString('हूं'));
    expect(normalisedString('ज़रूरत')).toBe(normalisedString('जरूरत'));
    expect(normalisedString('ガ')).toBe(normalisedString('ｶﾞ'));
    expect(normalisedString('أنا إلى آخر، مدرسة')).toBe('انا الي اخر، مدرسه');
    expect(normalisedString('سَأَقْتُلُكَ')).toBe('ساقتلك');
    expect(normalisedString('殺了你')).toBe('杀了你');
  });

  it('drops invisible characters that split a word', () => {
    expect(normalisedString('k\u200Bi\u200Cl\u200Dl\u2060 y\u00ADo\uFEFFu')).toBe('kill you');
    expect(normalisedString('قـــتـل')).toBe('قتل');
  });

  it('joins letters spelt out with one kind of separator, and marks the words inside as open', () => {
    for (const spelt of ['k i l l', 'k.i.l.l', 'k-i-l-l', 'k_i_l_l', 'k*i*l*l', 'k . i . l . l']) expect(normalisedString(spelt)).toBe('kill');
    const n = normalise('I will k i l l you');
    expect(n.chars.join('')).toBe('i will kill you');
    expect(n.soft.map((s, i) => (s ? n.chars[i] : '')).join('')).toBe('ill');
    // Two letters, or a change of separator, are ordinary text.
    expect(normalisedString('a b')).toBe('a b');
    expect(normalisedString('k.i l-l')).toBe('k.i l-l');
    expect(normalisedString('k.i.l.l y.o.u')).toBe('kill you');
  });

  it('lets digits and symbols stand for letters, 1 and | for both i and l', () => {
    expect(readings('k1ll')).toBe('k1[il]ll');
    expect(readings('h4t3')).toBe('h4[a]t3[e]');
    expect(readings('$ex @ss k|ll sh!t 0')).toBe('$[s]ex @[a]ss k|[il]ll sh![i]t 0[o]');
  });

  it('reads Cyrillic and Greek look-alikes as Latin inside a Latin word, and Latin ones as Cyrillic inside a Cyrillic word', () => {
    expect(readings('kіll')).toBe('kі[i]ll');
    expect(readings('VΟTE')).toBe('vο[o]te');
    expect(readings('тeбя')).toBe('тe[е]бя');
    // A capital В looks like B; a small в does not.
    expect(readings('ВOMB')).toBe('в[b]omb');
    expect(readings('вomb')).toBe('вomb');
    // A word of look-alikes only follows the text around it.
    expect(readings('a сор story')).toBe('a с[c]о[o]р[p] story');
    expect(readings('это сор')).toBe('это сор');
  });

  it('maps every character back to the span of the original it came from', () => {
    const text = 'Ｉ will ki\u200Bll you, cafe\u0301!';
    const n = normalise(text);
    const span = (word: string): string => {
      const start = n.chars.join('').indexOf(word);
      return text.slice(n.from[start]!, n.to[start + word.length - 1]!);
    };
    expect(span('i will')).toBe('Ｉ will');
    expect(span('kill')).toBe('ki\u200Bll');
    expect(span('cafe')).toBe('cafe\u0301');
    const spelt = 'say k.i.l.l now';
    const m = normalise(spelt);
    const at = m.chars.join('').indexOf('kill');
    expect(spelt.slice(m.from[at]!, m.to[at + 3]!)).toBe('k.i.l.l');
  });

  it('counts UTF-16 offsets for characters outside the BMP', () => {
    const text = '𝐤𝐢𝐥𝐥 😀 you';
    const n = normalise(text);
    expect(n.chars.join('')).toBe('kill 😀 you');
    expect(text.slice(n.from[0]!, n.to[3]!)).toBe('𝐤𝐢𝐥𝐥');
    expect(text.slice(n.from[7]!, n.to[9]!)).toBe('you');
  });
});
