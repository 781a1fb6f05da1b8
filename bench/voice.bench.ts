// Voice benchmark: the voice recipe on 10 minutes of the test creator's speech (train time, held-out distortion against both baselines, pitch error) and synthesis speed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EspeakRunner } from '../main/core/speech/espeak.js';
import { openStudio } from '../main/core/studio.js';
import { Speaker } from '../main/core/voice/speaker.js';
import { ensureTestVoice, importTestVoice } from '../test/fixtures/test-creator/voice-takes.js';
import { type Benchmark, round } from './harness.js';

/** Prompts, then prompt pairs: about 11 minutes of the test creator reading, 10 of them trained on (one take in ten is held out). */
const TAKES = 250;
const TEXT =
  'Good morning, and welcome to the studio. Today we will record a short message for our listeners. ' +
  'The weather has been kind this week, and the garden is full of colour. Thank you for joining us, and see you next time.';

export const voiceBenchmark: Benchmark = {
  name: 'voice',
  description: 'voice model trained on 10 min of the test creator (Festival) from eSpeak NG; held-out distortion; synthesis speed',
  units: {
    trainSpeechSeconds: 's',
    trainSecondsFor10Min: 's',
    mcdSourceDb: 'dB',
    mcdAffineDb: 'dB',
    mcdConvertedDb: 'dB',
    mcdReduction: '(goal ≥ 0.35)',
    mcdVsAffine: '(goal ≤ 0.9)',
    f0RmseCents: 'cents (goal ≤ 100)',
    synthRtf: 's per s of audio (goal ≤ 0.2)',
  },
  async run() {
    const home = mkdtempSync(join(tmpdir(), 'likeness-bench-voice-'));
    const studio = openStudio(home);
    try {
      await importTestVoice(studio, await ensureTestVoice(TAKES));
      const started = performance.now();
      const job = await studio.jobs.settled(studio.jobs.start('voice.train', {}).id);
      const trainSeconds = (performance.now() - started) / 1000;
      if (job.state !== 'completed') throw new Error(`voice training ${job.state}: ${job.error ?? ''}`);
      const model = studio.voiceModels.require();
      const r = model.report;

      const espeak = await EspeakRunner.start();
      const speaker = await Speaker.open(new Uint8Array(await studio.blobs.read(model.model)), espeak);
      let synthRtf: number;
      try {
        await speaker.speakToFile('Warming up.', 'en', join(home, 'warm.wav'));
        const t = performance.now();
        const spoken = await speaker.speakToFile(TEXT, 'en', join(home, 'speech.wav'));
        synthRtf = (performance.now() - t) / 1000 / spoken.seconds;
      } finally {
        await speaker.close();
        await espeak.close();
      }
      return {
        trainSpeechSeconds: round(r.trainSpeechSeconds, 0),
        trainSecondsFor10Min: round(trainSeconds, 0),
        mcdSourceDb: round(r.mcdSourceDb, 2),
        mcdAffineDb: round(r.mcdAffineDb, 2),
        mcdConvertedDb: round(r.mcdConvertedDb, 2),
        mcdReduction: round(r.mcdReduction, 3),
        mcdVsAffine: round(r.mcdVsAffine, 3),
        f0RmseCents: round(r.f0RmseCents, 0),
        synthRtf: round(synthRtf, 3),
      };
    } finally {
      await studio.close();
      rmSync(home, { recursive: true, force: true });
    }
  },
};
