// ffmpeg/ffprobe runner (studio process and workers): decodes any media to float32 PCM, streamed in chunks, and probes files.
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { ffmpegPath, ffprobePath } from './binaries.js';
import { DEFAULT_CHANNELS, DEFAULT_SAMPLE_RATE, decodeAudioArgs, probeArgs } from './ffmpeg-args.js';
import { concatSamples } from '../speech/concat.js';

export type MediaErrorCode =
  | 'binary-missing'
  | 'not-found'
  | 'unreadable'
  | 'no-audio'
  | 'empty'
  | 'too-long'
  | 'timeout'
  | 'aborted'
  | 'failed';

/** A failure a creator can act on; `message` names the file and says what is wrong. */
export class MediaError extends Error {
  constructor(
    readonly code: MediaErrorCode,
    message: string,
    readonly stderr = '',
  ) {
    super(message);
    this.name = 'MediaError';
  }
}

export interface RunOptions {
  /** Aborting kills ffmpeg and rejects with code 'aborted'. */
  signal?: AbortSignal;
  /** Kills ffmpeg and rejects with code 'timeout' after this long. Default 10 minutes. */
  timeoutMs?: number;
  /** Executable; default ffmpegPath() / ffprobePath(). */
  binary?: string;
}

export interface DecodeOptions extends RunOptions {
  sampleRate?: number;
  channels?: number;
}

export interface DecodeResult {
  sampleRate: number;
  channels: number;
  /** Frames (samples per channel) delivered. */
  frames: number;
  durationSeconds: number;
}

export interface DecodedAudio extends DecodeResult {
  /** Interleaved when channels > 1. */
  samples: Float32Array;
}

export interface ProbeStream {
  index: number;
  type: string;
  codec: string | undefined;
  sampleRate?: number;
  channels?: number;
  width?: number;
  height?: number;
}

export interface ProbeResult {
  /** Container duration in seconds; undefined when the container does not say. */
  durationSeconds: number | undefined;
  formatName: string | undefined;
  hasAudio: boolean;
  hasVideo: boolean;
  audioCodec: string | undefined;
  videoCodec: string | undefined;
  streams: ProbeStream[];
}

/** A chunk callback; returning a promise pauses decoding until it settles (backpressure). */
export type ChunkHandler = (chunk: Float32Array) => void | Promise<void>;

export const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const STDERR_LIMIT = 16 * 1024;

/** The first meaningful stderr line, without ffmpeg's "path: " or "[demuxer @ 0x…] " prefixes. */
export function firstStderrLine(stderr: string, path?: string): string {
  for (const raw of stderr.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line) continue;
    line = line.replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/i, '');
    if (path && line.startsWith(`${path}: `)) line = line.slice(path.length + 2);
    if (line) return line;
  }
  return 'unknown error';
}

/** The input must be a non-empty file: ffmpeg's own message for these cases is less helpful. */
export async function checkInput(path: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new MediaError('not-found', `File not found: ${path}. It may have been moved or deleted.`);
  }
  if (!info.isFile()) throw new MediaError('not-found', `Not a file: ${path}.`);
  if (info.size === 0) throw new MediaError('empty', `${basename(path)} is empty (0 bytes); record or export it again.`);
}

export function resolveBinary(explicit: string | undefined, which: 'ffmpeg' | 'ffprobe'): string {
  const binary = explicit ?? (which === 'ffmpeg' ? ffmpegPath() : ffprobePath());
  if (!binary) throw new MediaError('binary-missing', `${which} is not installed: reinstall Likeness Studio.`);
  return binary;
}

interface Spawned {
  /** Resolves with the exit code once the process is gone and stdout is drained; rejects on abort/timeout/spawn failure. */
  done: Promise<{ code: number | null; stderr: string }>;
}

