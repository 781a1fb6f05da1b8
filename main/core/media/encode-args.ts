// Pure builder of the ffmpeg argument array that encodes raw RGB frames from stdin with an audio file into MP4 (H.264/AAC); no I/O.
import { safeInput } from './ffmpeg-args.js';

export interface EncodeVideoArgsOptions {
  width: number;
  height: number;
  fps: number;
  /** The soundtrack (any file with an audio stream); the video ends with whichever is shorter. Without one, a silent video. */
  audio?: string;
  output: string;
  /** x264 constant rate factor: 18 is visually lossless, 23 x264's default. Default 20. */
  crf?: number;
  /** x264 preset; default veryfast (the renderer must outpace real time on two cores). */
  preset?: 'ultrafast' | 'superfast' | 'veryfast' | 'faster' | 'fast' | 'medium';
  /** Encoder threads; default 1, so the other core keeps drawing frames. */
  threads?: number;
}

/**
 * `-f rawvideo` RGB24 frames on stdin (width·height·3 bytes each) + the audio file → H.264 (yuv420p, for every player)
 * and AAC in MP4 with the index at the front (plays while downloading). stdin is the frame pipe, so no `-nostdin`.
 */
export function encodeVideoArgs(options: EncodeVideoArgsOptions): string[] {
  const { width, height, fps } = options;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || width % 2 || height % 2) {
    throw new RangeError(`the frame size must be positive and even, got ${width}x${height}`);
  }
  if (!(fps > 0)) throw new RangeError(`fps must be positive, got ${fps}`);
  const crf = options.crf ?? 20;
  if (!(crf >= 0 && crf <= 51)) throw new RangeError(`crf must be 0..51, got ${crf}`);
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-s',
    `${width}x${height}`,
    '-r',
    String(fps),
    '-i',
    'pipe:0',
    ...(options.audio === undefined ? [] : ['-i', safeInput(options.audio)]),
    '-map',
    '0:v:0',
    ...(options.audio === undefined ? [] : ['-map', '1:a:0']),
    '-c:v',
    'libx264',
    '-preset',
    options.preset ?? 'veryfast',
    '-crf',
    String(crf),
    '-pix_fmt',
    'yuv420p',
    '-threads',
    String(options.threads ?? 1),
    ...(options.audio === undefined ? [] : ['-c:a', 'aac', '-b:a', '160k', '-shortest']),
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    safeInput(options.output),
  ];
}
