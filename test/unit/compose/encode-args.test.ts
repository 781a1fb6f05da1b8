// The compose render's ffmpeg command lines, built without running ffmpeg.
import { describe, expect, it } from 'vitest';
import { chunkEncodeArgs, concatList, muxArgs, outputFrame } from '../../../main/core/compose/encode-args.js';

describe('compose encode arguments', () => {
  it('encodes a chunk as H.264 without B-frames in MP4, or realtime VP9 in WebM, from RGB frames on stdin', () => {
    const mp4 = chunkEncodeArgs({ size: 512, fps: 25, format: 'mp4', resolution: '512', output: '/w/video-00000.mp4' });
    expect(mp4.join(' ')).toContain('-f rawvideo -pix_fmt rgb24 -s 512x512 -r 25 -i pipe:0');
    expect(mp4.join(' ')).toContain('-c:v libx264 -preset veryfast -crf 20 -bf 0 -pix_fmt yuv420p -threads 1 -f mp4');
    expect(mp4).toContain('-an');
    expect(mp4).not.toContain('-vf');
    expect(mp4.at(-1)).toBe('/w/video-00000.mp4');
    const webm = chunkEncodeArgs({ size: 512, fps: 25, format: 'webm', resolution: '1080p', output: '-odd.webm' });
    expect(webm.join(' ')).toContain('-c:v libvpx-vp9 -deadline realtime -cpu-used 8');
    expect(webm.join(' ')).toContain('-vf scale=1080:1080:flags=bicubic,pad=1920:1080:420:0:black');
    expect(webm.at(-1)).toBe('./-odd.webm');
    expect(() => chunkEncodeArgs({ size: 511, fps: 25, format: 'mp4', resolution: '512', output: 'x' })).toThrow(/even/);
  });

  it('gives the frame size the viewer gets', () => {
    expect(outputFrame(512, '512')).toEqual({ width: 512, height: 512 });
    expect(outputFrame(512, '1080p')).toEqual({ width: 1920, height: 1080 });
  });

  it('escapes quotes in the concat list', () => {
    expect(concatList(['/a/b.mp4', "/it's/c.mp4"])).toBe("ffconcat version 1.0\nfile '/a/b.mp4'\nfile '/it'\\''s/c.mp4'\n");
  });

  it('muxes the chunks without re-encoding, with AAC or Opus and a subtitle track', () => {
    const mp4 = muxArgs({ videoList: '/w/list', audio: '/w/a.wav', subtitles: '/w/s.vtt', subtitleLanguage: 'mul', format: 'mp4', output: '/w/out.mp4' }).join(' ');
    expect(mp4).toContain('-f concat -safe 0 -i /w/list -i /w/a.wav -i /w/s.vtt -map 0:v:0 -map 1:a:0 -map 2:s:0 -c:v copy -c:a aac -b:a 160k -c:s mov_text');
    expect(mp4).toContain('language=mul');
    expect(mp4).toContain('-movflags +faststart -f mp4 /w/out.mp4');
    const audioOnly = muxArgs({ audio: '/w/a.wav', subtitles: '/w/s.vtt', subtitleLanguage: 'eng', format: 'webm', output: '/w/out.webm' }).join(' ');
    expect(audioOnly).toContain('-i /w/a.wav -i /w/s.vtt -map 0:a:0 -map 1:s:0 -c:a libopus -b:a 96k -c:s webvtt');
    expect(audioOnly).not.toContain('concat');
  });
});
