// Integration tests of the consent take's speech check: real speech (JFK) and the test creator's Festival
// voice against eSpeak NG renderings of the sentence and decoys. One eSpeak child and one VAD for the file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchSpeech, SPEECH_MARGIN } from '../../../main/core/capture/consent/speech-match.js';
import type { SpeechMatch } from '../../../main/core/capture/consent/speech-match.js';
import { promptsFor } from '../../../main/core/capture/prompts/index.js';
import { decodeAudioToArray } from '../../../main/core/media/ffmpeg.js';
import { EspeakRunner } from '../../../main/core/speech/espeak.js';
import { SileroVad } from '../../../main/core/speech/vad.js';
import { ensureTestCreator } from '../../fixtures/test-creator/generate.js';

const JFK_WAV = '/work/shared/data/jfk-inaugural-1961.wav';
const JFK_TEXT = 'And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.';
const prompts = promptsFor('en');
const text = (id: string) => prompts.find((p) => p.id === id)!.text;
/** Two prompts read together: about as long as the JFK sentence. */
const pair = (i: number) => `${prompts[i]!.text} ${prompts[i + 1]!.text}`;

let runner: EspeakRunner;
let vad: SileroVad;

beforeAll(async () => {
  [runner, vad] = await Promise.all([EspeakRunner.start(), SileroVad.open()]);
}, 60_000);

afterAll(async () => {
  await runner?.close();
  await vad?.close();
});

function summary(m: SpeechMatch): string {
  return `margin ${m.margin.toFixed(3)} (rate ${m.rate}): ${m.scores.map((s) => s.cost.toFixed(3)).join(' ')}`;
}

describe('matchSpeech', () => {
  describe('JFK, real speech', () => {
    let jfk: Float32Array;
    const decoyTexts = [20, 40, 60, 80, 100].map(pair);
    beforeAll(async () => {
      jfk = (await decodeAudioToArray(JFK_WAV, { sampleRate: 16_000 })).samples;
    });

    it('accepts the clip against its own sentence, ahead of 5 decoys of similar length', async () => {
      const m = await matchSpeech(jfk, JFK_TEXT, decoyTexts, runner, 'en', { vad });
      console.log(`JFK own sentence: ${summary(m)}`);
      expect(m.scores[0]!.isSentence).toBe(true);
      expect(m.sentenceCost).toBeLessThan(m.bestDecoyCost);
      expect(m.margin).toBeGreaterThanOrEqual(SPEECH_MARGIN);
      expect(m.accepted).toBe(true);
      expect(m.speechSeconds).toBeGreaterThan(6);
    });

    it('rejects the clip against a wrong sentence', async () => {
      const m = await matchSpeech(jfk, decoyTexts[0]!, [...decoyTexts.slice(1), pair(120)], runner, 'en', { vad });
      console.log(`JFK wrong sentence: ${summary(m)}`);
      expect(m.accepted).toBe(false);
      expect(m.margin).toBeLessThan(SPEECH_MARGIN);
    });
  });

  describe('the test creator (Festival voice)', () => {
    let take: Float32Array;
    const decoyTexts = ['en-011', 'en-021', 'en-031', 'en-041', 'en-051'].map(text);
    beforeAll(async () => {
      const creator = await ensureTestCreator();
      const t = creator.takes.find((k) => k.promptId === 'en-001');
      if (!t) throw new Error('the test creator has no en-001 take');
      expect(t.text).toBe(text('en-001'));
      take = (await decodeAudioToArray(t.wav, { sampleRate: 16_000 })).samples;
    }, 120_000);

    it("accepts en-001's take against its text", async () => {
      const m = await matchSpeech(take, text('en-001'), decoyTexts, runner, 'en', { vad });
      console.log(`test creator en-001 own text: ${summary(m)}`);
      expect(m.accepted).toBe(true);
    });

    it("rejects en-001's take against en-002's text", async () => {
      const m = await matchSpeech(take, text('en-002'), decoyTexts, runner, 'en', { vad });
      console.log(`test creator en-001 vs en-002 text: ${summary(m)}`);
      expect(m.accepted).toBe(false);
    });
  });

  it('rejects a recording without speech', async () => {
    const m = await matchSpeech(new Float32Array(16_000), 'Hello there.', ['Goodbye now.'], runner, 'en', { vad });
    expect(m).toMatchObject({ accepted: false, reason: 'no-speech' });
  });
});