function run(
  binary: string,
  args: string[],
  options: RunOptions,
  what: string,
  onStdout: (data: Buffer, pause: (until: Promise<unknown>) => void) => void,
): Spawned {
  const done = new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new MediaError('aborted', `Stopped reading ${what}.`));
      return;
    }
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let stderr = '';
    let settled = false;
    let pending: Promise<unknown> = Promise.resolve();
    const finish = (error: Error | undefined, code: number | null = null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        reject(error);
      } else {
        pending.then(
          () => resolve({ code, stderr }),
          (cause: unknown) => reject(cause instanceof Error ? cause : new Error(String(cause))),
        );
      }
    };
    const onAbort = (): void => finish(new MediaError('aborted', `Stopped reading ${what}.`, stderr));
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timer = setTimeout(
      () => finish(new MediaError('timeout', `Reading ${what} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped.`, stderr)),
      timeoutMs,
    );
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => finish(new MediaError('binary-missing', `Could not start ${basename(binary)}: ${error.message}`)));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      if (stderr.length < STDERR_LIMIT) stderr += text.slice(0, STDERR_LIMIT - stderr.length);
    });
    const pause = (until: Promise<unknown>): void => {
      child.stdout.pause();
      pending = pending.then(() => until).finally(() => child.stdout.resume());
      pending.catch((cause: unknown) => finish(cause instanceof Error ? cause : new Error(String(cause))));
    };
    child.stdout.on('data', (data: Buffer) => {
      if (settled) return;
      try {
        onStdout(data, pause);
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
      }
    });
    // 'close' fires after stdout and stderr ended, so every byte has been seen.
    child.on('close', (code) => finish(undefined, code));
  });
  return { done };
}

function failure(code: number | null, stderr: string, path: string, tool: string): MediaError {
  const line = firstStderrLine(stderr, path);
  const name = basename(path);
  if (/matches no streams|does not contain any stream/i.test(stderr)) {
    return new MediaError('no-audio', `${name} has no audio stream: nothing to analyse. Check that the microphone was recorded.`, stderr);
  }
  if (code === null) return new MediaError('failed', `${tool} was stopped while reading ${name}: ${line}`, stderr);
  return new MediaError('unreadable', `${tool} could not read ${name}: ${line}. The file may be corrupt, truncated or not audio/video.`, stderr);
}

/**
 * Decodes the first audio stream of `path` to float32 PCM (default 48 kHz mono) and hands it to `onChunk` piece by piece,
 * so memory stays flat for long files. Chunks are whole frames; their buffers belong to the callee.
 */
