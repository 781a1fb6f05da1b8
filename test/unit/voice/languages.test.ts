// The twin's languages: eSpeak NG voice per tag, a clear list when one is missing, and sentence splitting for streamed speech.
import { describe, expect, it } from 'vitest';
import { MAX_PIECE_CHARS, VOICE_LANGUAGES, espeakVoiceFor, sentencesOf } from '../../../main/core/voice/languages.js';

const texts = (t: string) => [...sentencesOf(t)].map((s) => s.text);

describe('voice languages', () => {
  it('maps the tested languages to eSpeak NG voices and passes eSpeak NG’s own through', () => {
    expect(VOICE_LANGUAGES.map((l) => l.tag)).toEqual(expect.arrayContaining(['en', 'es', 'fr', 'de', 'it', 'pt', 'hi', 'zh', 'ja', 'ar']));
    expect(espeakVoiceFor('zh', [])).toBe('cmn');
    expect(espeakVoiceFor('EN', [])).toBe('en-us');
    expect(espeakVoiceFor('sw', ['sw', 'ta'])).toBe('sw');
    expect(espeakVoiceFor('ta-IN', ['sw', 'ta'])).toBe('ta');
  });

  it('names every language it can read when asked for one it cannot', () => {
    expect(() => espeakVoiceFor('tlh', ['sw', 'ta'])).toThrow(/cannot read "tlh"\. Languages: en, es.*eSpeak NG's own: sw, ta/);
  });
});

describe('sentences of a text', () => {
  it('splits at sentence ends of several scripts and at line breaks, keeping where each starts', () => {
    const text = 'Hello there. How are you?\nFine!  你好。我很好！नमस्ते। كيف حالك؟ Done';
    expect(texts(text)).toEqual(['Hello there.', 'How are you?', 'Fine!', '你好。', '我很好！', 'नमस्ते।', 'كيف حالك؟', 'Done']);
    for (const s of sentencesOf(text)) expect(text.slice(s.start, s.start + s.text.length)).toBe(s.text);
  });

  it('keeps decimals and abbreviations without a following space together, and skips empty input', () => {
    expect(texts('It costs 3.50 today.')).toEqual(['It costs 3.50 today.']);
    expect(texts('   \n\n ')).toEqual([]);
  });

  it('cuts a sentence too long for one reading at commas, then spaces, within the limit', () => {
    const long = Array.from({ length: 60 }, (_, i) => `clause number ${i}`).join(', ') + '.';
    const parts = texts(long);
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(MAX_PIECE_CHARS);
    expect(parts.join(' ')).toBe(long);
    const words = texts('word '.repeat(300));
    for (const p of words) expect(p.length).toBeLessThanOrEqual(MAX_PIECE_CHARS);
  });

  it('reads 100,000 characters lazily, one sentence at a time', () => {
    const text = 'This is a sentence of a long text. '.repeat(2900);
    const iterator = sentencesOf(text);
    expect(iterator.next().value).toEqual({ text: 'This is a sentence of a long text.', start: 0 });
    let count = 1;
    for (const _ of iterator) count++;
    expect(count).toBe(2900);
  });
});
