// Calibration of the consent speech check on its real decoys: Festival's voice (not eSpeak NG) reads seeded
// consent sentences; each must be accepted against its 6 same-template decoys, and the same recording must be
// rejected when one of those decoys is taken as the sentence (the true sentence then being among the decoys).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeSentence, decoys, seededRng } from '../../../main/core/capture/consent/sentence.js';
import type { ConsentSentence } from '../../../main/core/capture/consent/sentence.js';
import { matchSpeech, SPEECH_MARGIN } from '../../../main/core/capture/consent/speech-match.js';
import type { SpeechMatch } from '../../../main/core/capture/consent/speech-match.js';
import { EspeakRunner } from '../../../main/core/speech/espeak.js';
import { SileroVad } from '../../../main/core/speech/vad.js';
import { festivalSay } from '../../fixtures/festival-say.js';

const SEEDS = [0, 1, 2, 3, 4];
const cases: { sentence: ConsentSentence; decoys: ConsentSentence[] }[] = SEEDS.map((i) => {
  const sentence = composeSentence('en', seededRng(i));
  return { sentence, decoys: decoys('en', 6, seededRng(100 + i), sentence) };
});

let runner: EspeakRunner;
let vad: SileroVad;
let recordings: Float32Array[];

beforeAll(async () => {
  [runner, vad, recordings] = await Promise.all([EspeakRunner.start(), SileroVad.open(), festivalSay(cases.map((c) => c.sentence.text))]);
}, 60_000);

afterAll(async () => {
  await runner?.close();
  await vad?.close();
});

const summary = (m: SpeechMatch) => `margin ${m.margin.toFixed(3)} (rate ${m.rate}): ${m.scores.map((s) => s.cost.toFixed(3)).join(' ')}`;

describe('matchSpeech on Festival consent sentences vs same-template decoys', () => {
  it.each(SEEDS)('seed %i: accepts the sentence read, rejects a decoy taken as the sentence', async (seed) => {
    const index = SEEDS.indexOf(seed);
    const { sentence, decoys: others } = cases[index]!;
    const recording = recordings[index]!;
    expect(recording.length).toBeGreaterThan(16_000 * 3);

    const own = await matchSpeech(recording, sentence, others, runner, 'en', { vad });
    console.log(`"${sentence.words.weekday} ${sentence.words.adjective} ${sentence.words.noun} ${sentence.words.number}" own: ${summary(own)}`);
    expect(own.sentenceCost).toBeLessThan(own.bestDecoyCost);
    expect(own.margin).toBeGreaterThanOrEqual(SPEECH_MARGIN);
    expect(own.accepted).toBe(true);

    const wrong = await matchSpeech(recording, others[0]!, [...others.slice(1), sentence], runner, 'en', { vad });
    console.log(`  as "${others[0]!.words.weekday} ${others[0]!.words.adjective} ${others[0]!.words.noun} ${others[0]!.words.number}": ${summary(wrong)}`);
    expect(wrong.margin).toBeLessThan(SPEECH_MARGIN);
    expect(wrong.accepted).toBe(false);
    expect(wrong.reason).toBe('decoy-closer');
  });
});
