// Pure builders of ffmpeg/ffprobe argument arrays (no shell, no I/O); the runner is ffmpeg.ts.

export interface DecodeAudioArgsOptions {
  /** Output sample rate in Hz; default 48000 (the studio's capture format). */
  sampleRate?: number;
  /** Output channels; default 1 (mono, ffmpeg downmixes). */
  channels?: number;
}

export const DEFAULT_SAMPLE_RATE = 48_000;
export const DEFAULT_CHANNELS = 1;

/** Flags every run gets: never read stdin, no banner, only errors on stderr. */
export const QUIET_ARGS: readonly string[] = ['-nostdin', '-hide_banner', '-loglevel', 'error'];

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}.`);
}

/** The input as ffmpeg must see it: a leading "-" would read as an option, so such relative paths get "./". */
export function safeInput(input: string): string {
  if (input.length === 0) throw new RangeError('Input path is empty.');
  return input.startsWith('-') ? `./${input}` : input;
}

/**
 * Decodes the first audio stream of anything ffmpeg reads to raw float32 little-endian PCM on stdout,
 * resampled and mixed to the requested rate and channel count. Fails (rather than writing nothing) when there is no audio stream.
 */
export function decodeAudioArgs(input: string, options: DecodeAudioArgsOptions = {}): string[] {
  const sampleRate = options.sampleRate ?? DEFAULT_SAMPLE_RATE;
  const channels = options.channels ?? DEFAULT_CHANNELS;
  checkPositiveInteger('sampleRate', sampleRate);
  checkPositiveInteger('channels', channels);
  return [
    ...QUIET_ARGS,
    '-i',
    safeInput(input),
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
    String(sampleRate),
    '-ac',
    String(channels),
    '-',
  ];
}

/** ffprobe: every stream and the container format, as JSON on stdout. */
export function probeArgs(input: string): string[] {
  return ['-v', 'error', '-hide_banner', '-show_streams', '-show_format', '-of', 'json', safeInput(input)];
}