export async function decodeAudio(path: string, options: DecodeOptions = {}, onChunk?: ChunkHandler): Promise<DecodeResult> {
  const sampleRate = options.sampleRate ?? DEFAULT_SAMPLE_RATE;
  const channels = options.channels ?? DEFAULT_CHANNELS;
  const args = decodeAudioArgs(path, { sampleRate, channels });
  const binary = resolveBinary(options.binary, 'ffmpeg');
  await checkInput(path);
  const frameBytes = 4 * channels;
  let carry = new Uint8Array(0);
  let totalBytes = 0;
  const { done } = run(binary, args, options, basename(path), (data, pause) => {
    totalBytes += data.length;
    if (!onChunk) return;
    const bytes = carry.length ? concat(carry, data) : data;
    const usable = bytes.length - (bytes.length % frameBytes);
    if (usable > 0) {
      // Copy into a fresh, aligned buffer: Node's pooled Buffers may start at any offset.
      const chunk = new Float32Array(usable / 4);
      new Uint8Array(chunk.buffer).set(bytes.subarray(0, usable));
      const result = onChunk(chunk);
      if (result instanceof Promise) pause(result);
    }
    carry = bytes.slice(usable);
  });
  const { code, stderr } = await done;
  if (code !== 0) throw failure(code, stderr, path, 'ffmpeg');
  const frames = Math.floor(totalBytes / frameBytes);
  if (frames === 0) throw new MediaError('empty', `${basename(path)} has an audio stream but no audio in it (0 s).`, stderr);
  return { sampleRate, channels, frames, durationSeconds: frames / sampleRate };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export interface DecodeToArrayOptions extends DecodeOptions {
  /** Refuses (code 'too-long') files longer than this; default 10 minutes. Use decodeAudio for long media. */
  maxSeconds?: number;
  /** 'cut' keeps the first maxSeconds of a longer file instead of refusing it. */
  longer?: 'refuse' | 'cut';
}

/** Decodes a short take into one Float32Array (interleaved when channels > 1). */
export async function decodeAudioToArray(path: string, options: DecodeToArrayOptions = {}): Promise<DecodedAudio> {
  const maxSeconds = options.maxSeconds ?? 600;
  const sampleRate = options.sampleRate ?? DEFAULT_SAMPLE_RATE;
  const channels = options.channels ?? DEFAULT_CHANNELS;
  const limit = Math.ceil(maxSeconds * sampleRate) * channels;
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  const chunks: Float32Array[] = [];
  let length = 0;
  let tooLong = false;
  try {
    const result = await decodeAudio(path, { ...options, signal }, (chunk) => {
      if (length + chunk.length > limit) {
        tooLong = true;
        if (options.longer === 'cut') chunks.push(chunk.subarray(0, limit - length));
        controller.abort();
        return;
      }
      length += chunk.length;
      chunks.push(chunk);
    });
    return { ...result, samples: concatSamples(chunks) };
  } catch (error) {
    if (tooLong && options.longer === 'cut') {
      const samples = concatSamples(chunks);
      return { sampleRate, channels, frames: samples.length / channels, durationSeconds: samples.length / channels / sampleRate, samples };
    }
    if (tooLong) throw new MediaError('too-long', `${basename(path)} is longer than ${maxSeconds} s; split it into shorter takes.`);
    throw error;
  }
}

interface RawProbe {
  streams?: Array<{
    index?: number;
    codec_type?: string;
    codec_name?: string;
    sample_rate?: string;
    channels?: number;
    width?: number;
    height?: number;
    disposition?: { attached_pic?: number };
  }>;
  format?: { duration?: string; format_name?: string };
}

/** Parses ffprobe's JSON (pure; exported for tests). Cover art (attached pictures) does not count as video. */
export function parseProbe(json: string): ProbeResult {
  const raw = JSON.parse(json) as RawProbe;
  const streams: ProbeStream[] = (raw.streams ?? []).map((s, i) => {
    const stream: ProbeStream = {
      index: s.index ?? i,
      type: s.disposition?.attached_pic ? 'attachment' : (s.codec_type ?? 'unknown'),
      codec: s.codec_name,
    };
    if (s.sample_rate !== undefined) stream.sampleRate = Number(s.sample_rate);
    if (s.channels !== undefined) stream.channels = s.channels;
    if (s.width !== undefined) stream.width = s.width;
    if (s.height !== undefined) stream.height = s.height;
    return stream;
  });
  const audio = streams.find((s) => s.type === 'audio');
  const video = streams.find((s) => s.type === 'video');
  const duration = Number(raw.format?.duration);
  return {
    durationSeconds: Number.isFinite(duration) ? duration : undefined,
    formatName: raw.format?.format_name,
    hasAudio: audio !== undefined,
    hasVideo: video !== undefined,
    audioCodec: audio?.codec,
    videoCodec: video?.codec,
    streams,
  };
}

/** Container and stream facts of a media file (ffprobe). */
export async function probe(path: string, options: RunOptions = {}): Promise<ProbeResult> {
  const binary = resolveBinary(options.binary, 'ffprobe');
  await checkInput(path);
  let stdout = '';
  const { done } = run(binary, probeArgs(path), options, basename(path), (data) => {
    stdout += data.toString('utf8');
  });
  const { code, stderr } = await done;
  if (code !== 0) throw failure(code, stderr, path, 'ffprobe');
  try {
    return parseProbe(stdout);
  } catch {
    throw new MediaError('failed', `ffprobe gave unreadable output for ${basename(path)}.`, stderr);
  }
}

/** Runs ffmpeg with `args` that write a file (nothing on stdout); rejects with ffmpeg's first error line when it fails. */
export async function runFfmpeg(args: string[], what: string, options: RunOptions = {}): Promise<void> {
  const { code, stderr } = await run(resolveBinary(options.binary, 'ffmpeg'), args, options, what, () => undefined).done;
  if (code !== 0) throw new MediaError('failed', `ffmpeg could not make ${what}: ${firstStderrLine(stderr)}`, stderr);
}
