// Integration tests of the ffmpeg runner with the shipped ffmpeg/ffprobe: decoding real speech, streaming, and the errors a creator sees.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseTakeFile } from '../../../main/core/media/analyse-take.js';
import { ffmpegPath } from '../../../main/core/media/binaries.js';
import { decodeAudio, decodeAudioToArray, MediaError, probe } from '../../../main/core/media/ffmpeg.js';
import { analyseAudio, LoudnessAnalyzer } from '../../../main/core/speech/loudness.js';
import { encodeWav, parseWav } from '../../../main/core/speech/wav.js';

const JFK = fileURLToPath(new URL('../../../../shared/data/jfk-inaugural-1961.wav', import.meta.url));
let dir: string;
let longWav: string;

/** Speech-like 60 s test signal: a 220 Hz tone whose level swings syllable-like, with pauses, plus a little hiss. */
function speechLike(seconds: number, rate: number): Float32Array {
  const out = new Float32Array(seconds * rate);
  let seed = 7;
  for (let i = 0; i < out.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const t = i / rate;
    const envelope = t % 3 < 2 ? 0.2 + 0.15 * Math.sin(2 * Math.PI * 4 * t) : 0;
    out[i] = envelope * Math.sin(2 * Math.PI * 220 * t) + (seed / 2 ** 32 - 0.5) * 0.002;
  }
  return out;
}

async function mediaError(work: Promise<unknown>): Promise<MediaError> {
  try {
    await work;
  } catch (error) {
    expect(error).toBeInstanceOf(MediaError);
    return error as MediaError;
  }
  throw new Error('expected a MediaError');
}

beforeAll(() => {
  expect(ffmpegPath(), 'the shipped ffmpeg').toBeDefined();
  dir = mkdtempSync(join(tmpdir(), 'likeness-ffmpeg-'));
  longWav = join(dir, 'long.wav');
  writeFileSync(longWav, encodeWav(speechLike(60, 48000), 48000));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('decoding real speech', () => {
  it('normalises the 16 kHz JFK clip to 48 kHz mono: 3x the samples, ~11 s, plausible loudness', async () => {
    const source = parseWav(readFileSync(JFK));
    expect(source.sampleRate).toBe(16000);
    const decoded = await decodeAudioToArray(JFK);
    expect(decoded.sampleRate).toBe(48000);
    expect(decoded.samples.length).toBe(decoded.frames);
    expect(Math.abs(decoded.frames - 3 * source.frames)).toBeLessThan(48);
    expect(decoded.durationSeconds).toBeGreaterThan(10.5);
    expect(decoded.durationSeconds).toBeLessThan(11.5);
    const metrics = analyseAudio(decoded.samples, 48000);
    expect(metrics.integratedLufs).not.toBeNull();
    expect(metrics.integratedLufs!).toBeGreaterThan(-35);
    expect(metrics.integratedLufs!).toBeLessThan(-10);
    expect(metrics.truePeakDbtp).toBeGreaterThanOrEqual(metrics.samplePeakDbfs);
    expect(metrics.snrDb).toBeGreaterThan(10);
  });

  it('analyses a take file in one streaming pass, many times faster than real time', async () => {
    await analyseTakeFile(JFK); // warm the binary cache
    const started = performance.now();
    const { metrics, verdict } = await analyseTakeFile(JFK);
    const seconds = (performance.now() - started) / 1000;
    const speed = metrics.durationSeconds / seconds;
    console.log(`JFK ${metrics.durationSeconds.toFixed(2)} s analysed in ${(seconds * 1000).toFixed(0)} ms (${speed.toFixed(0)}x real time):`, {
      lufs: metrics.integratedLufs?.toFixed(1),
      truePeak: metrics.truePeakDbtp.toFixed(1),
      noiseFloor: metrics.noiseFloorDbfs.toFixed(1),
      snr: metrics.snrDb.toFixed(1),
      verdict,
    });
    expect(speed).toBeGreaterThan(5);
    expect(['pass', 'warn', 'fail']).toContain(verdict.status);
  });

  it('probes duration and codecs', async () => {
    const info = await probe(JFK);
    expect(info).toMatchObject({ hasAudio: true, hasVideo: false, audioCodec: 'pcm_s16le', formatName: 'wav' });
    expect(info.durationSeconds).toBeCloseTo(11, 0);
  });
});

describe('streaming', () => {
  it('delivers a 60 s file in many chunks; streaming loudness equals whole-array loudness', async () => {
    const streamed = new LoudnessAnalyzer(48000);
    let chunks = 0;
    let total = 0;
    let maxChunk = 0;
    const result = await decodeAudio(longWav, {}, (chunk) => {
      chunks++;
      total += chunk.length;
      maxChunk = Math.max(maxChunk, chunk.length);
      streamed.push(chunk);
    });
    expect(result.frames).toBe(60 * 48000);
    expect(total).toBe(result.frames);
    expect(chunks).toBeGreaterThan(20);
    expect(maxChunk).toBeLessThan(result.frames / 10);
    const whole = analyseAudio((await decodeAudioToArray(longWav)).samples, 48000);
    const fromStream = streamed.result();
    expect(fromStream.integratedLufs).not.toBeNull();
    expect(fromStream.integratedLufs!).toBeCloseTo(whole.integratedLufs!, 9);
    expect(fromStream).toEqual(whole);
  });

  it('waits for an async chunk handler (backpressure) and still gets every sample', async () => {
    let total = 0;
    const result = await decodeAudio(longWav, { sampleRate: 16000 }, async (chunk) => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      total += chunk.length;
    });
    expect(total).toBe(60 * 16000);
    expect(result.frames).toBe(total);
  });

  it('kills ffmpeg on abort', async () => {
    const controller = new AbortController();
    let chunks = 0;
    const error = await mediaError(
      decodeAudio(longWav, { signal: controller.signal }, () => {
        chunks++;
        controller.abort();
      }),
    );
    expect(error.code).toBe('aborted');
    expect(chunks).toBeLessThan(5);
    expect((await mediaError(decodeAudio(longWav, { signal: AbortSignal.abort() }))).code).toBe('aborted');
  });

  it('times out', async () => {
    const error = await mediaError(decodeAudio(longWav, { timeoutMs: 1 }, () => undefined));
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/long\.wav took longer than/);
  });

  it('refuses a file too long for one array', async () => {
    const error = await mediaError(decodeAudioToArray(longWav, { maxSeconds: 5 }));
    expect(error.code).toBe('too-long');
    expect(error.message).toMatch(/longer than 5 s/);
  });

  it('keeps only the first seconds of a longer file when asked to cut', async () => {
    const whole = await decodeAudioToArray(longWav);
    const cut = await decodeAudioToArray(longWav, { maxSeconds: 5, longer: 'cut' });
    expect(cut.samples.length).toBe(5 * 48_000);
    expect(cut.durationSeconds).toBe(5);
    expect(cut.samples).toEqual(whole.samples.subarray(0, 5 * 48_000));
  });
});

