// Scripts: parsing with errors a creator can act on, what renders, JSON import and export.
import { describe, expect, it } from 'vitest';
import { LikenessError } from '../../../main/contract/errors.js';
import { checkRenderable, parseScript, scriptFromJson, scriptLanguages, scriptToJson, spokenSegments } from '../../../main/core/compose/script.js';

const ESPEAK = ['en-us', 'es', 'fr-fr', 'de', 'cmn', 'ja', 'sw'];

describe('compose scripts', () => {
  it('fills defaults and round-trips through JSON', () => {
    const script = parseScript({ title: 'Hello', segments: [{ language: 'en', text: 'Hi there.' }, { language: 'es', text: 'Hola.', pauseSeconds: 1 }] });
    expect(script.schema).toBe('likeness.script/v1');
    expect(script.segments[0]!.pauseSeconds).toBe(0);
    expect(scriptFromJson(scriptToJson(script))).toEqual(script);
    expect(scriptLanguages(script)).toEqual(['en', 'es']);
  });

  it('names the segment and field that are wrong, counting segments from 1', () => {
    try {
      parseScript({ title: 'x', segments: [{ language: 'en', text: 'ok' }, { language: 'en', text: 'y'.repeat(5001) }] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(LikenessError);
      expect((error as LikenessError).issues?.[0]?.path).toBe('segments.2.text');
      expect((error as Error).message).toContain('at most 5000 characters');
    }
    expect(() => parseScript({ title: '', segments: [] })).toThrow(/title/);
    expect(() => parseScript({ title: 'x', segments: [{ language: 'en', text: 'a', pauseSeconds: 60 }] })).toThrow(/segments\.1\.pauseSeconds/);
  });

  it('tells bad JSON from a bad script', () => {
    expect(() => scriptFromJson('{"title": ')).toThrow(/not JSON/);
    expect(() => scriptFromJson('[]')).toThrow(/not valid/);
  });

  it('refuses an empty script, and a language eSpeak NG cannot read while listing the ones it can', () => {
    expect(() => checkRenderable(parseScript({ title: 'x', segments: [] }), ESPEAK)).toThrow(/empty/);
    expect(() => checkRenderable(parseScript({ title: 'x', segments: [{ language: 'en', text: '   \n ' }] }), ESPEAK)).toThrow(/empty/);
    const klingon = parseScript({ title: 'x', segments: [{ language: 'en', text: 'Hello.' }, { language: 'tlh', text: 'nuqneH' }] });
    expect(() => checkRenderable(klingon, ESPEAK)).toThrow(/Segment 2: .*"tlh".*Languages: en, es/);
    expect(() => checkRenderable(parseScript({ title: 'x', segments: [{ language: 'sw', text: 'Habari.' }] }), ESPEAK)).not.toThrow();
  });

  it('skips blank segments when speaking but keeps their numbers', () => {
    const script = parseScript({ title: 'x', segments: [{ language: 'en', text: ' ' }, { language: 'fr', text: 'Bonjour.' }] });
    expect(spokenSegments(script).map((s) => s.index)).toEqual([1]);
    expect(scriptLanguages(script)).toEqual(['fr']);
  });
});
