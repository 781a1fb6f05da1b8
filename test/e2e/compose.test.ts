// Compose end to end on the trained test creator: rules first, the render (MP4 and WebM, audio-only), what the output holds, verifying it, a licensee's render, and what a user can get wrong.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ComposeOutput } from '../../main/contract/compose.js';
import { LikenessError } from '../../main/contract/errors.js';
import { type Job, defaultTwinRules } from '../../main/contract/models.js';
import { planRender } from '../../main/core/compose/render-job.js';
import { receiptMark } from '../../main/core/ledger/receipts.js';
import { verifyFile } from '../../main/core/compose/verify.js';
import { ffmpegPath, ffprobePath } from '../../main/core/media/binaries.js';
import { probe } from '../../main/core/media/ffmpeg.js';
import { decodeVideoFrames } from '../../main/core/media/video-frames.js';
import { type Studio, openStudio } from '../../main/core/studio.js';
import { blobFile, loadTwin } from '../../main/core/twin/load.js';
import { TEST_PASSPHRASE } from '../fixtures/stored-voice-model.js';
import { TRAINED_PASSPHRASE, trainedHomeCopy } from '../fixtures/trained-creator.js';
import { canMount, suiteDir, tempDir } from '../support/tmp.js';

const home = suiteDir();
const licenseeHome = suiteDir();
let studio: Studio;
let twinId: string;
let voiceOnlyTwin: string;

beforeAll(async () => {
  const trained = await trainedHomeCopy(home.dir);
  studio = openStudio(home.dir);
  await studio.identity.unlock(TRAINED_PASSPHRASE);
  vi.stubEnv('LIKENESS_SCRYPT_N', String(2 ** 12));
  const rules = { ...defaultTwinRules(), purposes: ['personal', 'education'], blockedTerms: ['Acme'] };
  twinId = (await studio.twins.pack({ name: 'Test creator', voiceModel: trained.voiceModel, faceModel: trained.faceModel, rules })).id;
  voiceOnlyTwin = (await studio.twins.pack({ name: 'Voice only', voiceModel: trained.voiceModel, rules, consent: false })).id;
}, 1_500_000);

afterAll(async () => {
  await studio?.close();
  home.remove();
  licenseeHome.remove();
  vi.unstubAllEnvs();
});

const ffmpeg = (args: string[]) => execFileSync(ffmpegPath()!, ['-v', 'error', '-y', ...args]);

async function render(on: Studio, options: Record<string, unknown>): Promise<{ job: Job; output: ComposeOutput | undefined }> {
  await planRender(on.composition, { format: 'mp4', resolution: '512', audioOnly: false, ...options } as never);
  const started = on.jobs.start('compose.render', options);
  const job = await on.jobs.settled(started.id);
  const id = job.result?.output;
  return { job, output: typeof id === 'string' ? on.projects.output(id) : undefined };
}

function twoLanguageProject(on: Studio, extra: { language: string; text: string }[] = []) {
  return on.projects.create({
    title: 'Hola y hello',
    segments: [
      { language: 'en', text: 'Good morning. Today we learn about rivers and the sea.', pauseSeconds: 0.3 },
      { language: 'es', text: 'Buenos días. Hoy aprendemos sobre los ríos y el mar.' },
      ...extra,
    ],
  });
}

async function refusal(promise: Promise<unknown>): Promise<LikenessError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LikenessError);
  return error as LikenessError;
}

