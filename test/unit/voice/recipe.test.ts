// The whole voice recipe on the test creator (Festival's voice, a different synthesiser than eSpeak NG) with a short schedule: train, report, speak.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../main/contract/models.js';
import { EspeakRunner } from '../../../main/core/speech/espeak.js';
import { analyseAudio } from '../../../main/core/speech/loudness.js';
import { parseWav, wavSamples } from '../../../main/core/speech/wav.js';
import { type Studio, openStudio } from '../../../main/core/studio.js';
import { VOICE_LANGUAGES } from '../../../main/core/voice/languages.js';
import { Speaker } from '../../../main/core/voice/speaker.js';
import { VOICE_RATE } from '../../../main/core/voice/spec.js';
import { ensureTestVoice, importTestVoice } from '../../fixtures/test-creator/voice-takes.js';
import { suiteDir, tempDir } from '../../support/tmp.js';

/** One sentence per tested language, in the script eSpeak NG reads (Japanese kana, vocalised Arabic). */
const SAMPLES: Record<string, string> = {
  en: 'The weather is lovely today.',
  es: 'Hoy hace un tiempo estupendo.',
  fr: 'Il fait très beau aujourd’hui.',
  de: 'Heute ist das Wetter herrlich.',
  it: 'Oggi il tempo è bellissimo.',
  pt: 'Hoje o tempo está ótimo.',
  'pt-BR': 'Hoje o tempo está ótimo.',
  hi: 'आज मौसम बहुत अच्छा है।',
  zh: '今天天气很好。',
  ja: 'きょうは いい てんき です。',
  ar: 'اَلطَّقْسُ جَمِيلٌ اَلْيَوْمَ.',
};

let studio: Studio;
const home = suiteDir();
beforeAll(async () => {
  studio = openStudio(home.dir);
  await importTestVoice(studio, await ensureTestVoice(60));
}, 300_000);
afterAll(async () => {
  await studio?.close();
  home.remove();
});

