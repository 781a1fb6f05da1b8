// Where the ffmpeg and ffprobe executables shipped in npm packages are; main process and workers.
import { existsSync } from 'node:fs';
import { loadModule, unpacked } from '../platform/modules.js';

function shippedBinary(pkg: string): string | undefined {
  try {
    const { path } = loadModule<{ path: string }>(pkg);
    const real = unpacked(path);
    return existsSync(real) ? real : undefined;
  } catch {
    return undefined;
  }
}

export function ffmpegPath(): string | undefined {
  return process.env.LIKENESS_FFMPEG ?? shippedBinary('@ffmpeg-installer/ffmpeg');
}

export function ffprobePath(): string | undefined {
  return process.env.LIKENESS_FFPROBE ?? shippedBinary('@ffprobe-installer/ffprobe');
}
