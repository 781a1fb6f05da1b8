// Video decoding for analysis (studio process and workers): any video ffmpeg reads, streamed as raw RGB24 frames at 25 fps, one frame at a time.
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { DEFAULT_TIMEOUT_MS, MediaError, checkInput, firstStderrLine, resolveBinary } from './ffmpeg.js';
import type { MediaErrorCode, RunOptions } from './ffmpeg.js';
import { DEFAULT_MAX_HEIGHT, DEFAULT_MAX_WIDTH, DEFAULT_VIDEO_FPS, decodeVideoArgs, fitFrameSize, probeVideoArgs } from './video-args.js';

export type VideoErrorCode = MediaErrorCode | 'no-video';

/**
 * A MediaError about video. MediaErrorCode has no "no video stream" code, so that case carries code 'unreadable' and
 * videoCode 'no-video'; for every other failure videoCode equals code.
 */
export class VideoError extends MediaError {
  readonly videoCode: VideoErrorCode;
  constructor(videoCode: VideoErrorCode, message: string, stderr = '') {
    super(videoCode === 'no-video' ? 'unreadable' : videoCode, message, stderr);
    this.name = 'VideoError';
    this.videoCode = videoCode;
  }
}

/** The video facts the decoder needs (first real video stream; cover art does not count). */
export interface VideoProbe {
  /** The stream's index in the container. */
  streamIndex: number;
  /** Position among the container's video streams (cover art included), for `-map 0:v:N`. */
  videoOrdinal: number;
  codec: string | undefined;
  /** Coded size. */
  width: number;
  height: number;
  /** Size as shown: sample aspect ratio and rotation metadata applied. */
  displayWidth: number;
  displayHeight: number;
  /** Rotation metadata in degrees (0, 90, 180, 270), which ffmpeg applies when decoding. */
  rotation: number;
  /** The stream's average frame rate, undefined when the container does not say. */
  fps: number | undefined;
  durationSeconds: number | undefined;
  formatName: string | undefined;
}

export interface VideoFrame {
  /** width*height*3 bytes, RGB24, row-major; the buffer belongs to the callee. */
  data: Uint8Array;
  width: number;
  height: number;
  /** 0-based frame number at the output rate. */
  index: number;
  /** index / fps. */
  timeSeconds: number;
}

/** A frame callback; returning a promise pauses decoding until it settles (backpressure: at most one frame is buffered here). */
export type FrameHandler = (frame: VideoFrame) => void | Promise<void>;

export interface DecodeVideoOptions extends RunOptions {
  /** Output frame rate; default 25. */
  fps?: number;
  /** Frames are fitted within maxWidth x maxHeight (aspect kept, never enlarged, even sides); default 640 x 480. */
  maxWidth?: number;
  maxHeight?: number;
}

export interface VideoDecodeResult {
  frames: number;
  width: number;
  height: number;
  fps: number;
  /** frames / fps. */
  durationSeconds: number;
  source: VideoProbe;
}

interface RawStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  tags?: { rotate?: string };
  side_data_list?: Array<{ rotation?: number | string }>;
  disposition?: { attached_pic?: number };
}

interface RawVideoProbe {
  streams?: RawStream[];
  format?: { duration?: string; format_name?: string };
}

function ratio(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const [a, b] = text.split(/[:/]/).map(Number);
  if (a === undefined || !Number.isFinite(a)) return undefined;
  const value = b === undefined ? a : a / b;
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Parses the JSON of probeVideoArgs (pure; exported for tests). Undefined when there is no real video stream. */
export function parseVideoProbe(json: string): VideoProbe | undefined {
  const raw = JSON.parse(json) as RawVideoProbe;
  const videos = (raw.streams ?? []).filter((s) => s.codec_type === undefined || s.codec_type === 'video');
  const videoOrdinal = videos.findIndex((s) => !s.disposition?.attached_pic && (s.width ?? 0) > 0 && (s.height ?? 0) > 0);
  const s = videos[videoOrdinal];
  if (!s || s.width === undefined || s.height === undefined) return undefined;
  const sideRotation = s.side_data_list?.map((d) => Number(d.rotation)).find((r) => Number.isFinite(r));
  const tagRotation = Number(s.tags?.rotate);
  const degrees = sideRotation ?? (Number.isFinite(tagRotation) ? tagRotation : 0);
  const rotation = (((Math.round(degrees / 90) * 90) % 360) + 360) % 360;
  const sar = ratio(s.sample_aspect_ratio) ?? 1;
  let displayWidth = s.width * sar;
  let displayHeight = s.height;
  if (rotation % 180 === 90) [displayWidth, displayHeight] = [displayHeight, displayWidth];
  const duration = Number(raw.format?.duration ?? s.duration);
  return {
    streamIndex: s.index ?? videoOrdinal,
    videoOrdinal,
    codec: s.codec_name,
    width: s.width,
    height: s.height,
    displayWidth,
    displayHeight,
    rotation,
    fps: ratio(s.avg_frame_rate) ?? ratio(s.r_frame_rate),
    durationSeconds: Number.isFinite(duration) ? duration : undefined,
    formatName: raw.format?.format_name,
  };
}

const STDERR_LIMIT = 16 * 1024;

/** Runs a process, feeding stdout chunks to `onData` one at a time (awaited: the pipe fills and the process waits). */
async function runStreaming(
  binary: string,
  args: string[],
  options: RunOptions,
  what: string,
  onData: (chunk: Buffer) => void | Promise<void>,
): Promise<{ code: number | null; stderr: string }> {
  if (options.signal?.aborted) throw new VideoError('aborted', `Stopped reading ${what}.`);
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    if (stderr.length < STDERR_LIMIT) stderr += text.slice(0, STDERR_LIMIT - stderr.length);
  });
  let stopped: VideoError | undefined;
  const stop = (error: VideoError): void => {
    stopped ??= error;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child.stdout.destroy();
  };
  const onAbort = (): void => stop(new VideoError('aborted', `Stopped reading ${what}.`, stderr));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timer = setTimeout(() => stop(new VideoError('timeout', `Reading ${what} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped.`, stderr)), timeoutMs);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const closed = new Promise<number | null>((resolve, reject) => {
    child.once('error', (error) => reject(new VideoError('binary-missing', `Could not start ${basename(binary)}: ${error.message}`)));
    // 'close' fires after stdout and stderr ended, so all of stderr has been seen.
    child.once('close', (code) => resolve(code));
  });
  closed.catch(() => undefined);
  try {
    try {
      for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
        if (stopped) break;
        await onData(chunk);
      }
    } catch (error) {
      if (!stopped) throw error;
    }
    if (stopped) throw stopped;
    const code = await closed;
    if (stopped) throw stopped;
    return { code, stderr };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