describe('compose on the trained test creator', () => {
  let mp4: ComposeOutput;

  it('renders an English and a Spanish segment as MP4: speech, face, subtitles, label, watermark, receipt, C2PA', async () => {
    const project = twoLanguageProject(studio);
    const { job, output } = await render(studio, { project: project.id, twinId, purpose: 'education' });
    expect(job.error).toBeNull();
    expect(output).toBeDefined();
    mp4 = output!;
    expect(mp4).toMatchObject({ format: 'mp4', languages: ['en', 'es'], licence: 'owner', sidecar: null });
    expect(job.result).toMatchObject({ speechSeconds: expect.any(Number), faceSeconds: expect.any(Number), encodeSeconds: expect.any(Number), provenanceSeconds: expect.any(Number) });

    const info = await probe(mp4.path);
    expect(info).toMatchObject({ hasVideo: true, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' });
    expect(info.streams.find((st) => st.type === 'video')).toMatchObject({ width: 512, height: 512 });
    expect(Math.abs(info.durationSeconds! - mp4.seconds)).toBeLessThan(0.1);
    // Whole frames per segment: the video and the sound end within one frame of each other.
    const streams = (JSON.parse(execFileSync(ffprobePath()!, ['-v', 'error', '-show_streams', '-of', 'json', mp4.path], { encoding: 'utf8' })) as { streams: { codec_type: string; duration: string }[] }).streams;
    const duration = (type: string) => Number(streams.find((st) => st.codec_type === type)!.duration);
    expect(Math.abs(duration('video') - duration('audio'))).toBeLessThanOrEqual(1 / 25 + 0.025);
    expect(streams.map((st) => st.codec_type).sort()).toEqual(['audio', 'subtitle', 'video']);
    let frames = 0;
    let labelled = false;
    await decodeVideoFrames(mp4.path, { maxWidth: 512, maxHeight: 512 }, (frame) => {
      if (frames++ === 0) {
        // The label's box sits in the bottom-left corner: dark, with white text in it.
        let white = 0;
        for (let y = 470; y < 500; y++) for (let x = 14; x < 200; x++) if (frame.data[(y * 512 + x) * 3]! > 235) white++;
        labelled = white > 100;
      }
    });
    expect(Math.abs(frames / 25 - mp4.seconds)).toBeLessThanOrEqual(1 / 25);
    expect(labelled).toBe(true);

    const vtt = readFileSync(mp4.subtitles.vtt, 'utf8');
    const times = [...vtt.matchAll(/(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)/g)].map((m) => [
      +m[1]! * 3600 + +m[2]! * 60 + +m[3]! + +m[4]! / 1000,
      +m[5]! * 3600 + +m[6]! * 60 + +m[7]! + +m[8]! / 1000,
    ]);
    expect(times.length).toBeGreaterThanOrEqual(4);
    expect(times[0]![0]).toBeLessThan(0.5);
    expect(times.at(-1)![1]).toBeLessThanOrEqual(mp4.seconds + 0.001);
    expect(times.at(-1)![1]).toBeGreaterThan(mp4.seconds - 1.5);
    expect(vtt).toContain('Today we learn about rivers and the sea.');
    expect(vtt).toContain('Hoy aprendemos sobre los ríos y el mar.');
    expect(readFileSync(mp4.subtitles.srt, 'utf8')).toMatch(/^1\r\n00:00:00,\d{3} --> /);

    expect(studio.ledger.receipt(mp4.receiptId)?.signed.receipt).toMatchObject({ licence: 'owner', purpose: 'education', language: 'mul' });
    expect(studio.projects.byMark(mp4.mark).map((o) => o.id)).toEqual([mp4.id]);
    expect(mp4.mark).toBe(receiptMark(studio.ledger.receipt(mp4.receiptId)!.signed.receipt));
  }, 600_000);

  it('verifies its own render, then a copy with the metadata stripped, and catches a tampered one', async () => {
    const verdict = await verifyFile(studio, mp4.path);
    expect(verdict.checks.map((c) => [c.name, c.status])).toEqual([
      ['c2pa', 'pass'],
      ['watermark', 'pass'],
      ['receipt', 'pass'],
      ['twin', 'pass'],
      ['licence', 'pass'],
      ['anchor', 'unknown'],
    ]);
    expect(verdict.verdict).toBe('verified');
    expect(verdict.strength).toMatch(/consistency, not identity/);
    expect(verdict.receiptId).toBe(mp4.receiptId);

    // An upload site re-encodes the sound and drops the metadata: the watermark still leads to the receipt.
    const dir = tempDir();
    const stripped = join(dir, 'uploaded.mp4');
    ffmpeg(['-i', mp4.path, '-map_metadata', '-1', '-map', '0:v', '-map', '0:a', '-c:v', 'copy', '-c:a', 'aac', '-b:a', '96k', stripped]);
    const after = await verifyFile(studio, stripped);
    expect(after.checks.find((c) => c.name === 'c2pa')?.status).toBe('unknown');
    expect(after.checks.find((c) => c.name === 'watermark')?.status).toBe('pass');
    expect(after.checks.find((c) => c.name === 'receipt')?.status).toBe('pass');
    expect(after.verdict).toBe('partial');

    const tampered = join(dir, 'tampered.mp4');
    const bytes = readFileSync(mp4.path);
    const mdat = bytes.indexOf(Buffer.from('mdat'));
    bytes[mdat + 5000] = bytes[mdat + 5000]! ^ 0xff;
    writeFileSync(tampered, bytes);
    const bad = await verifyFile(studio, tampered);
    expect(bad.checks.find((c) => c.name === 'c2pa')?.status).toBe('fail');
    expect(bad.verdict).toBe('failed');
  }, 300_000);

  it('renders WebM with a .c2pa sidecar, which verify finds beside the file', async () => {
    const project = studio.projects.create({ title: 'WebM', segments: [{ language: 'fr', text: 'Bonjour à tous. Aujourd’hui, nous parlons des rivières, des lacs et de la mer, et de la pluie qui les remplit.' }] });
    const { job, output } = await render(studio, { project: project.id, twinId, purpose: 'personal', format: 'webm' });
    expect(job.error).toBeNull();
    expect(output!.sidecar).toBe(`${output!.path}.c2pa`);
    expect(await probe(output!.path)).toMatchObject({ videoCodec: 'vp9', audioCodec: 'opus' });
    const verdict = await verifyFile(studio, output!.path);
    expect(verdict.checks.find((c) => c.name === 'c2pa')?.detail).toContain('sidecar');
    expect(verdict.verdict).toBe('verified');
  }, 300_000);

  it('renders 1080p on request: the square scaled and centred on a 1920x1080 frame', async () => {
    const project = studio.projects.create({ title: 'Wide', segments: [{ language: 'de', text: 'Guten Tag. Heute sprechen wir über Flüsse, Seen und das Meer, und über den Regen, der sie füllt.' }] });
    const { job, output } = await render(studio, { project: project.id, twinId, purpose: 'personal', resolution: '1080p' });
    expect(job.error).toBeNull();
    expect((await probe(output!.path)).streams.find((st) => st.type === 'video')).toMatchObject({ codec: 'h264', width: 1920, height: 1080 });
    expect((await verifyFile(studio, output!.path)).verdict).toBe('verified');
  }, 300_000);

  it('refuses scripts that break the rules before any synthesis, naming the rule and the segment', async () => {
    const jobsBefore = studio.jobs.list(500).length;
    const violent = twoLanguageProject(studio, [{ language: 'es', text: 'Te voy a matar si no vienes.' }]);
    const error = await refusal(planRender(studio.composition, { project: violent.id, twinId, purpose: 'education', format: 'mp4', resolution: '512', audioOnly: false }));
    expect(error.code).toBe('forbidden');
    expect(error.issues).toContainEqual({ path: 'segments.3', message: expect.stringMatching(/violence/) });

    const term = studio.projects.create({ title: 'Ad', segments: [{ language: 'de', text: 'Kaufen Sie bei ACME!' }] });
    const termError = await refusal(planRender(studio.composition, { project: term.id, twinId, purpose: 'advertising', format: 'mp4', resolution: '512', audioOnly: false }));
    expect(termError.message).toMatch(/"advertising" is not an allowed purpose/);
    expect(termError.issues).toContainEqual({ path: 'segments.1', message: expect.stringMatching(/Acme/i) });

    const empty = studio.projects.create({ title: 'Nothing', segments: [] });
    expect((await refusal(planRender(studio.composition, { project: empty.id, twinId, purpose: 'education', format: 'mp4', resolution: '512', audioOnly: false }))).message).toMatch(/empty/);
    const klingon = studio.projects.create({ title: 'Klingon', segments: [{ language: 'tlh', text: 'nuqneH' }] });
    expect((await refusal(planRender(studio.composition, { project: klingon.id, twinId, purpose: 'education', format: 'mp4', resolution: '512', audioOnly: false }))).message).toMatch(
      /cannot read "tlh".*Languages: en, es/,
    );
    expect(studio.jobs.list(500).length).toBe(jobsBefore);
  });

  it('offers a twin without a face model audio-only, clearly, and renders M4A with a sidecar when asked', async () => {
    const project = studio.projects.create({ title: 'Podcast', segments: [{ language: 'en', text: 'Welcome to the show. Today we talk about rivers, lakes and the sea, and about the rain that fills them.' }] });
    const error = await refusal(planRender(studio.composition, { project: project.id, twinId: voiceOnlyTwin, purpose: 'personal', format: 'mp4', resolution: '512', audioOnly: false }));
    expect(error.message).toMatch(/no face model.*audio-only/);
    const { job, output } = await render(studio, { project: project.id, twinId: voiceOnlyTwin, purpose: 'personal', audioOnly: true });
    expect(job.error).toBeNull();
    expect(output).toMatchObject({ format: 'm4a', sidecar: expect.stringMatching(/\.m4a\.c2pa$/) });
    expect(await probe(output!.path)).toMatchObject({ hasVideo: false, audioCodec: 'aac' });
    expect((await verifyFile(studio, output!.path)).verdict).toBe('verified');
  }, 300_000);

  it('stops on a corrupted twin with a clear message, leaving nothing opened and no receipt', async () => {
    const damaged = await studio.twins.pack({ name: 'Damaged', voiceModel: studio.voiceModels.require().id, faceModel: studio.faceModels.require().id, rules: defaultTwinRules(), consent: false });
    const layer = damaged.parts.find((p) => p.name === 'face-model')!;
    const { twin } = await loadTwin(studio.twins.layoutDir(damaged.id));
    const digest = twin!.descriptor.parts.find((p) => p.name === layer.name)!.digest;
    const file = blobFile(studio.twins.layoutDir(damaged.id), digest);
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0x01;
    writeFileSync(file, bytes);
    const receipts = studio.ledger.listReceipts().length;
    const project = studio.projects.create({ title: 'Damaged', segments: [{ language: 'en', text: 'Hello.' }] });
    const job = await studio.jobs.settled(studio.jobs.start('compose.render', { project: project.id, twinId: damaged.id, purpose: 'personal' }).id);
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(/face-model/);
    expect(readdirSync(studio.tmpDir).filter((name) => name.startsWith('compose-'))).toEqual([]);
    expect(studio.ledger.listReceipts().length).toBe(receipts);
  }, 300_000);

  it.runIf(canMount)('on a full disk, removes the partial output and issues no receipt', async () => {
    const outputs = join(home.dir, 'outputs');
    mkdirSync(outputs, { recursive: true });
    const before = { outputs: studio.projects.outputs().length, receipts: studio.ledger.listReceipts().length, dirs: readdirSync(outputs).length };
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', outputs]);
    try {
      const project = studio.projects.create({ title: 'Too big', segments: [{ language: 'en', text: 'This will not fit on the disk.' }] });
      const { job } = await render(studio, { project: project.id, twinId, purpose: 'personal' });
      expect(job.state).toBe('failed');
      expect(job.error).toMatch(/full.*no receipt was issued/);
      expect(readdirSync(outputs)).toEqual([]);
    } finally {
      execFileSync('umount', ['-l', outputs]);
    }
    expect(studio.projects.outputs().length).toBe(before.outputs);
    expect(studio.ledger.listReceipts().length).toBe(before.receipts);
    expect(readdirSync(outputs).length).toBe(before.dirs);
  }, 300_000);

  it('renders as a licensee under a granted licence, counts renders against it, and refuses once they are used up', async () => {
    const licensee = openStudio(licenseeHome.dir);
    try {
      await licensee.identity.create(TEST_PASSPHRASE);
      await licensee.identity.unlock(TEST_PASSPHRASE);
      const twin = await studio.twins.inspect(twinId);
      const now = Date.now();
      const request = licensee.ledger.request({
        twin: twin.manifestDigest,
        purpose: 'education',
        languages: ['en', 'es'],
        term: { from: new Date(now - 60_000).toISOString(), to: new Date(now + 86_400_000).toISOString() },
        maxRenders: 1,
      });
      const evaluation = await studio.ledger.evaluate(request, twinId);
      const granted = await studio.ledger.grant(evaluation.licenseHash, { networkId: 'local', twinId });
      const file = join(tempDir(), 'twin.tar');
      await studio.twins.exportFile(twinId, file);
      const imported = await licensee.twins.importFile(file);
      await licensee.ledger.holdLicence(granted.grant, imported.id);

      const project = twoLanguageProject(licensee);
      const noLicence = await refusal(planRender(licensee.composition, { project: project.id, twinId: imported.id, purpose: 'education', format: 'mp4', resolution: '512', audioOnly: false }));
      expect(noLicence.message).toMatch(/not this twin's owner/);
      const french = licensee.projects.create({ title: 'Fr', segments: [{ language: 'fr', text: 'Bonjour.' }] });
      const wrongLanguage = await refusal(
        planRender(licensee.composition, { project: french.id, twinId: imported.id, purpose: 'education', format: 'mp4', resolution: '512', audioOnly: false, licenseHash: evaluation.licenseHash }),
      );
      expect(wrongLanguage.issues).toContainEqual({ path: 'segments.1', message: expect.stringMatching(/licence covers en, es, not "fr"/) });

      const { job, output } = await render(licensee, { project: project.id, twinId: imported.id, purpose: 'education', licenseHash: evaluation.licenseHash });
      expect(job.error).toBeNull();
      expect(output!.licence).toBe(evaluation.licenseHash);
      // Nothing of the opened twin is left on disk once the render is over.
      expect(readdirSync(licensee.tmpDir).filter((name) => name.startsWith('compose-'))).toEqual([]);
      const verdict = await verifyFile(licensee, output!.path);
      expect(verdict.checks.find((c) => c.name === 'licence')?.status).toBe('pass');

      const usedUp = await refusal(planRender(licensee.composition, { project: project.id, twinId: imported.id, purpose: 'education', format: 'mp4', resolution: '512', audioOnly: false, licenseHash: evaluation.licenseHash }));
      expect(usedUp.message).toMatch(/allows 1 render\(s\), and 1 have been made/);
      expect(existsSync(output!.path)).toBe(true);
    } finally {
      await licensee.close();
    }
  }, 600_000);
});
