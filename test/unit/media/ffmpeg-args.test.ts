// Unit tests of the pure ffmpeg/ffprobe argument builders and output parsers (no ffmpeg runs here).
import { describe, expect, it } from 'vitest';
import { decodeAudioArgs, probeArgs, safeInput } from '../../../main/core/media/ffmpeg-args.js';
import { firstStderrLine, parseProbe } from '../../../main/core/media/ffmpeg.js';

describe('decodeAudioArgs', () => {
  it('decodes the first audio stream to 48 kHz mono float32 on stdout by default', () => {
    expect(decodeAudioArgs('/takes/a.mov')).toEqual([
      '-nostdin',
      '-hide_banner',
      '-loglevel',
      'error',
      '-i',
      '/takes/a.mov',
      '-map',
      '0:a:0',
      '-vn',
      '-sn',
      '-dn',
      '-f',
      'f32le',
      '-acodec',
      'pcm_f32le',
      '-ar',
      '48000',
      '-ac',
      '1',
      '-',
    ]);
  });

  it('honours rate and channels', () => {
    const args = decodeAudioArgs('in.wav', { sampleRate: 16000, channels: 2 });
    expect(args.slice(-5)).toEqual(['-ar', '16000', '-ac', '2', '-']);
  });

  it('keeps a path starting with "-" from reading as an option, and passes odd characters untouched (no shell)', () => {
    expect(decodeAudioArgs('-rf.wav')[5]).toBe('./-rf.wav');
    expect(decodeAudioArgs('take $(rm -rf) "1".wav')[5]).toBe('take $(rm -rf) "1".wav');
    expect(safeInput('/abs/-x.wav')).toBe('/abs/-x.wav');
    expect(() => safeInput('')).toThrow(/empty/);
  });

  it('rejects impossible rates and channel counts', () => {
    expect(() => decodeAudioArgs('a.wav', { sampleRate: 0 })).toThrow(RangeError);
    expect(() => decodeAudioArgs('a.wav', { sampleRate: 44100.5 })).toThrow(RangeError);
    expect(() => decodeAudioArgs('a.wav', { channels: -1 })).toThrow(RangeError);
  });
});

describe('probeArgs', () => {
  it('asks ffprobe for streams and format as JSON', () => {
    expect(probeArgs('/takes/a.mp4')).toEqual(['-v', 'error', '-hide_banner', '-show_streams', '-show_format', '-of', 'json', '/takes/a.mp4']);
  });
});

describe('parseProbe', () => {
  it('reads duration, codecs and stream kinds; cover art is not video', () => {
    const result = parseProbe(
      JSON.stringify({
        streams: [
          { index: 0, codec_type: 'audio', codec_name: 'mp3', sample_rate: '44100', channels: 2 },
          { index: 1, codec_type: 'video', codec_name: 'png', width: 500, height: 500, disposition: { attached_pic: 1 } },
        ],
        format: { duration: '12.500000', format_name: 'mp3' },
      }),
    );
    expect(result).toMatchObject({ durationSeconds: 12.5, formatName: 'mp3', hasAudio: true, hasVideo: false, audioCodec: 'mp3', videoCodec: undefined });
    expect(result.streams[0]).toEqual({ index: 0, type: 'audio', codec: 'mp3', sampleRate: 44100, channels: 2 });
    expect(result.streams[1]?.type).toBe('attachment');
  });

  it('copes with a container that gives no duration or streams', () => {
    expect(parseProbe('{}')).toMatchObject({ durationSeconds: undefined, hasAudio: false, hasVideo: false, streams: [] });
  });
});

describe('firstStderrLine', () => {
  it('drops the path and demuxer prefixes', () => {
    expect(firstStderrLine('/tmp/x.wav: Invalid data found when processing input\n', '/tmp/x.wav')).toBe('Invalid data found when processing input');
    expect(firstStderrLine("\n[wav @ 0x23856c40] no 'data' tag found\n/tmp/x.wav: Invalid data\n", '/tmp/x.wav')).toBe("no 'data' tag found");
    expect(firstStderrLine('')).toBe('unknown error');
  });
});
