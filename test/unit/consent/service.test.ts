// The consent service's issued sentences: the newest valid one survives a reload, an expired or read one does not; test process.
import { afterEach, describe, expect, it } from 'vitest';
import { ConsentService } from '../../../main/core/capture/consent/service.js';
import { type Studio, openStudio } from '../../../main/core/studio.js';
import { tempDir } from '../../support/tmp.js';

describe('consent sentences issued', () => {
  let studio: Studio | undefined;
  afterEach(async () => {
    await studio?.close();
    studio = undefined;
  });

  it('gives back the newest sentence still valid, and nothing once it has expired', () => {
    studio = openStudio(tempDir());
    const consent = new ConsentService(studio);
    expect(consent.current()).toBeNull();
    const first = consent.start('en');
    const second = consent.start('de');
    const current = consent.current();
    expect(current).toMatchObject({ id: second.id, sentence: second.sentence, language: 'de' });
    expect(Date.parse(current!.expiresAt) - Date.now()).toBeGreaterThan(14 * 60 * 1000);
    expect(first.id).not.toBe(second.id);
    expect(consent.current(Date.now() + 16 * 60 * 1000)).toBeNull();
  });

  it('refuses a language it has no sentences for, naming those it has', () => {
    studio = openStudio(tempDir());
    expect(() => new ConsentService(studio!).start('it')).toThrow(/en, es, fr/);
  });

  it('refuses to finish an unknown sentence and discards the recording', async () => {
    studio = openStudio(tempDir());
    const consent = new ConsentService(studio);
    const recording = studio.recordings.start({ kind: 'consent', language: 'en', promptId: null, purpose: 'take', fileName: 'consent.webm' });
    await expect(consent.finish('consent_0123456789abcdef', recording.id)).rejects.toThrow(/expired/);
    expect(studio.recordings.leftovers()).toEqual([]);
  });
});
