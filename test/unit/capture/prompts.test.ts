// Prompt scripts: counts, ids, scripts (kana, Hanzi, Devanagari), lengths and English phonetic coverage.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  PROMPT_LANGUAGES,
  UnknownPromptLanguageError,
  allPrompts,
  languageName,
  promptsFor,
  type Prompt,
} from '../../../main/core/capture/prompts/index.js';

const MIN_COUNT: Record<string, number> = { en: 150 };
const CHARACTER_COUNTED = new Set(['zh', 'ja']);

const KANJI = /[\u4E00-\u9FFF\u3400-\u4DBF]/u;
const KANA = /^[\u3040-\u309F\u30A0-\u30FF]$/u;
const HAN = /^\p{Script=Han}$/u;
const DEVANAGARI = /^[\u0900-\u097F]$/u;

/** Letters (and combining marks) of a text, punctuation and spaces left out. */
const letters = (text: string): string[] => [...text].filter((c) => /[\p{L}\p{M}]/u.test(c));
const words = (text: string): string[] => text.split(/\s+/u).filter((w) => /\p{L}/u.test(w));
const texts = (language: string): string[] => promptsFor(language).map((p) => p.text);

describe('prompt scripts', () => {
  it('has a data file for exactly the declared languages', () => {
    const files = readdirSync(new URL('../../../main/core/capture/prompts/', import.meta.url))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.replace(/\.json$/, ''))
      .sort();
    expect(files).toEqual([...PROMPT_LANGUAGES].sort());
  });

  it.each(PROMPT_LANGUAGES)('%s has enough prompts', (lang) => {
    expect(promptsFor(lang).length).toBeGreaterThanOrEqual(MIN_COUNT[lang] ?? 50);
  });

  it.each(PROMPT_LANGUAGES)('%s ids are unique, well-formed and the language matches the file', (lang) => {
    const prompts = promptsFor(lang);
    const ids = prompts.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of prompts) {
      expect(p.id).toMatch(new RegExp(`^${lang}-\\d{3}$`));
      expect(p.language).toBe(lang);
    }
  });

  it.each(PROMPT_LANGUAGES)('%s texts are non-empty, unique, trimmed, end like sentences and spell numbers out', (lang) => {
    const all = texts(lang);
    expect(new Set(all).size).toBe(all.length);
    for (const text of all) {
      expect(text.trim()).toBe(text);
      expect(text.length).toBeGreaterThan(0);
      expect(text, text).toMatch(/[.?!。？！।]$/u);
      expect(text, text).not.toMatch(/\p{Nd}/u);
    }
  });

  it.each(PROMPT_LANGUAGES)('%s mixes questions in with statements', (lang) => {
    const all = texts(lang);
    const questions = all.filter((t) => /[?？]$/u.test(t)).length;
    expect(questions).toBeGreaterThanOrEqual(Math.ceil(all.length * 0.1));
    expect(all.length - questions).toBeGreaterThanOrEqual(Math.ceil(all.length * 0.5));
  });

  it.each(PROMPT_LANGUAGES)('%s prompt lengths are within bounds', (lang) => {
    for (const text of texts(lang)) {
      if (CHARACTER_COUNTED.has(lang)) {
        const n = letters(text).length;
        expect(n, text).toBeGreaterThanOrEqual(10);
        expect(n, text).toBeLessThanOrEqual(30);
      } else {
        const n = words(text).length;
        expect(n, text).toBeGreaterThanOrEqual(6);
        expect(n, text).toBeLessThanOrEqual(16);
      }
    }
  });

  it('writes Japanese only in kana, never kanji', () => {
    for (const text of texts('ja')) {
      expect(text, text).not.toMatch(KANJI);
      const chars = letters(text);
      expect(chars.filter((c) => KANA.test(c)), text).toEqual(chars);
    }
  });

  it('writes Mandarin in Han characters', () => {
    for (const text of texts('zh')) {
      const chars = letters(text);
      expect(chars.filter((c) => HAN.test(c)), text).toEqual(chars);
      expect(text, text).not.toMatch(/[A-Za-z\u3040-\u30FF]/u);
    }
  });

  it('writes Hindi in Devanagari', () => {
    for (const text of texts('hi')) {
      const chars = letters(text);
      expect(chars.filter((c) => DEVANAGARI.test(c)), text).toEqual(chars);
      expect(text, text).not.toMatch(/[A-Za-z]/u);
    }
  });

  it('writes the Latin-script languages in Latin letters', () => {
    for (const lang of ['en', 'es', 'fr', 'de']) {
      for (const text of texts(lang)) {
        expect(letters(text).every((c) => /\p{Script=Latin}/u.test(c)), text).toBe(true);
      }
    }
  });

  describe('English phonetic coverage', () => {
    const english = texts('en').map((t) => t.toLowerCase());
    const joined = english.join(' ');
    const promptsWith = (pattern: RegExp): number => english.filter((t) => pattern.test(t)).length;

    it('uses every letter of the alphabet many times', () => {
      for (const letter of 'abcdefghijklmnopqrstuvwxyz') {
        const count = joined.split(letter).length - 1;
        expect(count, `letter ${letter}`).toBeGreaterThanOrEqual(5);
      }
    });

    it('covers the common digraphs in many prompts', () => {
      for (const digraph of ['th', 'sh', 'ch', 'ng', 'wh', 'ph', 'ck', 'qu']) {
        expect(promptsWith(new RegExp(digraph)), digraph).toBeGreaterThanOrEqual(5);
      }
    });

    it('has both the voiced and the voiceless th', () => {
      // Voiced: the, this, that, there, they, those, these, with, other, weather...; voiceless: three, thick, thin, thirty...
      expect(promptsWith(/\b(the|this|that|there|they|those|these|then)\b/)).toBeGreaterThanOrEqual(50);
      expect(promptsWith(/\b(three|thick|thin|third|thirty|thistles|thank|think|thresh|thunder|thyme|thursday|through|threw|thrown)\b/)).toBeGreaterThanOrEqual(10);
    });

    it('has the rare zh sound (measure, vision, beige) in several prompts', () => {
      expect(promptsWith(/(asure|[aeiu]sion|usual|azure|beige|garage)/)).toBeGreaterThanOrEqual(5);
    });

    it('has z and s sounds, and the j/ge sound', () => {
      expect(promptsWith(/z/)).toBeGreaterThanOrEqual(10);
      expect(promptsWith(/\bs/)).toBeGreaterThanOrEqual(50);
      expect(promptsWith(/j|ge\b|dge/)).toBeGreaterThanOrEqual(10);
    });
  });
});

