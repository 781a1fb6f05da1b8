// A compose render's work folder: the per-segment speech and video files both workers share, each written atomically so a resumed render keeps what was finished (workers and main process).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cue } from '../speech/subtitles.js';

/** Samples per video frame at 48 kHz and 25 fps: every segment's sound is a whole number of frames long, so A/V stay in sync. */
export const SAMPLES_PER_FRAME = 1920;
export const COMPOSE_SAMPLE_RATE = 48_000;

export interface SpokenSegment {
  /** 48 kHz samples in the segment's WAV (a multiple of SAMPLES_PER_FRAME). */
  samples: number;
  /** Sentence timings from the segment's start. */
  cues: Cue[];
}

export interface DrawnSegment {
  frames: number;
}

const name = (kind: string, index: number, ext: string) => `${kind}-${String(index).padStart(5, '0')}.${ext}`;

export const segmentFiles = (dir: string, index: number, videoExt: string) => ({
  wav: join(dir, name('speech', index, 'wav')),
  speech: join(dir, name('speech', index, 'json')),
  video: join(dir, name('video', index, videoExt)),
  drawn: join(dir, name('video', index, 'json')),
});

export function readDone<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}

const POLL_MS = 25;

/** Waits for a file another worker writes (it appears whole, by rename); gives up when `stopped` says so. */
export async function waitFor(path: string, stopped: () => boolean): Promise<boolean> {
  while (!existsSync(path)) {
    if (stopped()) return false;
    await sleep(POLL_MS);
  }
  return true;
}
