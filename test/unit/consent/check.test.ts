// The consent check end to end on the test creator's videos: the right sentence passes, a wrong one fails, and a face-less reference fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConsent } from '../../../main/core/capture/consent/check.js';
import { EspeakRunner } from '../../../main/core/speech/espeak.js';
import { FaceTracker } from '../../../main/core/vision/tracker.js';
import { type TestCreatorPaths, ensureTestCreator } from '../../fixtures/test-creator/generate.js';

let creator: TestCreatorPaths;
let espeak: EspeakRunner;
let tracker: FaceTracker;

beforeAll(async () => {
  creator = await ensureTestCreator();
  espeak = await EspeakRunner.start();
  tracker = await FaceTracker.open({ threads: 1, detectorSize: 224 });
}, 180_000);

afterAll(async () => {
  await espeak.close();
  await tracker.close();
});

const take = (id: string) => {
  const found = creator.takes.find((t) => t.promptId === id);
  if (!found) throw new Error(`the test creator has no take ${id}`);
  return found;
};

describe('consent check', () => {
  it('accepts the creator reading the sentence on camera, matched to their face takes', async () => {
    const consent = take('en-001');
    const decoys = ['en-003', 'en-004', 'en-005', 'en-006', 'en-007'].map((id) => take(id).text);
    const record = await checkConsent(
      { espeak, tracker, referenceVideos: [take('en-002').mp4, take('en-008').mp4] },
      { sentence: consent.text, decoys, foreign: decoys, language: 'en' },
      consent.mp4,
      { audio: 'sha256:' + '1'.repeat(64) },
      new Date('2026-11-25T12:00:00Z'),
    );
    expect(record.speech.accepted).toBe(true);
    expect(record.face.accepted).toBe(true);
    expect(record.face.distance).toBeLessThan(record.face.threshold);
    expect(record).toMatchObject({ accepted: true, capturedBy: 'in-app recorder', createdAt: '2026-11-25T12:00:00.000Z' });
  }, 60_000);

  it('rejects a take that reads another sentence', async () => {
    const consent = take('en-001');
    const record = await checkConsent(
      { espeak, tracker, referenceVideos: [take('en-002').mp4] },
      { sentence: take('en-003').text, decoys: [consent.text, take('en-004').text, take('en-005').text], foreign: [take('en-006').text], language: 'en' },
      consent.mp4,
      { audio: 'sha256:' + '2'.repeat(64) },
    );
    expect(record.speech.accepted).toBe(false);
    expect(record.accepted).toBe(false);
  }, 60_000);

  it('rejects unrelated speech even when it happens to rank the sentence first among same-template decoys', async () => {
    // The creator reads prompt en-001; the "sentence" is en-002 and the same-template decoys are far from both,
    // so only the lead over different sentences (which include what was read) can catch it.
    const consent = take('en-001');
    const record = await checkConsent(
      { espeak, tracker, referenceVideos: [take('en-002').mp4] },
      { sentence: take('en-002').text, decoys: ['Zzz.', 'Mm.'], foreign: [consent.text, take('en-004').text], language: 'en' },
      consent.mp4,
      { audio: 'sha256:' + '4'.repeat(64) },
    );
    expect(record.speech.foreignMargin).toBeLessThan(0.1);
    expect(record.speech.accepted).toBe(false);
  }, 60_000);

  it('rejects when there is no face to compare with', async () => {
    const consent = take('en-001');
    const record = await checkConsent(
      { espeak, tracker, referenceVideos: [] },
      { sentence: consent.text, decoys: [take('en-003').text, take('en-004').text], foreign: [take('en-005').text], language: 'en' },
      consent.mp4,
      { audio: 'sha256:' + '3'.repeat(64) },
    );
    expect(record.face.accepted).toBe(false);
    expect(record.accepted).toBe(false);
  }, 60_000);
});
