// Which takes the voice trains on: usable transcribed speech, one in ten held out, and a message saying how much more to record.
import { describe, expect, it } from 'vitest';
import { MIN_SPEECH_SECONDS, planVoiceTraining } from '../../../main/core/voice/train-job.js';
import { makeTake as take } from '../../fixtures/takes.js';

const LANGS = ['en-us', 'es', 'fr-fr'];

describe('planning voice training', () => {
  it('trains on transcribed usable takes and holds out one in ten, spread through the recordings', () => {
    const takes = Array.from({ length: 30 }, () => take());
    const plan = planVoiceTraining(takes, (d) => `/blobs/${d}`, LANGS);
    expect(plan.takes).toHaveLength(30);
    expect(plan.speechSeconds).toBe(150);
    const held = plan.takes.filter((t) => t.heldOut);
    expect(held.map((t) => plan.takes.indexOf(t))).toEqual([9, 19, 29]);
    expect(plan.takes[0]).toMatchObject({ path: `/blobs/${takes[0]!.audio}`, transcript: takes[0]!.transcript, language: 'en' });
    expect(plan.notes).toEqual([]);
  });

  it('skips untranscribed, failed and face takes and takes in a language eSpeak NG cannot read, saying so', () => {
    const good = Array.from({ length: 26 }, () => take());
    const plan = planVoiceTraining(
      [...good, take({ transcript: null }), take({ status: 'fail' }), take({ kind: 'face' }), take({ language: 'tlh' })],
      (d) => d,
      LANGS,
    );
    expect(plan.takes).toHaveLength(26);
    expect(plan.notes.join('\n')).toMatch(/1 untranscribed take\(s\) skipped/);
    expect(plan.notes.join('\n')).toMatch(/1 take\(s\) that failed their checks/);
    expect(plan.notes.join('\n')).toMatch(/takes in tlh skipped: eSpeak NG cannot read that language/);
  });

  it('says how much more speech to record when there is less than two minutes', () => {
    const takes = Array.from({ length: 10 }, () => take({ speechSeconds: 7 }));
    expect(MIN_SPEECH_SECONDS).toBe(120);
    expect(() => planVoiceTraining(takes, (d) => d, LANGS)).toThrow(/1 min 10 s of usable speech in 10 take\(s\): record at least 50 s more/);
    expect(() => planVoiceTraining([], (d) => d, LANGS)).toThrow(/0 s of usable speech in 0 take\(s\): record at least 2 min 0 s more/);
  });

  it('needs three takes even when they are long, so one can be held out', () => {
    expect(() => planVoiceTraining([take({ speechSeconds: 100 }), take({ speechSeconds: 100 })], (d) => d, LANGS)).toThrow(/at least 3 transcribed takes/);
  });
});
