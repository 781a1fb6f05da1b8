// Compose benchmark: the whole `npm run demo`, then a 60 s two-language script rendered at 512x512 by the demo's licensee (real-time factor, peak memory, per-stage seconds), and the watermark's detection after re-encoding.
import { join } from 'node:path';
import { runDemo } from '../scripts/demo.js';
import { openStudio } from '../main/core/studio.js';
import { type Benchmark, round } from './harness.js';
import { watermarkTrials } from './watermark-trials.js';

const PASSPHRASE = 'demo passphrase, not a secret';

/** About 30 s of speech in each language: with the pauses, a 60 s video. */
const ENGLISH = [
  'Rivers begin as small streams high in the hills, where rain and melting snow gather between the rocks.',
  'As they flow downhill they join together, grow wider and slower, and carry sand and stones towards the sea.',
  'Along the way they shape valleys, feed forests and farms, and give a home to fish, birds and people.',
  'Near the coast the water spreads out into a delta, and fresh water finally meets the salt of the ocean.',
];
const SPANISH = [
  'Los ríos nacen como pequeños arroyos en lo alto de las colinas, donde se juntan la lluvia y la nieve.',
  'Al bajar se unen unos con otros, se hacen más anchos y más lentos, y llevan arena y piedras hacia el mar.',
  'En su camino forman valles, alimentan bosques y campos, y dan hogar a peces, aves y personas.',
  'Cerca de la costa el agua se abre en un delta, y el agua dulce se encuentra por fin con la sal del océano.',
];

export const composeBenchmark: Benchmark = {
  name: 'compose',
  description: 'npm run demo end to end; a 60 s English+Spanish script at 512x512 as the licensee; watermark after AAC 96k / Opus 48k',
  units: {
    demoSeconds: 's',
    videoSeconds: 's',
    rtf: 'wall s per video s (ONNX session creation excluded)',
    openSeconds: 's (excluded)',
    speechSeconds: 's',
    faceSeconds: 's',
    encodeSeconds: 's',
    provenanceSeconds: 's',
    peakRssMB: 'MB',
    watermarkDetectRate: 'of 30 s clips (worse codec)',
    watermarkDetectAac96: '',
    watermarkDetectOpus48: '',
    watermarkFalseRate: '',
    watermarkLoudnessDeltaDb: 'dB',
    watermarkSpectrumDeltaDb: 'dB (max band)',
  },
  async run() {
    const dir = join(process.cwd(), 'demo-output');
    const demo = await runDemo({ dir, log: (line) => process.stderr.write(`${line}\n`) });

    const licensee = openStudio(join(dir, 'licensee-home'));
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    try {
      await licensee.identity.unlock(PASSPHRASE);
      const twin = (await licensee.twins.list())[0]!;
      const licence = licensee.ledger.listLicences({ twinId: twin.id }).find((l) => l.state === 'granted')!;
      const project = licensee.projects.create({
        title: 'Rivers, in two languages',
        segments: [...ENGLISH.map((text) => ({ language: 'en', text, pauseSeconds: 0.6 })), ...SPANISH.map((text) => ({ language: 'es', text, pauseSeconds: 0.6 }))],
      });
      peak = process.memoryUsage().rss;
      const started = performance.now();
      const job = await licensee.jobs.settled(licensee.jobs.start('compose.render', { project: project.id, twinId: twin.id, purpose: 'education', licenseHash: licence.licenseHash }).id);
      const wall = (performance.now() - started) / 1000;
      if (job.state !== 'completed' || !job.result) throw new Error(`the render ended ${job.state}: ${job.error ?? ''}`);
      const r = job.result as Record<string, number>;
      const marks = await watermarkTrials({ clips: 30, seconds: 30 });
      return {
        demoSeconds: round(demo.seconds, 1),
        videoSeconds: round(r.seconds!, 2),
        rtf: round((wall - r.openSeconds!) / r.seconds!, 3),
        openSeconds: round(r.openSeconds!, 2),
        speechSeconds: round(r.speechSeconds!, 2),
        faceSeconds: round(r.faceSeconds!, 2),
        encodeSeconds: round(r.encodeSeconds!, 2),
        provenanceSeconds: round(r.provenanceSeconds!, 2),
        peakRssMB: round(peak / 2 ** 20, 1),
        watermarkDetectRate: round(Math.min(marks.detectRateAac, marks.detectRateOpus), 3),
        watermarkDetectAac96: round(marks.detectRateAac, 3),
        watermarkDetectOpus48: round(marks.detectRateOpus, 3),
        watermarkFalseRate: round(marks.falseDetectRate, 3),
        watermarkLoudnessDeltaDb: round(marks.loudnessDeltaDb, 3),
        watermarkSpectrumDeltaDb: round(marks.maxSpectrumDeltaDb, 3),
      };
    } finally {
      clearInterval(sampler);
      await licensee.close();
    }
  },
};