describe('the voice recipe on the test creator', () => {
  it('trains on the takes (paused and resumed on the way), never on the held-out ones, and beats both baselines on them', async () => {
    const { id } = studio.jobs.start('voice.train', { epochs: 4, threads: 2 });
    // Pause while the takes are being analysed: the resumed job keeps what was analysed and goes on.
    await new Promise<void>((resolve) => {
      const stop = studio.events.subscribe((name, payload) => {
        const job = payload as Job;
        if (name === 'job.updated' && job.id === id && /Analysing take 2\d of/.test(job.progress.message)) {
          stop();
          resolve();
        }
      });
    });
    studio.jobs.pause(id);
    const paused = await studio.jobs.settled(id);
    expect(paused).toMatchObject({ state: 'paused', resumable: true });
    const cached = readdirSync(join(home.dir, 'checkpoints', id, 'prepared')).length;
    expect(cached).toBeGreaterThanOrEqual(19);
    studio.jobs.resume(id);
    const job = await studio.jobs.settled(id);
    expect(job.error).toBeNull();
    expect(job.state).toBe('completed');
    const model = studio.voiceModels.require();
    const r = model.report;
    expect(r.heldOutTakes).toBeGreaterThanOrEqual(6);
    expect(r.trainTakes + r.heldOutTakes).toBe(63);
    expect(r.trainSpeechSeconds).toBeGreaterThan(100);
    // The network clearly beats eSpeak NG unconverted, and the affine baseline beats it too but less.
    expect(r.mcdConvertedDb).toBeLessThan(r.mcdAffineDb);
    expect(r.mcdAffineDb).toBeLessThan(r.mcdSourceDb);
    expect(r.mcdReduction).toBeGreaterThan(0.35);
    expect(r.f0RmseCents).toBeLessThan(300);
    // Refining the alignment after an affine conversion lowers its cost.
    expect(r.alignmentCosts[1]!).toBeLessThan(r.alignmentCosts[0]!);
    // Festival's voice is higher than eSpeak NG's: the F0 mapping carries that.
    expect(r.f0.targetMeanHz).toBeGreaterThan(r.f0.sourceMeanHz);
    expect(r.languages).toEqual([{ tag: 'en', measured: true, mcdConvertedDb: r.mcdConvertedDb }]);
    expect(model.samples).not.toBeNull();
    const converted = parseWav(new Uint8Array(await studio.blobs.read(model.samples!.converted)));
    expect(converted.sampleRate).toBe(VOICE_RATE);
    expect(studio.blobs.refCount(model.model)).toBeGreaterThan(0);
  }, 900_000);

  it('speaks every tested language in the creator’s voice at -16 LUFS, with sentence timings', async () => {
    const espeak = await EspeakRunner.start();
    const speaker = await Speaker.open(new Uint8Array(await studio.blobs.read(studio.voiceModels.require().model)), espeak);
    try {
      for (const language of VOICE_LANGUAGES) {
        const out = join(tempDir(), `${language.tag}.wav`);
        const text = `${SAMPLES[language.tag]!} ${SAMPLES[language.tag]!}`;
        const spoken = await speaker.speakToFile(text, language.tag, out);
        expect(spoken.sentences, language.tag).toHaveLength(2);
        expect(spoken.sentences[1]!.startSeconds).toBeGreaterThan(spoken.sentences[0]!.endSeconds);
        const samples = wavSamples(new Uint8Array(readFileSync(out)));
        const level = analyseAudio(samples, VOICE_RATE);
        expect(level.durationSeconds, language.tag).toBeGreaterThan(1);
        // -16 LUFS, unless the peaks reach the -1 dBTP ceiling first (vocoded speech is peakier than recorded speech).
        expect(level.integratedLufs!, language.tag).toBeLessThan(-14.5);
        expect(level.integratedLufs! > -17.5 || level.truePeakDbtp > -1.6, `${language.tag}: ${level.integratedLufs} LUFS, ${level.truePeakDbtp} dBTP`).toBe(true);
        expect(level.integratedLufs!, language.tag).toBeGreaterThan(-22);
        expect(level.truePeakDbtp, language.tag).toBeLessThanOrEqual(-0.9);
      }
      // Slower pace, longer speech.
      const normal = await speaker.speakToFile(SAMPLES.en!, 'en', join(tempDir(), 'normal.wav'));
      const slow = await speaker.speakToFile(SAMPLES.en!, 'en', join(tempDir(), 'slow.wav'), { rate: 0.6 });
      expect(slow.seconds).toBeGreaterThan(normal.seconds * 1.3);
    } finally {
      await speaker.close();
      await espeak.close();
    }
  }, 300_000);

  it('refuses a language eSpeak NG lacks (listing those it has), empty text and a pace out of range, leaving no file', async () => {
    const espeak = await EspeakRunner.start();
    const speaker = await Speaker.open(new Uint8Array(await studio.blobs.read(studio.voiceModels.require().model)), espeak);
    const dir = tempDir();
    try {
      await expect(speaker.speakToFile('nuqneH', 'tlh', join(dir, 'a.wav'))).rejects.toThrow(/cannot read "tlh"\. Languages: en, es/);
      await expect(speaker.speakToFile('  \n ', 'en', join(dir, 'b.wav'))).rejects.toThrow(/nothing to say/);
      await expect(speaker.speakToFile('Hello.', 'en', join(dir, 'c.wav'), { rate: 5 })).rejects.toThrow(/from 0.5 to 2/);
      const stop = new AbortController();
      await expect(
        speaker.speakToFile('One sentence. Two sentences. Three sentences.', 'en', join(dir, 'd.wav'), { signal: stop.signal, onSentence: () => stop.abort() }),
      ).rejects.toThrow();
      expect(existsSync(join(dir, 'd.wav'))).toBe(false);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      await speaker.close();
      await espeak.close();
    }
  }, 120_000);
});
