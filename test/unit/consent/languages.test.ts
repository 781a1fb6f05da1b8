// The consent sentence in Hindi, Mandarin and Japanese: how it is composed, that eSpeak NG pronounces every word, and
// the speech check with eSpeak NG as the reader too, since no other voice for these languages exists here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeSentence, consentWordLists, decoys, seededRng } from '../../../main/core/capture/consent/sentence.js';
import type { ConsentSentence, ConsentWords } from '../../../main/core/capture/consent/sentence.js';
import { matchSpeech } from '../../../main/core/capture/consent/speech-match.js';
import { ESPEAK_SAMPLE_RATE, EspeakRunner } from '../../../main/core/speech/espeak.js';
import { resample } from '../../../main/core/speech/features.js';
import { SileroVad, VAD_SAMPLE_RATE } from '../../../main/core/speech/vad.js';
import { wavSamples } from '../../../main/core/speech/wav.js';

const LANGUAGES = ['hi', 'zh', 'ja'] as const;
type Language = (typeof LANGUAGES)[number];

const VOICE: Record<Language, string> = { hi: 'hi', zh: 'cmn', ja: 'ja' };
/** Another variant, pitch and rate than the matcher renders with: the closest to a second speaker eSpeak NG offers. */
const READER: Record<Language, string> = { hi: 'hi+m2', zh: 'cmn+f3', ja: 'ja+f4' };
/** Words joined with the language's own comma come back as one phoneme line each, in one eSpeak request. */
const LIST_SEPARATOR: Record<Language, string> = { hi: ', ', zh: '，', ja: '、' };
/** The whole sentence: its script plus the punctuation and spaces the template uses. */
const SCRIPT: Record<Language, RegExp> = {
  hi: /^[\u0900-\u097F ,:]+$/,
  zh: /^[\u4E00-\u9FFF\u3001\u3002\uFF0C\uFF1A]+$/,
  ja: /^[\u3040-\u30FF\u3000-\u303F ]+$/,
};
const KANJI = /[\u4E00-\u9FFF]/;
/** A character eSpeak NG cannot read switches to English to spell it out, e.g. "(en)tʃˈaɪniːz(ja)lˈe̞tə". */
const FALLBACK = /\([a-z-]+\)|niːz/;
const SLOTS = ['weekday', 'adjective', 'noun', 'number'] as const;
// One seed per language keeps the unit run short; seeds 0–7 measured the same way (margin, then with a decoy taken
// as the sentence): hi 0.213–0.366 / −0.198 to −0.301, zh 0.144–0.241 / −0.126 to −0.224, ja 0.174–0.295 / −0.165 to −0.263.
const SEEDS = [0];

/** The text with its words replaced by slot names; the three templates place the slots in this order. */
function skeleton(sentence: ConsentSentence): string {
  let text = sentence.text;
  let from = 0;
  for (const slot of SLOTS) {
    const word = sentence.words[slot];
    const at = text.indexOf(word, from);
    expect(at, `${word} in ${text}`).toBeGreaterThanOrEqual(from);
    text = `${text.slice(0, at)}{${slot}}${text.slice(at + word.length)}`;
    from = at + slot.length + 2;
  }
  return text;
}

describe('consent sentences in hi, zh, ja', () => {
  it.each(LANGUAGES)('%s: 7 weekdays and 16 adjectives, nouns, numbers, all distinct and in the script', (language) => {
    const lists = consentWordLists(language);
    expect([lists.weekdays.length, lists.adjectives.length, lists.nouns.length, lists.numbers.length]).toEqual([7, 16, 16, 16]);
    const all = Object.values(lists).flat();
    expect(new Set(all).size).toBe(all.length);
    for (const word of all) expect(word).toMatch(SCRIPT[language]);
  });

  it.each(LANGUAGES)('%s: decoys differ from the sentence only in the word slots', (language) => {
    for (let seed = 0; seed < 20; seed++) {
      const sentence = composeSentence(language, seededRng(seed));
      expect(sentence.text).toMatch(SCRIPT[language]);
      const shape = skeleton(sentence);
      for (const decoy of decoys(language, 6, seededRng(100 + seed), sentence)) {
        expect(skeleton(decoy)).toBe(shape);
        for (const slot of SLOTS) expect(decoy.words[slot]).not.toBe(sentence.words[slot]);
      }
    }
  });

  it('writes Japanese in kana only and Hindi in Devanagari', () => {
    for (let seed = 0; seed < 20; seed++) {
      expect(composeSentence('ja', seededRng(seed)).text).not.toMatch(KANJI);
      expect(composeSentence('hi', seededRng(seed)).text.replace(/[ ,:]/g, '')).toMatch(/^[\u0900-\u097F]+$/);
    }
    for (const word of Object.values(consentWordLists('ja')).flat()) expect(word).not.toMatch(KANJI);
  });
});

describe('eSpeak NG reading the hi, zh, ja consent sentences', () => {
  let runner: EspeakRunner;
  let vad: SileroVad;

  beforeAll(async () => {
    [runner, vad] = await Promise.all([EspeakRunner.start(), SileroVad.open()]);
  }, 60_000);

  afterAll(async () => {
    await runner?.close();
    await vad?.close();
  });

  it.each(LANGUAGES)('%s: pronounces every word, each differently, with no letter fallback', async (language) => {
    for (const [slot, list] of Object.entries(consentWordLists(language))) {
      const lines = (await runner.phonemes(list.join(LIST_SEPARATOR[language]), { voice: VOICE[language] })).trim().split('\n');
      expect(lines, slot).toHaveLength(list.length);
      for (const [i, line] of lines.entries()) {
        expect(line.trim(), list[i]).not.toBe('');
        expect(line, list[i]).not.toMatch(FALLBACK);
      }
      expect(new Set(lines.map((line) => line.replace(/[ˈˌ]/g, ''))).size, slot).toBe(list.length);
    }
    const sentence = composeSentence(language, seededRng(0));
    expect(await runner.phonemes(sentence.text, { voice: VOICE[language] })).not.toMatch(FALLBACK);
  });

  // Both sides are eSpeak NG, so these margins overstate what a person's reading gives (Festival's en margins: 0.04–0.09).
  it.each(LANGUAGES.flatMap((language) => SEEDS.map((seed) => [language, seed] as const)))(
    '%s seed %i: the sentence read ranks first among its same-template decoys',
    async (language, seed) => {
      const sentence = composeSentence(language, seededRng(seed));
      const others = decoys(language, 6, seededRng(100 + seed), sentence);
      const reading = await runner.synthesize(sentence.text, { voice: READER[language], pitch: 70, rate: 150 });
      expect(reading.phonemes).not.toMatch(FALLBACK);
      const recording = resample(wavSamples(reading.wav), ESPEAK_SAMPLE_RATE, VAD_SAMPLE_RATE);
      const match = await matchSpeech(recording, sentence, others, runner, language, { vad });
      const words = (w: ConsentWords) => SLOTS.map((slot) => w[slot]).join(' ');
      console.log(`${language} "${words(sentence.words)}": margin ${match.margin.toFixed(3)} (rate ${match.rate}): ${match.scores.map((s) => s.cost.toFixed(3)).join(' ')}`);
      expect(match.sentenceCost).toBeLessThan(match.bestDecoyCost);
    },
    60_000,
  );
});
