// The whole face recipe on the test creator with a short schedule: track, train, report against both baselines, render a talking head.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../../main/core/capture/import-file.js';
import { isSilent } from '../../../main/core/face/audio-features.js';
import { TalkingHead } from '../../../main/core/face/render.js';
import { AUDIO_WINDOW, FACE_FPS, MEL_BANDS } from '../../../main/core/face/spec.js';
import { probe } from '../../../main/core/media/ffmpeg.js';
import { decodeVideoFrames } from '../../../main/core/media/video-frames.js';
import { encodeWav } from '../../../main/core/speech/wav.js';
import { type Studio, openStudio } from '../../../main/core/studio.js';
import { type TestCreatorPaths, ensureTestCreator } from '../../fixtures/test-creator/generate.js';
import { suiteDir, tempDir } from '../../support/tmp.js';

let studio: Studio;
let creator: TestCreatorPaths;
const home = suiteDir();
beforeAll(async () => {
  // 27 takes of about 3 s: just over the 60 s of face video training asks for.
  creator = await ensureTestCreator({ takes: 24 });
  studio = openStudio(home.dir);
  for (const take of creator.takes) await importFile(studio, { path: take.mp4, language: 'en', transcript: [take.text] });
}, 900_000);
afterAll(async () => {
  await studio?.close();
  home.remove();
});

describe('the face recipe on the test creator', () => {
  it('trains on the face takes, holds some out, and measures the model beside the idle loop and the nearest mouth', async () => {
    const job = await studio.jobs.settled(studio.jobs.start('face.train', { epochs: 1, threads: 2 }).id);
    expect(job.error).toBeNull();
    expect(job.state).toBe('completed');
    const model = studio.faceModels.require();
    const r = model.report;
    expect(r.heldOutTakes).toBeGreaterThanOrEqual(2);
    expect(r.trainTakes + r.heldOutTakes).toBe(27);
    expect(r.heldOutFrames).toBeGreaterThan(100);
    for (const row of [r.model, r.idle, r.nearest]) {
      expect(row.lmd).toBeGreaterThan(0);
      expect(row.lmd).toBeLessThan(10);
      expect(row.ssim).toBeGreaterThan(0.3);
      expect(row.ssim).toBeLessThanOrEqual(1);
    }
    expect(r.idleSeconds).toBeGreaterThanOrEqual(1);
    expect(r.excluded).toEqual([]);
    const idle = await probe(studio.blobs.pathOf(model.idle));
    expect(idle).toMatchObject({ hasVideo: true, videoCodec: 'h264' });
    expect(model.sample).not.toBeNull();
    expect(await probe(studio.blobs.pathOf(model.sample!))).toMatchObject({ hasVideo: true, hasAudio: true });
  }, 1_200_000);

  it('renders a talking head for any audio: one 512x512 frame per 1/25 s, the loop repeating, silence left at rest', async () => {
    const model = studio.faceModels.require();
    const head = await TalkingHead.open(new Uint8Array(await studio.blobs.read(model.model)), studio.blobs.pathOf(model.idle));
    try {
      expect(head.size).toBe(512);

      const dir = tempDir();
      const out = join(dir, 'head.mp4');
      const speech = creator.takes[0]!.wav;
      const done = await head.render(speech, out);
      const info = await probe(out);
      expect(info).toMatchObject({ hasVideo: true, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' });
      let frames = 0;
      const size = await decodeVideoFrames(out, { maxWidth: 1024, maxHeight: 1024 }, () => void frames++);
      expect(size).toMatchObject({ width: 512, height: 512 });
      expect(Math.abs(frames - Math.ceil(done.seconds * FACE_FPS))).toBeLessThanOrEqual(1);

      const window = new Float32Array(AUDIO_WINDOW * MEL_BANDS);
      const resting = await head.frame(3, window, true);
      const again = await head.frame(3, window, true);
      expect(Buffer.from(resting).equals(Buffer.from(again))).toBe(true);
      expect(isSilent(new Float32Array(16_000), 10)).toBe(true);
      const silence = join(dir, 'silence.wav');
      writeFileSync(silence, encodeWav(new Float32Array(16_000), 16_000));
      expect((await head.render(silence, join(dir, 'quiet.mp4'))).frames).toBe(FACE_FPS);

      // A file that is not audio is refused before any video is made.
      const broken = join(dir, 'broken.wav');
      writeFileSync(broken, Buffer.from('RIFF but not really a wave file at all'));
      await expect(head.render(broken, join(dir, 'broken.mp4'))).rejects.toThrow(/could not read broken\.wav/);
      expect(existsSync(join(dir, 'broken.mp4'))).toBe(false);
    } finally {
      await head.close();
    }
  }, 300_000);
});
