// The pure video argument builders and the ffprobe video parser.
import { describe, expect, it } from 'vitest';
import { QUIET_ARGS } from '../../../main/core/media/ffmpeg-args.js';
import { decodeVideoArgs, fitFrameSize, probeVideoArgs } from '../../../main/core/media/video-args.js';
import { parseVideoProbe } from '../../../main/core/media/video-frames.js';

describe('fitFrameSize', () => {
  it('fits within 640x480 keeping the aspect ratio, with even sides', () => {
    expect(fitFrameSize(1920, 1080)).toEqual({ width: 640, height: 360 });
    expect(fitFrameSize(1080, 1920)).toEqual({ width: 270, height: 480 });
    expect(fitFrameSize(640, 480)).toEqual({ width: 640, height: 480 });
    expect(fitFrameSize(1280, 960)).toEqual({ width: 640, height: 480 });
    expect(fitFrameSize(1000, 1000)).toEqual({ width: 480, height: 480 });
  });

  it('never enlarges, and rounds odd sizes down to even', () => {
    expect(fitFrameSize(320, 240)).toEqual({ width: 320, height: 240 });
    expect(fitFrameSize(321, 241)).toEqual({ width: 320, height: 240 });
    expect(fitFrameSize(1, 1)).toEqual({ width: 2, height: 2 });
    const { width, height } = fitFrameSize(1366, 767);
    expect(width % 2).toBe(0);
    expect(height % 2).toBe(0);
    expect(width).toBeLessThanOrEqual(640);
  });

  it('honours other limits and rejects nonsense', () => {
    expect(fitFrameSize(1920, 1080, 320, 240)).toEqual({ width: 320, height: 180 });
    expect(() => fitFrameSize(0, 10)).toThrow(RangeError);
    expect(() => fitFrameSize(10, 10, 0, 10)).toThrow(RangeError);
  });
});

describe('decodeVideoArgs', () => {
  it('decodes the first video stream to raw RGB24 frames at 25 fps on stdout, quietly, without stdin', () => {
    const args = decodeVideoArgs('in put.mov', { size: { width: 640, height: 360 } });
    expect(args.slice(0, QUIET_ARGS.length)).toEqual([...QUIET_ARGS]);
    expect(args).toContain('-nostdin');
    expect(args[args.indexOf('-i') + 1]).toBe('in put.mov');
    expect(args[args.indexOf('-map') + 1]).toBe('0:v:0');
    expect(args).toEqual(expect.arrayContaining(['-an', '-sn', '-dn']));
    const filter = args[args.indexOf('-vf') + 1]!;
    expect(filter).toMatch(/^fps=25,scale=640:360/);
    expect(args.slice(-5)).toEqual(['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
  });

  it('takes another rate and stream, guards a leading dash, rejects odd sizes', () => {
    const args = decodeVideoArgs('-x.mp4', { fps: 30, size: { width: 320, height: 240 }, videoOrdinal: 1 });
    expect(args[args.indexOf('-i') + 1]).toBe('./-x.mp4');
    expect(args[args.indexOf('-map') + 1]).toBe('0:v:1');
    expect(args[args.indexOf('-vf') + 1]).toMatch(/^fps=30,scale=320:240/);
    expect(() => decodeVideoArgs('a.mp4', { size: { width: 321, height: 240 } })).toThrow(/even/);
    expect(() => decodeVideoArgs('a.mp4', { fps: 0, size: { width: 320, height: 240 } })).toThrow(RangeError);
  });

  it('probes only video streams, as JSON', () => {
    const args = probeVideoArgs('a.mp4');
    expect(args).toEqual(expect.arrayContaining(['-select_streams', 'v', '-show_streams', '-show_format', '-of', 'json']));
    expect(args.at(-1)).toBe('a.mp4');
  });
});

describe('parseVideoProbe', () => {
  it('reads size, rate, duration and rotation; a portrait phone video (rotated 90°) shows tall', () => {
    const json = JSON.stringify({
      streams: [{ index: 0, codec_type: 'video', codec_name: 'h264', width: 1920, height: 1080, avg_frame_rate: '30000/1001', side_data_list: [{ rotation: -90 }] }],
      format: { duration: '12.5', format_name: 'mov,mp4,m4a,3gp,3g2,mj2' },
    });
    const p = parseVideoProbe(json)!;
    expect(p.rotation).toBe(270);
    expect([p.displayWidth, p.displayHeight]).toEqual([1080, 1920]);
    expect(p.fps).toBeCloseTo(29.97, 2);
    expect(p.durationSeconds).toBe(12.5);
    expect(fitFrameSize(p.displayWidth, p.displayHeight)).toEqual({ width: 270, height: 480 });
  });

  it('applies the sample aspect ratio and the old rotate tag', () => {
    const p = parseVideoProbe(JSON.stringify({ streams: [{ codec_type: 'video', width: 720, height: 576, sample_aspect_ratio: '16:15', tags: { rotate: '180' } }] }))!;
    expect(p.displayWidth).toBeCloseTo(768);
    expect(p.displayHeight).toBe(576);
    expect(p.rotation).toBe(180);
  });

  it('skips cover art and says undefined when there is no real video', () => {
    const cover = { index: 1, codec_type: 'video', codec_name: 'mjpeg', width: 500, height: 500, disposition: { attached_pic: 1 } };
    expect(parseVideoProbe(JSON.stringify({ streams: [cover] }))).toBeUndefined();
    expect(parseVideoProbe(JSON.stringify({ streams: [] }))).toBeUndefined();
    expect(parseVideoProbe('{}')).toBeUndefined();
    const p = parseVideoProbe(JSON.stringify({ streams: [cover, { index: 2, codec_type: 'video', width: 640, height: 480 }] }))!;
    expect(p.streamIndex).toBe(2);
    expect(p.videoOrdinal).toBe(1);
  });
});
