// Files into takes: a video becomes one face take with its analysed video, audio is split into voice takes, and interrupted recordings are recovered.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { importFile, recoverRecording } from '../../../main/core/capture/import-file.js';
import { promptsFor } from '../../../main/core/capture/prompts/index.js';
import { openStudio } from '../../../main/core/studio.js';
import { type TestCreatorPaths, ensureTestCreator } from '../../fixtures/test-creator/generate.js';
import { tempDir } from '../../support/tmp.js';

const JFK = fileURLToPath(new URL('../../../../shared/data/jfk-inaugural-1961.wav', import.meta.url));

let creator: TestCreatorPaths;
beforeAll(async () => {
  creator = await ensureTestCreator();
}, 600_000);

function withStudio() {
  const studio = openStudio(tempDir());
  return { studio, [Symbol.asyncDispose]: () => studio.close() };
}

describe('importing a file', () => {
  it('makes a video one face take, keeping the video with its face measurements and the transcript', async () => {
    await using s = withStudio();
    const take = creator.takes[0]!;
    const outcome = await importFile(s.studio, { path: take.mp4, language: 'en', transcript: [take.text] });
    expect(outcome.takes).toHaveLength(1);
    const [face] = outcome.takes;
    expect(face).toMatchObject({ kind: 'face', source: 'imported', sourceName: `${take.id}.mp4`, transcript: take.text, video: expect.stringMatching(/^sha256:/) });
    expect(face!.videoMetrics!.facePresentRatio).toBeGreaterThan(0.9);
    expect(face!.videoMetrics!.multipleFacesRatio).toBe(0);
    // The stored video is the file as imported.
    expect(Buffer.from(await s.studio.blobs.read(face!.video!)).equals(readFileSync(take.mp4))).toBe(true);
  });

  it('takes only the audio of a video when asked to import it as voice', async () => {
    await using s = withStudio();
    const outcome = await importFile(s.studio, { path: creator.takes[1]!.mp4, language: 'en', as: 'voice' });
    expect(outcome.takes.length).toBeGreaterThan(0);
    for (const take of outcome.takes) expect(take).toMatchObject({ kind: 'voice', video: null, videoMetrics: null });
  });

  it('refuses to make a face take of audio, storing nothing', async () => {
    await using s = withStudio();
    await expect(importFile(s.studio, { path: JFK, language: 'en', as: 'face' })).rejects.toThrow(/has no video track to import as a face take/);
    expect(s.studio.takes.list()).toEqual([]);
    expect(s.studio.blobs.stats().blobCount).toBe(0);
  });
});

describe('recovering an interrupted recording', () => {
  const meta = { kind: 'voice', language: 'en', promptId: 'en-001', purpose: 'take', fileName: 'take.wav' } as const;

  function interrupted(studio: ReturnType<typeof openStudio>, bytes: Uint8Array, details: Partial<typeof meta> | object = {}): string {
    const { id } = studio.recordings.start({ ...meta, ...details });
    for (let seq = 0, at = 0; at < bytes.length; seq++, at += 64 * 1024) studio.recordings.append(id, seq, bytes.subarray(at, at + 64 * 1024));
    // What a crash leaves: the flushed chunks and no finish.
    studio.recordings.closeAll();
    return id;
  }

  it('turns what was flushed into the take it was meant to be, then removes the file', async () => {
    await using s = withStudio();
    const id = interrupted(s.studio, readFileSync(JFK));
    const recovered = await recoverRecording(s.studio, id);
    expect(recovered.takes).toHaveLength(1);
    expect(recovered.takes[0]).toMatchObject({ kind: 'voice', source: 'recorded', promptId: 'en-001', transcript: promptsFor('en')[0]!.text });
    expect(recovered.notes[0]).toMatch(/recovered from an interrupted recording/);
    expect(s.studio.recordings.leftovers()).toEqual([]);
  });

  it('keeps a recording it cannot read, with a clear message, for another try or deletion', async () => {
    await using s = withStudio();
    const id = interrupted(s.studio, readFileSync(JFK).subarray(0, 40));
    await expect(recoverRecording(s.studio, id)).rejects.toThrow(/take\.wav|audio|read/i);
    expect(s.studio.recordings.leftovers().map((l) => l.id)).toEqual([id]);
    expect(s.studio.takes.list()).toEqual([]);
  });

  it('refuses to recover a consent take: its sentence was for that take only', async () => {
    await using s = withStudio();
    const id = interrupted(s.studio, readFileSync(JFK), { kind: 'consent', promptId: null });
    await expect(recoverRecording(s.studio, id)).rejects.toThrow(/read a new sentence/);
    expect(s.studio.recordings.leftovers()).toHaveLength(1);
  });
});
