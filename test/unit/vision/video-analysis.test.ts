// Face video analysis on real files: the test creator's talking face, a black video, a dark room, and inputs that are not video; plus the verdict's messages.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../../main/core/media/binaries.js';
import { VideoError } from '../../../main/core/media/video-frames.js';
import { packageFile } from '../../../main/core/platform/modules.js';
import { FaceTracker } from '../../../main/core/vision/tracker.js';
import { analyseVideo, judgeVideo, median, quantile, summariseFrames } from '../../../main/core/vision/video-analysis.js';
import type { VideoMetrics } from '../../../main/core/vision/video-analysis.js';
import { type GroundTruth, type TestCreatorPaths, ensureTestCreator } from '../../fixtures/test-creator/generate.js';

let dir: string;
let tracker: FaceTracker;
let paths: TestCreatorPaths;
let truth: GroundTruth;

function ffmpeg(args: string[]): void {
  execFileSync(ffmpegPath()!, ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

function correlation(a: readonly number[], b: readonly number[]): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

beforeAll(async () => {
  paths = await ensureTestCreator();
  truth = JSON.parse(readFileSync(paths.groundTruth, 'utf8')) as GroundTruth;
  tracker = await FaceTracker.open({ detectorSize: 224 });
  dir = mkdtempSync(join(tmpdir(), 'likeness-video-analysis-'));
  ffmpeg(['-f', 'lavfi', '-i', 'color=c=black:s=320x240:d=2', '-pix_fmt', 'yuv420p', join(dir, 'black.mp4')]);
  const photo = packageFile('@vladmandic/face-api', 'demo', 'sample2.jpg')!;
  ffmpeg(['-loop', '1', '-i', photo, '-t', '2', '-r', '25', '-vf', 'eq=brightness=-0.6,scale=640:-2', '-pix_fmt', 'yuv420p', join(dir, 'dark.mp4')]);
  ffmpeg(['-loop', '1', '-i', photo, '-t', '2', '-r', '25', '-vf', 'scale=640:-2', '-pix_fmt', 'yuv420p', join(dir, 'photo.mp4')]);
  ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', join(dir, 'tone.m4a')]);
  writeFileSync(join(dir, 'readme.txt'), 'not a video at all\n');
}, 180_000);

afterAll(async () => {
  await tracker?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the test creator's talking face", () => {
  it('finds one face in (nearly) every frame, level and plausibly sized; roll follows the ground truth; pass or warn', async () => {
    const take = truth.takes[0]!;
    const m = await analyseVideo(paths.takes[0]!.mp4, tracker, { keepFrames: true });
    expect(Math.abs(m.frames - take.frames)).toBeLessThanOrEqual(1);
    expect(m.analysedFrames).toBe(m.frames);
    expect(m.fps).toBe(25);
    expect(m.facePresentRatio).toBeGreaterThanOrEqual(0.95);
    expect(m.multipleFacesRatio).toBe(0);
    expect(m.medianFaceSize).toBeGreaterThan(0.3);
    expect(m.medianFaceSize).toBeLessThan(1.0);
    expect(Math.abs(m.medianYaw!)).toBeLessThan(10);
    expect(Math.abs(m.medianRoll!)).toBeLessThan(5);
    expect(m.maxAbsRoll!).toBeLessThan(6);
    expect(m.brightness!).toBeGreaterThan(60);
    expect(m.sharpness!).toBeGreaterThan(0);

    // The synthetic head rolls by about ±1.5°: the estimate follows it (offset by the photo's own slight tilt).
    const pairs = m.perFrame!.filter((f) => f.pose && take.perFrame[f.index]).map((f) => [f.pose!.roll, take.perFrame[f.index]!.rollDeg] as const);
    expect(pairs.length).toBeGreaterThan(0.95 * m.frames);
    const est = pairs.map((p) => p[0]);
    const gt = pairs.map((p) => p[1]);
    const offset = median(est.map((e, i) => e - gt[i]!))!;
    const mae = est.reduce((s, e, i) => s + Math.abs(e - offset - gt[i]!), 0) / est.length;
    const r = correlation(est, gt);
    console.info(`roll vs ground truth: r=${r.toFixed(3)}, mean abs error ${mae.toFixed(2)}° after removing the photo's ${offset.toFixed(2)}° offset`);
    expect(r > 0.5 || mae < 3).toBe(true);
    expect(mae).toBeLessThan(3);

    const verdict = judgeVideo(m);
    expect(['pass', 'warn']).toContain(verdict.status);
    expect(verdict.issues.map((i) => i.code)).not.toContain('no-face');
  }, 60_000);

  it("measures videoAnalysisFps on the longest take (every frame tracked, decoding included)", async () => {
    const longest = truth.takes.reduce((a, b) => (b.durationSec > a.durationSec ? b : a));
    const mp4 = paths.takes.find((t) => t.id === longest.id)!.mp4;
    const started = performance.now();
    const m = await analyseVideo(mp4, tracker);
    const seconds = (performance.now() - started) / 1000;
    console.info(`videoAnalysisFps: ${(m.analysedFrames / seconds).toFixed(1)} (${m.analysedFrames} frames of ${longest.id}, ${longest.durationSec.toFixed(1)} s, in ${seconds.toFixed(2)} s)`);
    expect(m.facePresentRatio).toBeGreaterThanOrEqual(0.95);
    // Every 5th frame: a fifth of the frames tracked, the same verdict.
    const sparse = await analyseVideo(mp4, tracker, { stride: 5 });
    expect(sparse.analysedFrames).toBe(Math.ceil(m.frames / 5));
    expect(sparse.facePresentRatio).toBeGreaterThanOrEqual(0.95);
    expect(judgeVideo(sparse).status).toBe(judgeVideo(m).status);
  }, 120_000);
});

describe('videos a creator should redo', () => {
  it('a black video: no face, fail', async () => {
    const m = await analyseVideo(join(dir, 'black.mp4'), tracker);
    expect([m.width, m.height]).toEqual([320, 240]);
    expect(m.frames).toBe(50);
    expect(m.facePresentRatio).toBe(0);
    expect(m.medianFaceSize).toBeNull();
    const verdict = judgeVideo(m);
    expect(verdict.status).toBe('fail');
    expect(verdict.reasons[0]).toMatch(/^no face in 100% of frames: face the camera/);
    expect(verdict.issues.map((i) => i.code)).toContain('too-dark');
  });

  it('a photo in a dark room: too dark (or no face found)', async () => {
    // sample2's face is small in the frame (~18% of its height): it takes the 416 detector to find it.
    const wide = await FaceTracker.open({ detectorSize: 416 });
    let normal: VideoMetrics;
    let m: VideoMetrics;
    try {
      normal = await analyseVideo(join(dir, 'photo.mp4'), wide);
      m = await analyseVideo(join(dir, 'dark.mp4'), wide);
    } finally {
      await wide.close();
    }
    expect(normal.facePresentRatio).toBe(1);
    expect(judgeVideo(normal).issues.map((i) => i.code)).toContain('face-too-small');
    expect(judgeVideo(normal).issues.map((i) => i.code)).not.toContain('too-dark');
    const verdict = judgeVideo(m);
    const codes = verdict.issues.map((i) => i.code);
    expect(codes.includes('too-dark') || codes.includes('no-face')).toBe(true);
    expect(verdict.status).not.toBe('pass');
    console.info(`dark photo: face in ${Math.round(m.facePresentRatio * 100)}% of frames, brightness ${m.brightness?.toFixed(0) ?? '-'} (normal ${normal.brightness?.toFixed(0) ?? '-'}):`, verdict.reasons);
    expect(verdict.reasons.join('\n')).toMatch(/too dark: brightness \d+, add light in front of you|no face in/);
    expect(m.frameBrightness).toBeLessThan(normal.frameBrightness / 2);
  });

  it('an audio-only file: "no video stream"', async () => {
    const error = await analyseVideo(join(dir, 'tone.m4a'), tracker).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VideoError);
    expect((error as VideoError).videoCode).toBe('no-video');
    expect((error as Error).message).toMatch(/has no video stream/);
  });

  it('a text file, and a missing file: clear errors', async () => {
    await expect(analyseVideo(join(dir, 'readme.txt'), tracker)).rejects.toThrow(/could not read readme\.txt.*not a video/);
    await expect(analyseVideo(join(dir, 'gone.mp4'), tracker)).rejects.toThrow(/File not found/);
    await expect(analyseVideo(join(dir, 'black.mp4'), tracker, { stride: 0 })).rejects.toThrow(RangeError);
  });
});

describe('judgeVideo', () => {
  const good: VideoMetrics = {
    frames: 250,
    analysedFrames: 250,
    stride: 1,
    fps: 25,
    durationSeconds: 10,
    width: 640,
    height: 480,
    facePresentRatio: 1,
    multipleFacesRatio: 0,
    medianFaceSize: 0.45,
    medianYaw: 2,
    medianPitch: -3,
    medianRoll: 1,
    maxAbsYaw: 6,
    maxAbsPitch: 8,
    maxAbsRoll: 3,
    p95AbsYaw: 5,
    p95AbsPitch: 7,
    p95AbsRoll: 2,
    sharpness: 120,
    brightness: 130,
    frameBrightness: 110,
    analysisFps: 50,
  };

  it('passes a good take', () => {
    expect(judgeVideo(good)).toEqual({ status: 'pass', reasons: [], issues: [] });
  });

  it('gives actionable messages, failures first', () => {
    const v = judgeVideo({ ...good, facePresentRatio: 0.38, multipleFacesRatio: 0.4, medianFaceSize: 0.12, brightness: 38, p95AbsYaw: 35, sharpness: 5 });
    expect(v.status).toBe('fail');
    expect(v.reasons).toContain('no face in 62% of frames: face the camera and keep your whole face in the picture');
    expect(v.reasons).toContain('face too small: 12% of the frame height, move closer (aim for at least 25%)');
    expect(v.reasons).toContain('too dark: brightness 38, add light in front of you (aim for at least 60)');
    expect(v.reasons).toContain('several faces in 40% of frames: record alone, with no faces or photos of faces behind you');
    expect(v.reasons).toContain('head turned: yaw up to 35°, look at the camera');
    expect(v.reasons.some((r) => r.startsWith('blurry: sharpness 5.0'))).toBe(true);
    const severities = v.issues.map((i) => i.severity);
    expect(severities.indexOf('warn')).toBeGreaterThan(severities.lastIndexOf('fail'));
  });

  it('warns on milder problems', () => {
    const v = judgeVideo({ ...good, facePresentRatio: 0.8, medianFaceSize: 0.2, p95AbsRoll: 18 });
    expect(v.status).toBe('warn');
    expect(v.issues.map((i) => i.code).sort()).toEqual(['face-too-small', 'head-tilted', 'no-face']);
    expect(judgeVideo({ ...good, brightness: 230 }).issues[0]?.code).toBe('too-bright');
    expect(judgeVideo({ ...good, frames: 20, durationSeconds: 0.8 }).issues[0]).toMatchObject({ code: 'too-short', severity: 'fail' });
  });

  it('summarises frames: ratios, medians and percentiles', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([])).toBeNull();
    expect(quantile([0, 10], 0.95)).toBeCloseTo(9.5);
    const m = summariseFrames(
      [
        { index: 0, timeSeconds: 0, faces: 0, frameBrightness: 10 },
        { index: 1, timeSeconds: 0.04, faces: 1, faceSize: 0.4, pose: { yaw: 5, pitch: -2, roll: 1 }, sharpness: 50, brightness: 100, frameBrightness: 90 },
        { index: 2, timeSeconds: 0.08, faces: 2, faceSize: 0.5, pose: { yaw: -9, pitch: 2, roll: 3 }, sharpness: 70, brightness: 120, frameBrightness: 100 },
      ],
      { frames: 3, stride: 1, fps: 25, width: 640, height: 480, elapsedSeconds: 0.1 },
    );
    expect(m.facePresentRatio).toBeCloseTo(2 / 3);
    expect(m.multipleFacesRatio).toBeCloseTo(1 / 3);
    expect(m.medianFaceSize).toBeCloseTo(0.45);
    expect(m.maxAbsYaw).toBe(9);
    expect(m.medianRoll).toBe(2);
    expect(m.brightness).toBe(110);
    expect(m.frameBrightness).toBe(90);
    expect(m.analysisFps).toBeCloseTo(30);
  });
});
