// Importing recordings: split at pauses, analysed and stored; every bad input gets a clear message and leaves nothing behind.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importRecording } from '../../../main/core/capture/import.js';
import { ffmpegPath } from '../../../main/core/media/binaries.js';
import { parseWav } from '../../../main/core/speech/wav.js';
import { openStudio } from '../../../main/core/studio.js';
import { tempDir } from '../../support/tmp.js';

const JFK = fileURLToPath(new URL('../../../../shared/data/jfk-inaugural-1961.wav', import.meta.url));

function ffmpeg(args: string[]): void {
  execFileSync(ffmpegPath()!, ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

async function withStudio() {
  const studio = openStudio(tempDir());
  const deps = { db: studio.db, blobs: studio.blobs, tmpDir: studio.tmpDir };
  return { studio, deps, [Symbol.asyncDispose]: () => studio.close() };
}

function expectNothingStored(studio: ReturnType<typeof openStudio>): void {
  expect(studio.takes.list()).toEqual([]);
  expect(studio.blobs.stats().blobCount).toBe(0);
  expect(readdirSync(studio.tmpDir)).toEqual([]);
}

describe('importing recordings', () => {
  it('splits real speech into takes at its pauses, stores each as 48 kHz mono WAV with its measurements', async () => {
    await using s = await withStudio();
    const outcome = await importRecording(s.deps, { path: JFK, language: 'en' });
    expect(outcome.takes.length).toBeGreaterThanOrEqual(2);
    const total = outcome.takes.reduce((sum, t) => sum + t.metrics.durationSeconds, 0);
    expect(total).toBeGreaterThan(9);
    expect(total).toBeLessThanOrEqual(11.1);
    for (const take of outcome.takes) {
      const wav = parseWav(await s.studio.blobs.read(take.audio));
      expect(wav).toMatchObject({ sampleRate: 48000, channels: 1, bitsPerSample: 16 });
      expect(wav.durationSeconds).toBeCloseTo(take.metrics.durationSeconds, 2);
      expect(take.metrics.integratedLufs).toBeGreaterThan(-30);
      expect(take.metrics.speechRatio).toBeGreaterThan(0.3);
      expect(take).toMatchObject({ source: 'imported', transcript: null, language: 'en' });
      expect(s.studio.blobs.refCount(take.audio)).toBe(1);
    }
    expect(outcome.notes.join(' ')).toContain('untranscribed');
    expect(s.studio.takes.list().map((t) => t.id)).toEqual(outcome.takes.map((t) => t.id));
    expect(readdirSync(s.studio.tmpDir)).toEqual([]);
  });

  it('uses a transcript with one line per take, and keeps takes untranscribed when the count differs', async () => {
    await using s = await withStudio();
    const first = await importRecording(s.deps, { path: JFK, language: 'en' });
    const lines = first.takes.map((_, i) => `line ${i + 1}`);
    const matched = await importRecording(s.deps, { path: JFK, language: 'en', transcript: lines });
    expect(matched.takes.map((t) => t.transcript)).toEqual(lines);
    const mismatched = await importRecording(s.deps, { path: JFK, language: 'en', transcript: ['only one line'] });
    expect(mismatched.takes.every((t) => t.transcript === null)).toBe(true);
    expect(mismatched.notes[0]).toMatch(/the transcript has 1 line\(s\) for \d+ take\(s\)/);
  });

  it('a file that is not media is refused with ffmpeg’s reason, and nothing is stored', async () => {
    await using s = await withStudio();
    const path = join(tempDir(), 'notes.wav');
    writeFileSync(path, 'these are my notes, not audio');
    await expect(importRecording(s.deps, { path, language: 'en' })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/could not read notes\.wav/) });
    expectNothingStored(s.studio);
  });

  it('a truncated or empty file, a missing file and a video without sound each get a clear message', async () => {
    await using s = await withStudio();
    const dir = tempDir();
    const truncated = join(dir, 'cut.wav');
    writeFileSync(truncated, readFileSync(JFK).subarray(0, 30));
    await expect(importRecording(s.deps, { path: truncated, language: 'en' })).rejects.toThrow(/cut\.wav/);
    const empty = join(dir, 'empty.mp3');
    writeFileSync(empty, '');
    await expect(importRecording(s.deps, { path: empty, language: 'en' })).rejects.toThrow(/empty\.mp3/);
    await expect(importRecording(s.deps, { path: join(dir, 'nowhere.wav'), language: 'en' })).rejects.toMatchObject({ code: 'not-found' });
    const silentVideo = join(dir, 'silent.mp4');
    ffmpeg(['-f', 'lavfi', '-i', 'color=c=black:s=64x64:d=1', '-pix_fmt', 'yuv420p', silentVideo]);
    await expect(importRecording(s.deps, { path: silentVideo, language: 'en' })).rejects.toThrow(/no audio stream/);
    expectNothingStored(s.studio);
  });

  it('silence is refused as "no speech", and nothing is stored', async () => {
    await using s = await withStudio();
    const path = join(tempDir(), 'room-tone.flac');
    ffmpeg(['-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=stereo', '-t', '4', path]);
    await expect(importRecording(s.deps, { path, language: 'en' })).rejects.toThrow(/No speech found in room-tone\.flac \(4\.0 s\); nothing was imported/);
    expectNothingStored(s.studio);
  });

  it('an import stopped midway leaves no partial take and no scratch file', async () => {
    await using s = await withStudio();
    const controller = new AbortController();
    await expect(
      importRecording(s.deps, { path: JFK, language: 'en', signal: controller.signal, onProgress: (done) => done > 2 && controller.abort() }),
    ).rejects.toThrow();
    expect(s.studio.takes.list()).toEqual([]);
    expect(readdirSync(s.studio.tmpDir)).toEqual([]);
  });

  it('a long recording streams through with flat memory and comes out as many takes', async () => {
    await using s = await withStudio();
    const path = join(tempDir(), 'long.opus');
    ffmpeg(['-stream_loop', '12', '-i', JFK, '-c:a', 'libopus', '-b:a', '32k', path]);
    const before = process.memoryUsage().rss;
    let peak = before;
    const outcome = await importRecording(s.deps, { path, language: 'en', onProgress: () => (peak = Math.max(peak, process.memoryUsage().rss)) });
    expect(outcome.takes.length).toBeGreaterThan(10);
    const seconds = outcome.takes.reduce((sum, t) => sum + t.metrics.durationSeconds, 0);
    expect(seconds).toBeGreaterThan(115);
    // The decoded audio goes to a scratch file, not memory: memory must not grow with the recording.
    expect(peak - before).toBeLessThan(80 * 1024 * 1024);
  });

  it('deleting a take frees its audio for garbage collection', async () => {
    await using s = await withStudio();
    const [take] = (await importRecording(s.deps, { path: JFK, language: 'en' })).takes;
    s.studio.takes.delete(take!.id);
    expect(s.studio.takes.find(take!.id)).toBeUndefined();
    expect(s.studio.blobs.refCount(take!.audio)).toBe(0);
    expect(() => s.studio.takes.delete(take!.id)).toThrow(/No take/);
  });
});
