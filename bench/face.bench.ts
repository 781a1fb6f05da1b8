// Face benchmark: the face recipe on 3 minutes of the test creator's video (held-out mouth distance and SSIM against both baselines, training time) and render speed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importFile } from '../main/core/capture/import-file.js';
import { TalkingHead } from '../main/core/face/render.js';
import { encodeWav, parseWav, wavSamples } from '../main/core/speech/wav.js';
import { openStudio } from '../main/core/studio.js';
import { ensureTestCreator } from '../test/fixtures/test-creator/generate.js';
import { type Benchmark, round } from './harness.js';

/** Prompts read on camera: about 3 minutes of face video (one take in ten held out). */
const TAKES = 66;
/** Rendered for renderFps: long enough that ffmpeg's start and finish do not weigh on the rate, as in a compose. */
const RENDER_SECONDS = 30;

/** The takes' speech one after another, RENDER_SECONDS of it, as one WAV. */
function speechFor(wavs: readonly string[], out: string): string {
  const pieces: Float32Array[] = [];
  let sampleRate = 0;
  let total = 0;
  for (const wav of wavs) {
    const bytes = new Uint8Array(readFileSync(wav));
    sampleRate = parseWav(bytes).sampleRate;
    const samples = wavSamples(bytes);
    pieces.push(samples);
    total += samples.length;
    if (total >= RENDER_SECONDS * sampleRate) break;
  }
  const joined = new Float32Array(Math.min(total, RENDER_SECONDS * sampleRate));
  let at = 0;
  for (const piece of pieces) {
    joined.set(piece.subarray(0, joined.length - at), at);
    at += Math.min(piece.length, joined.length - at);
  }
  writeFileSync(out, encodeWav(joined, sampleRate));
  return out;
}

export const faceBenchmark: Benchmark = {
  name: 'face',
  description: 'face model trained on ~3 min of the test creator video; held-out LMD/SSIM vs idle loop and nearest mouth; 512x512 render speed',
  units: {
    lmdModel: 'px',
    lmdIdle: 'px',
    lmdNearest: 'px',
    ssimModel: '',
    ssimIdle: '',
    ssimNearest: '',
    preprocessMsPerFrame: 'ms',
    trainSecondsFor3Min: 's (CPU, 2 threads)',
    renderFps: `frames/s at 512x512 with blending and H.264, ${RENDER_SECONDS} s of speech (goal ≥ 32)`,
  },
  async run() {
    const home = mkdtempSync(join(tmpdir(), 'likeness-bench-face-'));
    const studio = openStudio(home);
    try {
      const creator = await ensureTestCreator({ takes: TAKES });
      for (const take of creator.takes) await importFile(studio, { path: take.mp4, language: 'en', transcript: [take.text] });
      const started = performance.now();
      const job = await studio.jobs.settled(studio.jobs.start('face.train', {}).id);
      const trainSeconds = (performance.now() - started) / 1000;
      if (job.state !== 'completed') throw new Error(`face training ${job.state}: ${job.error ?? ''}`);
      const model = studio.faceModels.require();
      const head = await TalkingHead.open(new Uint8Array(await studio.blobs.read(model.model)), studio.blobs.pathOf(model.idle));
      let renderFps: number;
      try {
        const t = performance.now();
        const done = await head.render(speechFor(creator.takes.map((take) => take.wav), join(home, 'speech.wav')), join(home, 'render.mp4'));
        renderFps = done.frames / ((performance.now() - t) / 1000);
      } finally {
        await head.close();
      }
      const r = model.report;
      return {
        lmdModel: round(r.model.lmd, 3),
        lmdIdle: round(r.idle.lmd, 3),
        lmdNearest: round(r.nearest.lmd, 3),
        ssimModel: round(r.model.ssim, 4),
        ssimIdle: round(r.idle.ssim, 4),
        ssimNearest: round(r.nearest.ssim, 4),
        preprocessMsPerFrame: round(r.preprocessMsPerFrame, 1),
        trainSecondsFor3Min: round(trainSeconds, 0),
        renderFps: round(renderFps, 1),
      };
    } finally {
      await studio.close();
      rmSync(home, { recursive: true, force: true });
    }
  },
};