describe('prompt API', () => {
  it('lists every prompt once in allPrompts', () => {
    const all: readonly Prompt[] = allPrompts();
    expect(all.length).toBe(PROMPT_LANGUAGES.reduce((n, lang) => n + promptsFor(lang).length, 0));
    expect(new Set(all.map((p) => p.id)).size).toBe(all.length);
  });

  it('names the languages', () => {
    expect(languageName('en')).toBe('English');
    expect(languageName('hi')).toBe('Hindi');
    expect(languageName('ja')).toBe('Japanese');
    for (const lang of PROMPT_LANGUAGES) expect(languageName(lang).length).toBeGreaterThan(0);
  });

  it('matches tags case-insensitively and returns stable, frozen data', () => {
    expect(promptsFor('EN')).toBe(promptsFor('en'));
    expect(Object.isFrozen(promptsFor('en'))).toBe(true);
    expect(promptsFor('en')[0]).toEqual({ id: 'en-001', language: 'en', text: 'The birch canoe slid on the smooth planks.' });
  });

  it('throws a clear error for a language without a script', () => {
    expect(() => promptsFor('xx')).toThrow(UnknownPromptLanguageError);
    expect(() => promptsFor('xx')).toThrow(/No prompt script for language "xx"; available: en, es, fr, de, hi, zh, ja/);
    expect(() => promptsFor('')).toThrow(UnknownPromptLanguageError);
    expect(() => languageName('pt')).toThrow(/No prompt script for language "pt"/);
  });
});
