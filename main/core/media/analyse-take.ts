// Decodes a take with ffmpeg and analyses it in one streaming pass (studio process or worker): memory stays flat.
import { LoudnessAnalyzer } from '../speech/loudness.js';
import type { AudioMetrics } from '../speech/loudness.js';
import { judgeTake } from '../speech/levels.js';
import type { TakeVerdict } from '../speech/levels.js';
import { decodeAudio } from './ffmpeg.js';
import type { RunOptions } from './ffmpeg.js';

export const ANALYSIS_SAMPLE_RATE = 48_000;

export interface TakeAnalysis {
  metrics: AudioMetrics;
  verdict: TakeVerdict;
}

/** Normalises `path` to 48 kHz mono on the fly and measures it; throws MediaError for unreadable input. */
export async function analyseTakeFile(path: string, options: RunOptions = {}): Promise<TakeAnalysis> {
  const analyzer = new LoudnessAnalyzer(ANALYSIS_SAMPLE_RATE);
  await decodeAudio(path, { ...options, sampleRate: ANALYSIS_SAMPLE_RATE, channels: 1 }, (chunk) => analyzer.push(chunk));
  const metrics = analyzer.result();
  return { metrics, verdict: judgeTake(metrics) };
}