function noVideo(path: string, stderr = ''): VideoError {
  return new VideoError('no-video', `${basename(path)} has no video stream: there is no face to analyse. Record or import a video with the camera on.`, stderr);
}

function failure(code: number | null, stderr: string, path: string, tool: string): VideoError {
  const name = basename(path);
  if (/matches no streams|does not contain any stream/i.test(stderr)) return noVideo(path, stderr);
  const line = firstStderrLine(stderr, path);
  if (code === null) return new VideoError('failed', `${tool} was stopped while reading ${name}: ${line}`, stderr);
  return new VideoError('unreadable', `${tool} could not read ${name}: ${line}. The file may be corrupt, truncated or not a video.`, stderr);
}

/** The first real video stream of `path` (ffprobe); throws VideoError 'no-video' when there is none, 'unreadable' when ffprobe cannot read it. */
export async function probeVideo(path: string, options: RunOptions & { ffprobe?: string } = {}): Promise<VideoProbe> {
  const binary = resolveBinary(options.ffprobe, 'ffprobe');
  await checkInput(path);
  let stdout = '';
  const { code, stderr } = await runStreaming(binary, probeVideoArgs(path), options, basename(path), (data) => {
    stdout += data.toString('utf8');
  });
  if (code !== 0) throw failure(code, stderr, path, 'ffprobe');
  let parsed: VideoProbe | undefined;
  try {
    parsed = parseVideoProbe(stdout);
  } catch {
    throw new VideoError('failed', `ffprobe gave unreadable output for ${basename(path)}.`, stderr);
  }
  if (!parsed) throw noVideo(path, stderr);
  return parsed;
}

/**
 * Decodes the first video stream of `path` to RGB24 frames at `fps` (default 25), fitted within maxWidth x maxHeight
 * (default 640 x 480; aspect kept, never enlarged, even sides), and hands them to `onFrame` one by one: memory stays flat
 * for long files, and a slow (async) handler makes ffmpeg wait. The size comes from ffprobe before decoding starts.
 * Errors are VideoError (a MediaError): not-found, empty, no-video, unreadable (corrupt / not a video), aborted, timeout.
 */
export async function decodeVideoFrames(path: string, options: DecodeVideoOptions, onFrame: FrameHandler): Promise<VideoDecodeResult> {
  const fps = options.fps ?? DEFAULT_VIDEO_FPS;
  const source = await probeVideo(path, { ...(options.signal ? { signal: options.signal } : {}), ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) });
  const { width, height } = fitFrameSize(source.displayWidth, source.displayHeight, options.maxWidth ?? DEFAULT_MAX_WIDTH, options.maxHeight ?? DEFAULT_MAX_HEIGHT);
  const args = decodeVideoArgs(path, { fps, size: { width, height }, videoOrdinal: source.videoOrdinal });
  const binary = resolveBinary(options.binary, 'ffmpeg');
  const frameBytes = width * height * 3;
  let frame = new Uint8Array(frameBytes);
  let filled = 0;
  let index = 0;
  const { code, stderr } = await runStreaming(binary, args, options, basename(path), async (chunk) => {
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(frameBytes - filled, chunk.length - offset);
      frame.set(chunk.subarray(offset, offset + n), filled);
      filled += n;
      offset += n;
      if (filled === frameBytes) {
        const full = frame;
        frame = new Uint8Array(frameBytes);
        filled = 0;
        await onFrame({ data: full, width, height, index, timeSeconds: index / fps });
        index++;
      }
    }
  });
  if (code !== 0) throw failure(code, stderr, path, 'ffmpeg');
  if (index === 0) throw new VideoError('empty', `${basename(path)} has a video stream but no frames in it.`, stderr);
  return { frames: index, width, height, fps, durationSeconds: index / fps, source };
}
