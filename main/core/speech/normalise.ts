// Loudness normalisation of finished audio to a target integrated loudness under a true-peak ceiling; main process and workers.
import { analyseAudio } from './loudness.js';

/** Spoken-word delivery targets: -16 LUFS integrated (streaming and podcast practice), true peaks under -1 dBTP. */
export const SPEECH_TARGET_LUFS = -16;
export const TRUE_PEAK_CEILING_DBTP = -1;
/** The limiter acts on sample peaks this far under the true-peak ceiling, leaving room for peaks between samples. */
const INTER_SAMPLE_MARGIN_DB = 0.5;
const ATTACK_SECONDS = 0.002;
const RELEASE_SECONDS = 0.06;
/** More gain reduction than this would be audible: the result is left quieter instead (vocoded speech, peakier than recorded speech, can end a little under the target). */
const MAX_LIMITING_DB = 10;

export interface Normalised {
  samples: Float32Array;
  gainDb: number;
  /** Loudness before; null for silence (left as it is). */
  inputLufs: number | null;
  /** Loudness after: the target, or less where even limiting could not bring the peaks under the ceiling. */
  outputLufs: number | null;
  truePeakDbtp: number;
}

/**
 * A look-ahead peak limiter: the gain falls smoothly (over the attack) to where each peak fits under `ceiling`, before the
 * peak arrives, and recovers over the release. Speech peaks are brief, so a few dB of it are inaudible.
 */
export function limitPeaks(samples: Float32Array, sampleRate: number, ceiling: number): Float32Array {
  const attack = Math.max(1, Math.round(ATTACK_SECONDS * sampleRate));
  const release = Math.exp(-1 / (RELEASE_SECONDS * sampleRate));
  const n = samples.length;
  // The gain each sample needs alone, then its minimum over the attack window ahead (a sliding minimum, O(n)).
  const need = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = Math.abs(samples[i]!);
    need[i] = a > ceiling ? ceiling / a : 1;
  }
  const ahead = new Float32Array(n);
  const window: number[] = [];
  for (let i = n - 1; i >= 0; i--) {
    while (window.length > 0 && need[window[window.length - 1]!]! >= need[i]!) window.pop();
    window.push(i);
    while (window[0]! > i + attack) window.shift();
    ahead[i] = need[window[0]!]!;
  }
  const out = new Float32Array(n);
  let gain = 1;
  for (let i = 0; i < n; i++) {
    const target = ahead[i]!;
    // Falls within the attack (linear steps reach any target in time), recovers exponentially.
    gain = target < gain ? Math.max(target, gain - 1 / attack) : target - (target - gain) * release;
    out[i] = samples[i]! * gain;
  }
  return out;
}

export function normaliseLoudness(samples: Float32Array, sampleRate: number, targetLufs = SPEECH_TARGET_LUFS, ceilingDbtp = TRUE_PEAK_CEILING_DBTP): Normalised {
  const measured = analyseAudio(samples, sampleRate);
  if (measured.integratedLufs === null) return { samples, gainDb: 0, inputLufs: null, outputLufs: null, truePeakDbtp: measured.truePeakDbtp };
  const gainDb = Math.min(targetLufs - measured.integratedLufs, ceilingDbtp + MAX_LIMITING_DB - measured.truePeakDbtp);
  const gain = 10 ** (gainDb / 20);
  const raised = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) raised[i] = samples[i]! * gain;
  const limited = limitPeaks(raised, sampleRate, 10 ** ((ceilingDbtp - INTER_SAMPLE_MARGIN_DB) / 20));
  // Sharp transients can still overshoot between samples: trim the whole piece by what is left over.
  const over = analyseAudio(limited, sampleRate).truePeakDbtp - ceilingDbtp;
  if (over > 0) {
    const trim = 10 ** (-(over + 0.01) / 20);
    for (let i = 0; i < limited.length; i++) limited[i] = limited[i]! * trim;
  }
  const after = analyseAudio(limited, sampleRate);
  return { samples: limited, gainDb: gainDb - Math.max(0, over), inputLufs: measured.integratedLufs, outputLufs: after.integratedLufs, truePeakDbtp: after.truePeakDbtp };
}
