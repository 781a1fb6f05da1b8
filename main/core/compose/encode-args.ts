// Pure builders of the ffmpeg command lines a compose render runs: one video chunk per segment, the concat list, the final mux (no I/O).
import type { ComposeFormat, ComposeResolution } from '../../contract/compose.js';
import { safeInput } from '../media/ffmpeg-args.js';

export interface ChunkArgsOptions {
  /** Side of the square frames on stdin (RGB24). */
  size: number;
  fps: number;
  format: ComposeFormat;
  resolution: ComposeResolution;
  output: string;
}

/** The frame the viewer gets: the square as drawn, or scaled to 1080 and centred on a 1920x1080 black frame. */
export function outputFrame(size: number, resolution: ComposeResolution): { width: number; height: number } {
  return resolution === '1080p' ? { width: 1920, height: 1080 } : { width: size, height: size };
}

function scaleFilter(size: number, resolution: ComposeResolution): string[] {
  if (resolution !== '1080p') return [];
  return ['-vf', `scale=1080:1080:flags=bicubic,pad=1920:1080:${(1920 - 1080) / 2}:0:black`];
}

/**
 * Raw RGB frames on stdin → one segment's video, no audio: H.264 (yuv420p, no B-frames so chunks join with exact
 * timestamps) in MP4, or VP9 with realtime settings in WebM. One encoder thread: the other core draws and speaks.
 */
export function chunkEncodeArgs(options: ChunkArgsOptions): string[] {
  const { size, fps } = options;
  if (!Number.isInteger(size) || size <= 0 || size % 2) throw new RangeError(`the frame size must be positive and even, got ${size}`);
  if (!(fps > 0)) throw new RangeError(`fps must be positive, got ${fps}`);
  const input = ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${size}x${size}`, '-r', String(fps), '-i', 'pipe:0'];
  const codec =
    options.format === 'mp4'
      ? ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-bf', '0', '-pix_fmt', 'yuv420p', '-threads', '1', '-f', 'mp4']
      : ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '1', '-b:v', '0', '-crf', '33', '-pix_fmt', 'yuv420p', '-threads', '1', '-f', 'webm'];
  return [...input, ...scaleFilter(size, options.resolution), '-an', ...codec, safeInput(options.output)];
}

/** The concat demuxer's list: one `file` line per chunk, quotes escaped as its grammar wants. */
export function concatList(chunks: readonly string[]): string {
  return `ffconcat version 1.0\n${chunks.map((c) => `file '${c.replace(/'/g, "'\\''")}'`).join('\n')}\n`;
}

export interface MuxArgsOptions {
  /** The concat list of video chunks; absent for an audio-only render. */
  videoList?: string;
  /** The whole soundtrack (WAV). */
  audio: string;
  /** WebVTT subtitles, carried as a subtitle track (mov_text in MP4, WebVTT in WebM). */
  subtitles: string;
  /** ISO 639-2 code of the subtitle track, or 'mul'. */
  subtitleLanguage: string;
  format: ComposeFormat;
  output: string;
}

/**
 * Joins the chunks without re-encoding and adds the soundtrack (AAC 160k in MP4, Opus 96k in WebM) and the subtitles.
 * The audio is as long as the chunks by construction (whole frames per segment), so no -shortest is needed.
 */
export function muxArgs(options: MuxArgsOptions): string[] {
  const video = options.videoList !== undefined;
  const inputs = [...(video ? ['-f', 'concat', '-safe', '0', '-i', safeInput(options.videoList!)] : []), '-i', safeInput(options.audio), '-i', safeInput(options.subtitles)];
  const audioIndex = video ? 1 : 0;
  const maps = [...(video ? ['-map', '0:v:0'] : []), '-map', `${audioIndex}:a:0`, '-map', `${audioIndex + 1}:s:0`];
  const mp4 = options.format === 'mp4';
  return [
    '-nostdin',
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    ...inputs,
    ...maps,
    ...(video ? ['-c:v', 'copy'] : []),
    ...(mp4 ? ['-c:a', 'aac', '-b:a', '160k'] : ['-c:a', 'libopus', '-b:a', '96k']),
    '-c:s',
    mp4 ? 'mov_text' : 'webvtt',
    '-metadata:s:s:0',
    `language=${options.subtitleLanguage}`,
    ...(mp4 ? ['-movflags', '+faststart', '-f', 'mp4'] : ['-f', 'webm']),
    safeInput(options.output),
  ];
}
