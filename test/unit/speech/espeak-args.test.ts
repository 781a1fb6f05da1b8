// Unit tests of the eSpeak NG runner's pure helpers: validation, argv, phoneme cleanup, error mapping, voice-list parsing.
import { describe, expect, it } from 'vitest';
import {
  buildEspeakArgs,
  cleanPhonemes,
  espeakFailure,
  parseVoiceList,
  validateOptions,
  validateText,
} from '../../../main/core/speech/espeak-args.js';

describe('espeak-args', () => {
  it('validates text', () => {
    expect(validateText('Hi.')).toBe('Hi.');
    expect(() => validateText('')).toThrow(/empty/);
    expect(() => validateText(' \t\n')).toThrow(/empty/);
    expect(() => validateText('a'.repeat(20_001))).toThrow(/too long/);
    expect(validateText('a'.repeat(20_000))).toHaveLength(20_000);
    expect(() => validateText(42)).toThrow(/must be a string/);
  });

  it('validates options and fills in defaults', () => {
    expect(validateOptions()).toEqual({ voice: 'en-us', phonemeFormat: 'ipa' });
    expect(validateOptions({ voice: 'en-us+f3', rate: 80, pitch: 99 })).toMatchObject({ voice: 'en-us+f3', rate: 80, pitch: 99 });
    expect(() => validateOptions({ voice: '-w' })).toThrow('Unknown eSpeak NG voice "-w"');
    expect(() => validateOptions({ voice: 'en us' })).toThrow(/Unknown eSpeak NG voice/);
    expect(() => validateOptions({ rate: 451 })).toThrow(/80 to 450/);
    expect(() => validateOptions({ rate: Number.NaN })).toThrow(/80 to 450/);
    expect(() => validateOptions({ pitch: -1 })).toThrow(/0 to 99/);
  });

  it('builds argv that reads the text from the in-memory file', () => {
    expect(buildEspeakArgs({ voice: 'de', rate: 150.4, pitch: 40 }, { wav: true })).toEqual([
      '-w', '/out.wav', '--ipa', '--phonout=/phonemes.txt', '-b', '1', '-v', 'de', '-s', '150', '-p', '40', '-f', '/in.txt',
    ]);
    expect(buildEspeakArgs({ phonemeFormat: 'mnemonic' }, { wav: false })).toEqual([
      '-q', '-x', '--phonout=/phonemes.txt', '-b', '1', '-v', 'en-us', '-f', '/in.txt',
    ]);
  });

  it('cleans phoneme output', () => {
    expect(cleanPhonemes(' həlˈoʊ wˈɜːld\n\nðɪs ɪz\n')).toBe('həlˈoʊ wˈɜːld\nðɪs ɪz');
    expect(cleanPhonemes('\n')).toBe('');
  });

  it('maps espeak-ng failures to clear errors', () => {
    const unknown = espeakFailure('xx', 1, ['Error: The specified espeak-ng voice does not exist.']);
    expect(unknown.code).toBe('unknown-voice');
    expect(unknown.message).toContain('"xx"');
    const other = espeakFailure('en', 2, ['boom']);
    expect(other.code).toBe('failed');
    expect(other.message).toBe('espeak-ng failed (exit status 2): boom');
  });

  it('parses the voice list', () => {
    const voices = parseVoiceList([
      'Pty Language       Age/Gender VoiceName          File                 Other Languages',
      ' 5  af              --/M      Afrikaans          gmw/af               ',
      ' 5  cmn             --/M      Chinese_(Mandarin,_latin_as_English) sit/cmn              (zh-cmn 5)(zh 5)',
      ' 2  en-us           --/M      English_(America)  gmw/en-US            (en 3)',
      '',
    ]);
    expect(voices).toEqual([
      { name: 'Afrikaans', language: 'af', file: 'gmw/af', otherLanguages: [] },
      { name: 'Chinese (Mandarin, latin as English)', language: 'cmn', file: 'sit/cmn', otherLanguages: ['zh-cmn', 'zh'] },
      { name: 'English (America)', language: 'en-us', file: 'gmw/en-US', otherLanguages: ['en'] },
    ]);
  });
});
