// WebVTT and SRT from timed sentences.
import { describe, expect, it } from 'vitest';
import { srt, webVtt } from '../../../main/core/speech/subtitles.js';

const cues = [
  { text: 'Hello there.', startSeconds: 0, endSeconds: 1.5 },
  { text: 'A --> B\n\nsecond line', startSeconds: 3661.25, endSeconds: 3662.0004 },
];

describe('subtitles', () => {
  it('writes WebVTT with dotted milliseconds, and keeps cue text from breaking the format', () => {
    expect(webVtt(cues)).toBe('WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\nHello there.\n\n2\n01:01:01.250 --> 01:01:02.000\nA -> B\nsecond line\n');
  });

  it('writes SRT with comma milliseconds and CRLF', () => {
    expect(srt(cues)).toBe('1\r\n00:00:00,000 --> 00:00:01,500\r\nHello there.\r\n\r\n2\r\n01:01:01,250 --> 01:01:02,000\r\nA -> B\nsecond line\r\n');
  });

  it('writes a valid empty file for no cues', () => {
    expect(webVtt([])).toBe('WEBVTT\n');
    expect(srt([])).toBe('');
  });
});
