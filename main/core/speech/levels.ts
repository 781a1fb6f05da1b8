// Pure verdict on a take's audio metrics (any process): pass, warn or fail, with reasons a creator can act on.
import type { AudioMetrics } from './loudness.js';

export type TakeStatus = 'pass' | 'warn' | 'fail';

export interface TakeVerdict {
  status: TakeStatus;
  reasons: string[];
}

/** Target integrated loudness window (EBU R128 broadcast level up to a typical spoken-word level). */
export const TARGET_LUFS_MIN = -23;
export const TARGET_LUFS_MAX = -16;
/** Quieter than this is unusable (the voice sinks into the noise once normalised). */
export const FAIL_LUFS_BELOW = -36;
/** Louder than this is almost certainly distorted. */
export const FAIL_LUFS_ABOVE = -9;
/** True peaks above this leave no headroom for encoding. */
export const MAX_TRUE_PEAK_DBTP = -1;
/** Share of clipped samples that warns, and that fails. */
export const WARN_CLIPPED_RATIO = 0.0005;
export const FAIL_CLIPPED_RATIO = 0.01;
/** Clipped runs at least this long warn even when the share is tiny (audible flat tops). */
export const WARN_CLIPPED_RUN = 3;
export const TARGET_SNR_DB = 30;
export const FAIL_SNR_DB = 15;
export const MIN_TAKE_SECONDS = 1;
export const MAX_TAKE_SECONDS = 10 * 60;

function fmt(value: number, digits = 1): string {
  return value.toFixed(digits).replace(/^-(0\.0*)$/, '$1');
}

function percent(ratio: number): string {
  const value = ratio * 100;
  return value >= 1 ? value.toFixed(1) : value.toPrecision(2);
}

export function judgeTake(metrics: AudioMetrics): TakeVerdict {
  const fails: string[] = [];
  const warns: string[] = [];
  const aim = `aim for ${TARGET_LUFS_MIN} to ${TARGET_LUFS_MAX} LUFS`;

  if (metrics.durationSeconds < MIN_TAKE_SECONDS) {
    fails.push(`too short: ${fmt(metrics.durationSeconds)} s; record at least ${MIN_TAKE_SECONDS} s`);
  } else if (metrics.durationSeconds > MAX_TAKE_SECONDS) {
    warns.push(`very long: ${fmt(metrics.durationSeconds / 60)} min; split it into takes under ${MAX_TAKE_SECONDS / 60} min`);
  }

  const lufs = metrics.integratedLufs;
  if (lufs === null) {
    if (metrics.durationSeconds >= MIN_TAKE_SECONDS) fails.push('silent: no speech was heard; check the microphone is selected and unmuted');
  } else if (lufs < FAIL_LUFS_BELOW) {
    fails.push(`far too quiet: ${fmt(lufs)} LUFS, ${aim}; raise the input gain or move closer to the microphone`);
  } else if (lufs < TARGET_LUFS_MIN) {
    warns.push(`too quiet: ${fmt(lufs)} LUFS, ${aim}`);
  } else if (lufs > FAIL_LUFS_ABOVE) {
    fails.push(`far too loud: ${fmt(lufs)} LUFS, ${aim}; lower the input gain`);
  } else if (lufs > TARGET_LUFS_MAX) {
    warns.push(`too loud: ${fmt(lufs)} LUFS, ${aim}`);
  }

  if (metrics.clippedRatio >= FAIL_CLIPPED_RATIO) {
    fails.push(`clipping: ${percent(metrics.clippedRatio)}% of samples at full scale; lower the input gain and record again`);
  } else if (metrics.clippedRatio >= WARN_CLIPPED_RATIO || metrics.longestClippedRun >= WARN_CLIPPED_RUN) {
    warns.push(`clipping: ${metrics.clippedRuns} clipped passage${metrics.clippedRuns === 1 ? '' : 's'} (${percent(metrics.clippedRatio)}% of samples); lower the input gain`);
  } else if (metrics.truePeakDbtp > MAX_TRUE_PEAK_DBTP) {
    warns.push(`peaks too hot: ${fmt(metrics.truePeakDbtp)} dBTP, keep peaks below ${MAX_TRUE_PEAK_DBTP} dBTP; lower the input gain a little`);
  }

  if (lufs !== null) {
    if (metrics.snrDb < FAIL_SNR_DB) {
      fails.push(`very noisy room: SNR ${Math.floor(metrics.snrDb)} dB, aim for ${TARGET_SNR_DB} dB or more; find a quieter room or get closer to the microphone`);
    } else if (metrics.snrDb < TARGET_SNR_DB) {
      warns.push(`noisy room: SNR ${Math.floor(metrics.snrDb)} dB, aim for ${TARGET_SNR_DB} dB or more`);
    }
  }

  const status: TakeStatus = fails.length ? 'fail' : warns.length ? 'warn' : 'pass';
  return { status, reasons: [...fails, ...warns] };
}
