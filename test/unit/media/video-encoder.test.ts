// Encoding rendered frames: the ffmpeg command line (checked without running ffmpeg), and a real encode that appears only when complete.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodeVideoArgs } from '../../../main/core/media/encode-args.js';
import { probe } from '../../../main/core/media/ffmpeg.js';
import { decodeVideoFrames } from '../../../main/core/media/video-frames.js';
import { VideoEncoder } from '../../../main/core/media/video-encoder.js';
import { tempDir } from '../../support/tmp.js';

const JFK = fileURLToPath(new URL('../../../../shared/data/jfk-inaugural-1961.wav', import.meta.url));

describe('encodeVideoArgs', () => {
  it('reads RGB frames from stdin and the soundtrack from a file, writing H.264/AAC MP4', () => {
    const args = encodeVideoArgs({ width: 512, height: 512, fps: 25, audio: '-voice.wav', output: 'out.mp4' });
    expect(args.slice(args.indexOf('-f'), args.indexOf('-f') + 2)).toEqual(['-f', 'rawvideo']);
    expect(args).toContain('pipe:0');
    expect(args).not.toContain('-nostdin');
    expect(args[args.indexOf('-s') + 1]).toBe('512x512');
    expect(args).toContain('./-voice.wav');
    expect(args.slice(-3)).toEqual(['-f', 'mp4', 'out.mp4']);
    expect(args[args.indexOf('-c:v') + 1]).toBe('libx264');
    expect(args[args.indexOf('-pix_fmt', args.indexOf('-c:v')) + 1]).toBe('yuv420p');
  });

  it('makes a silent video when there is no soundtrack', () => {
    const args = encodeVideoArgs({ width: 64, height: 64, fps: 25, output: 'idle.mp4' });
    expect(args.filter((a) => a === '-i')).toHaveLength(1);
    expect(args).not.toContain('-c:a');
    expect(args).not.toContain('1:a:0');
  });

  it('refuses odd sizes, a zero frame rate and an impossible quality', () => {
    expect(() => encodeVideoArgs({ width: 511, height: 512, fps: 25, audio: 'a', output: 'o' })).toThrow(/even/);
    expect(() => encodeVideoArgs({ width: 512, height: 512, fps: 0, audio: 'a', output: 'o' })).toThrow(/fps/);
    expect(() => encodeVideoArgs({ width: 512, height: 512, fps: 25, audio: 'a', output: 'o', crf: 60 })).toThrow(/crf/);
  });
});

describe('VideoEncoder', () => {
  it('encodes frames with the soundtrack; the file appears complete', async () => {
    const dir = tempDir();
    const out = join(dir, 'clip.mp4');
    const encoder = new VideoEncoder({ width: 64, height: 48, fps: 25, audio: JFK, output: out });
    const frame = new Uint8Array(64 * 48 * 3);
    for (let i = 0; i < 50; i++) {
      frame.fill(i * 5);
      await encoder.write(frame);
    }
    expect(existsSync(out)).toBe(false);
    await encoder.finish();
    const info = await probe(out);
    expect(info).toMatchObject({ hasVideo: true, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' });
    // -shortest: the 2 s of frames set the length, not the 11 s of audio.
    expect(info.durationSeconds!).toBeLessThan(2.5);
    let frames = 0;
    await decodeVideoFrames(out, {}, () => void frames++);
    expect(frames).toBe(50);
    expect(readdirSync(dir)).toEqual(['clip.mp4']);
  });

  it('leaves nothing when aborted, and says so when the soundtrack cannot be read', async () => {
    const dir = tempDir();
    const aborted = new VideoEncoder({ width: 64, height: 48, fps: 25, audio: JFK, output: join(dir, 'a.mp4') });
    await aborted.write(new Uint8Array(64 * 48 * 3));
    await aborted.abort();
    const broken = new VideoEncoder({ width: 64, height: 48, fps: 25, audio: join(dir, 'missing.wav'), output: join(dir, 'b.mp4') });
    await expect(
      (async () => {
        for (let i = 0; i < 200; i++) await broken.write(new Uint8Array(64 * 48 * 3));
        await broken.finish();
      })(),
    ).rejects.toThrow();
    expect(readdirSync(dir)).toEqual([]);
    await expect(aborted.write(new Uint8Array(3))).rejects.toThrow(/a frame is 9216 bytes/);
  });
});
