// Pure tests of the consent sentence, its decoys, the face check's arithmetic and the consent record.
import { describe, expect, it } from 'vitest';
import { createConsentRecord } from '../../../main/core/capture/consent/record.js';
import { FACE_MATCH_THRESHOLD, matchFace } from '../../../main/core/capture/consent/face-match.js';
import { CONSENT_LANGUAGES, composeSentence, decoys, seededRng } from '../../../main/core/capture/consent/sentence.js';

describe('consent sentence', () => {
  it('composes a sentence per language from the word lists, reproducibly with a seeded rng', () => {
    for (const language of CONSENT_LANGUAGES) {
      const a = composeSentence(language, seededRng(42));
      const b = composeSentence(language, seededRng(42));
      expect(a).toEqual(b);
      expect(a.language).toBe(language);
      for (const word of Object.values(a.words)) expect(a.text).toContain(word);
    }
    expect(composeSentence('en', seededRng(1)).text).toMatch(/^I, the person on this camera, agree to create my likeness on \w+ with the words \w+ \w+ \w+\.$/);
    expect(composeSentence('en').text).toMatch(/^I, the person/);
    expect(() => composeSentence('xx')).toThrow(/No consent sentence/);
  });

  it('draws distinct decoys of the same template that share no word with the sentence', () => {
    const rng = seededRng(7);
    for (const language of CONSENT_LANGUAGES) {
      const sentence = composeSentence(language, rng);
      const list = decoys(language, 5, rng, sentence);
      expect(list).toHaveLength(5);
      expect(new Set(list.map((d) => d.text)).size).toBe(5);
      const prefix = sentence.text.slice(0, 20);
      for (const d of list) {
        expect(d.text.startsWith(prefix)).toBe(true);
        for (const slot of ['weekday', 'adjective', 'noun', 'number'] as const) expect(d.words[slot]).not.toBe(sentence.words[slot]);
      }
    }
    expect(() => decoys('en', 2, () => 99)).toThrow(/outside/);
  });
});

describe('matchFace', () => {
  it('averages consent × reference distances and accepts under the threshold', () => {
    const a = new Float32Array(128);
    const b = new Float32Array(128);
    b[0] = 0.3;
    const c = new Float32Array(128);
    c[0] = 0.9;
    expect(matchFace([a], [a, b])).toEqual({ distance: expect.closeTo(0.15, 6), minDistance: 0, threshold: FACE_MATCH_THRESHOLD, accepted: true });
    const far = matchFace([a], [c]);
    expect(far.accepted).toBe(false);
    expect(far.distance).toBeCloseTo(0.9, 6);
    expect(() => matchFace([], [a])).toThrow(/no face/);
  });
});

describe('createConsentRecord', () => {
  it('records both checks and accepts only when both pass', () => {
    const base = {
      sentence: 'I agree.',
      language: 'en',
      decoys: ['I disagree.'],
      createdAt: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)),
      takeDigest: 'sha256:abc',
      speech: { scores: [{ text: 'I agree.', cost: 0.4, isSentence: true }, { text: 'I disagree.', cost: 0.6, isSentence: false }], margin: 0.5, foreignMargin: 0.3, accepted: true },
      face: { distance: 0.2, threshold: 0.45, accepted: true },
    };
    const record = createConsentRecord(base);
    expect(record).toMatchObject({ createdAt: '2025-01-02T03:04:05.000Z', accepted: true, capturedBy: 'in-app recorder', face: { distance: 0.2, threshold: 0.45, accepted: true } });
    expect(createConsentRecord({ ...base, face: { ...base.face, accepted: false } }).accepted).toBe(false);
    expect(() => createConsentRecord({ ...base, createdAt: 'nope' })).toThrow(/valid time/);
    expect(() => createConsentRecord({ ...base, decoys: ['I agree.'] })).toThrow(/decoy/);
  });
});
