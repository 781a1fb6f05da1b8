// Pure builders of ffmpeg/ffprobe argument arrays for video (no shell, no I/O); the runner is video-frames.ts.
import { QUIET_ARGS, safeInput } from './ffmpeg-args.js';

/** The studio's video frame rate (DESIGN "Capture": every take is normalised to 25 fps). */
export const DEFAULT_VIDEO_FPS = 25;
export const DEFAULT_MAX_WIDTH = 640;
export const DEFAULT_MAX_HEIGHT = 480;

export interface FrameSize {
  width: number;
  height: number;
}

export interface DecodeVideoArgsOptions {
  /** Output frame rate; frames are dropped or repeated to reach it. Default 25. */
  fps?: number;
  /** The exact output size (even numbers); fitFrameSize gives it from the source's display size. */
  size: FrameSize;
  /** Which video stream (0-based among the input's video streams); default 0, i.e. `-map 0:v:0`. */
  videoOrdinal?: number;
}

function checkPositive(name: string, value: number, integer: boolean): void {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new RangeError(`${name} must be a positive ${integer ? 'integer' : 'number'}, got ${value}.`);
  }
}

/**
 * The output size for a source of `width` x `height` display pixels: fitted within maxWidth x maxHeight with the aspect
 * ratio kept (never enlarged), both sides rounded down to even numbers (at least 2), as raw RGB consumers and encoders want.
 */
export function fitFrameSize(width: number, height: number, maxWidth = DEFAULT_MAX_WIDTH, maxHeight = DEFAULT_MAX_HEIGHT): FrameSize {
  checkPositive('width', width, false);
  checkPositive('height', height, false);
  checkPositive('maxWidth', maxWidth, true);
  checkPositive('maxHeight', maxHeight, true);
  const scale = Math.min(1, maxWidth / width, maxHeight / height);
  const even = (v: number): number => Math.max(2, 2 * Math.floor((v + 1e-6) / 2));
  return { width: even(width * scale), height: even(height * scale) };
}

/**
 * Decodes the first video stream of anything ffmpeg reads to raw RGB24 frames on stdout (width*height*3 bytes each, no
 * headers), at a constant `fps` and exactly `size` (square pixels; rotation metadata is applied first by ffmpeg).
 * Fails, rather than writing nothing, when there is no video stream.
 */
export function decodeVideoArgs(input: string, options: DecodeVideoArgsOptions): string[] {
  const fps = options.fps ?? DEFAULT_VIDEO_FPS;
  const { width, height } = options.size;
  const ordinal = options.videoOrdinal ?? 0;
  if (!Number.isInteger(ordinal) || ordinal < 0) throw new RangeError(`videoOrdinal must be a non-negative integer, got ${ordinal}.`);
  checkPositive('fps', fps, false);
  checkPositive('width', width, true);
  checkPositive('height', height, true);
  if (width % 2 || height % 2) throw new RangeError(`Frame size must be even, got ${width}x${height}.`);
  return [
    ...QUIET_ARGS,
    '-i',
    safeInput(input),
    '-map',
    `0:v:${ordinal}`,
    '-an',
    '-sn',
    '-dn',
    '-vf',
    `fps=${fps},scale=${width}:${height}:flags=area,setsar=1,format=rgb24`,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-',
  ];
}

/** ffprobe: the video streams (with rotation tags and side data) and the container format, as JSON on stdout. */
export function probeVideoArgs(input: string): string[] {
  return ['-v', 'error', '-hide_banner', '-select_streams', 'v', '-show_streams', '-show_format', '-of', 'json', safeInput(input)];
}