describe('errors a creator can act on', () => {
  it('a missing file', async () => {
    const error = await mediaError(decodeAudio(join(dir, 'gone.wav')));
    expect(error.code).toBe('not-found');
    expect(error.message).toMatch(/File not found: .*gone\.wav/);
    expect((await mediaError(probe(join(dir, 'gone.wav')))).code).toBe('not-found');
  });

  it('a text file named .wav', async () => {
    const path = join(dir, 'notes.wav');
    writeFileSync(path, 'these are my lines for tomorrow\n'.repeat(20));
    const error = await mediaError(decodeAudio(path));
    expect(error.code).toBe('unreadable');
    expect(error.message).toMatch(/^ffmpeg could not read notes\.wav: Invalid data found when processing input/);
    expect((await mediaError(probe(path))).message).toMatch(/^ffprobe could not read notes\.wav/);
  });

  it('a WAV cut to its first 30 bytes', async () => {
    const path = join(dir, 'cut.wav');
    writeFileSync(path, readFileSync(JFK).subarray(0, 30));
    const error = await mediaError(decodeAudio(path));
    expect(['unreadable', 'empty']).toContain(error.code);
    expect(error.message).toMatch(/could not read cut\.wav|no audio in it/);
  });

  it('an empty file and an audio stream with no samples', async () => {
    const empty = join(dir, 'empty.wav');
    writeFileSync(empty, '');
    expect((await mediaError(decodeAudio(empty))).message).toMatch(/empty\.wav is empty \(0 bytes\)/);
    const silent = join(dir, 'zero.wav');
    writeFileSync(silent, encodeWav(new Float32Array(0), 48000));
    const error = await mediaError(decodeAudioToArray(silent));
    expect(error.code).toBe('empty');
    expect(error.message).toMatch(/zero\.wav has an audio stream but no audio in it/);
  });

  it('a video without sound', async () => {
    const path = join(dir, 'silent-film.mp4');
    execFileSync(ffmpegPath()!, ['-nostdin', '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=black:s=64x64:d=1', path]);
    const info = await probe(path);
    expect(info).toMatchObject({ hasAudio: false, hasVideo: true });
    expect(info.videoCodec).toBeTruthy();
    const error = await mediaError(decodeAudio(path));
    expect(error.code).toBe('no-audio');
    expect(error.message).toMatch(/silent-film\.mp4 has no audio stream/);
  });

  it('a missing ffmpeg binary', async () => {
    const error = await mediaError(decodeAudio(JFK, { binary: join(dir, 'no-ffmpeg') }));
    expect(error.code).toBe('binary-missing');
  });
});
