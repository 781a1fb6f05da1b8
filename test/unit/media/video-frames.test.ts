// The video frame decoder with the shipped ffmpeg/ffprobe: frame sizes and counts, streaming with backpressure, and the errors a creator sees.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../../main/core/media/binaries.js';
import { MediaError } from '../../../main/core/media/ffmpeg.js';
import { VideoError, decodeVideoFrames, probeVideo } from '../../../main/core/media/video-frames.js';
import type { VideoFrame } from '../../../main/core/media/video-frames.js';
import { type GroundTruth, ensureTestCreator } from '../../fixtures/test-creator/generate.js';

let dir: string;
let takeMp4: string;
let takeFrames: number;

function ffmpeg(args: string[]): void {
  execFileSync(ffmpegPath()!, ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

async function videoError(work: Promise<unknown>): Promise<VideoError> {
  try {
    await work;
  } catch (error) {
    expect(error).toBeInstanceOf(VideoError);
    expect(error).toBeInstanceOf(MediaError);
    return error as VideoError;
  }
  throw new Error('expected a VideoError');
}

beforeAll(async () => {
  const paths = await ensureTestCreator();
  const truth = JSON.parse(readFileSync(paths.groundTruth, 'utf8')) as GroundTruth;
  takeMp4 = paths.takes[0]!.mp4;
  takeFrames = truth.takes[0]!.frames;
  dir = mkdtempSync(join(tmpdir(), 'likeness-video-'));
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=1280x720:rate=30:duration=1', '-pix_fmt', 'yuv420p', join(dir, 'hd.mp4')]);
  ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', join(dir, 'tone.wav')]);
  writeFileSync(join(dir, 'notes.txt'), 'This is a text file, not a video.\n');
  const good = readFileSync(takeMp4);
  writeFileSync(join(dir, 'truncated.mp4'), good.subarray(0, 4096));
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('decodeVideoFrames', () => {
  it("streams the test creator's take as 640x480 RGB frames at 25 fps, one per source frame", async () => {
    const seen: number[] = [];
    const result = await decodeVideoFrames(takeMp4, {}, (frame) => {
      expect(frame.width).toBe(640);
      expect(frame.height).toBe(480);
      expect(frame.data.length).toBe(640 * 480 * 3);
      seen.push(frame.index);
    });
    expect(result.fps).toBe(25);
    expect([result.width, result.height]).toEqual([640, 480]);
    expect(Math.abs(result.frames - takeFrames)).toBeLessThanOrEqual(1);
    expect(seen).toEqual(Array.from({ length: result.frames }, (_, i) => i));
    expect(result.durationSeconds).toBeCloseTo(result.frames / 25, 6);
    expect(result.source.codec).toBe('h264');
  });

  it('scales HD down to fit 640x480 (640x360), resamples 30 fps to 25, and gives the callee its own buffers', async () => {
    const frames: VideoFrame[] = [];
    const result = await decodeVideoFrames(join(dir, 'hd.mp4'), {}, (frame) => {
      frames.push(frame);
    });
    expect([result.width, result.height]).toEqual([640, 360]);
    expect(result.frames).toBe(25);
    expect(new Set(frames.map((f) => f.data.buffer)).size).toBe(frames.length);
    // testsrc is colourful, not blank.
    const first = frames[0]!.data;
    expect(Math.max(...first.subarray(0, 3000))).toBeGreaterThan(100);
  });

  it('waits for a slow async handler (backpressure) and keeps frames in order', async () => {
    const order: number[] = [];
    let busy = false;
    await decodeVideoFrames(join(dir, 'hd.mp4'), { maxWidth: 320, maxHeight: 240 }, async (frame) => {
      expect(busy).toBe(false);
      busy = true;
      await new Promise((r) => setTimeout(r, 2));
      order.push(frame.index);
      busy = false;
    });
    expect(order).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('stops on abort, and passes a handler error through', async () => {
    const controller = new AbortController();
    const aborted = await videoError(
      decodeVideoFrames(takeMp4, { signal: controller.signal }, (frame) => {
        if (frame.index === 3) controller.abort();
      }),
    );
    expect(aborted.code).toBe('aborted');
    await expect(
      decodeVideoFrames(takeMp4, {}, () => {
        throw new Error('handler broke');
      }),
    ).rejects.toThrow('handler broke');
  });
});

describe('errors a creator can act on', () => {
  it('a missing file', async () => {
    // Checked before ffmpeg runs, by the same check as audio: a MediaError.
    const e = (await decodeVideoFrames(join(dir, 'nope.mp4'), {}, () => undefined).catch((error: unknown) => error)) as MediaError;
    expect(e).toBeInstanceOf(MediaError);
    expect(e.code).toBe('not-found');
    expect(e.message).toMatch(/File not found/);
  });

  it('an audio-only file has no video stream', async () => {
    const e = await videoError(decodeVideoFrames(join(dir, 'tone.wav'), {}, () => undefined));
    expect(e.videoCode).toBe('no-video');
    expect(e.message).toMatch(/tone\.wav has no video stream/);
    const p = await videoError(probeVideo(join(dir, 'tone.wav')));
    expect(p.videoCode).toBe('no-video');
  });

  it('a text file is not a video', async () => {
    const e = await videoError(decodeVideoFrames(join(dir, 'notes.txt'), {}, () => undefined));
    expect(e.code).toBe('unreadable');
    expect(e.message).toMatch(/could not read notes\.txt.*not a video/);
  });

  it('a truncated video is corrupt', async () => {
    const e = await videoError(decodeVideoFrames(join(dir, 'truncated.mp4'), {}, () => undefined));
    expect(['unreadable', 'empty', 'no-video']).toContain(e.videoCode);
    expect(e.message).toMatch(/truncated\.mp4/);
  });
});
