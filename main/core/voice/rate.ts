// Speaking-rate match between eSpeak NG and the creator: the duration ratio of their speech and the eSpeak words-per-minute setting that follows (training workers). No I/O.
import { ESPEAK_RATE_RANGE } from '../speech/espeak-args.js';
import type { SpeechRange } from './align.js';

/** eSpeak NG's own default rate (`-s`), words per minute. */
export const ESPEAK_DEFAULT_WPM = 175;
/** Utterances whose own ratio is off the median by more than this factor are left out (a restarted take, a failed trim). */
const OUTLIER_FACTOR = 1.5;

/** One utterance's speech ranges in frames, e.g. an `Alignment` (align.ts) or two `speechRange` results. */
export interface SpeechDurations {
  readonly source: SpeechRange;
  readonly target: SpeechRange;
}

const framesOf = (range: SpeechRange): number => range.end - range.start;

/**
 * How much longer the target (creator) takes to say the same thing than the source (eSpeak): total target speech frames
 * over total source speech frames, so long utterances weigh more than short ones, over the utterances whose own ratio
 * is within 1.5× of the median ratio. Throws when no utterance has speech on both sides.
 */
export function speakingRateRatio(utterances: readonly SpeechDurations[]): number {
  const usable = utterances.filter((u) => framesOf(u.source) > 0 && framesOf(u.target) > 0);
  if (usable.length === 0) throw new Error('speakingRateRatio: no utterance with speech on both sides');
  const ratios = usable.map((u) => framesOf(u.target) / framesOf(u.source)).sort((a, b) => a - b);
  const mid = ratios.length / 2;
  const median = ratios.length % 2 === 1 ? ratios[Math.floor(mid)]! : Math.sqrt(ratios[mid - 1]! * ratios[mid]!);
  let source = 0;
  let target = 0;
  for (const u of usable) {
    const r = framesOf(u.target) / framesOf(u.source);
    if (Math.abs(Math.log(r / median)) > Math.log(OUTLIER_FACTOR)) continue;
    source += framesOf(u.source);
    target += framesOf(u.target);
  }
  return target / source;
}

/**
 * The eSpeak rate (words per minute, whole, within eSpeak's 80..450) that makes speech rendered at `renderedWpm` last
 * `ratio` times as long: eSpeak's durations scale close to inversely with its rate.
 */
export function espeakWordsPerMinute(ratio: number, renderedWpm = ESPEAK_DEFAULT_WPM): number {
  if (!(ratio > 0) || !(renderedWpm > 0)) throw new Error(`espeakWordsPerMinute: bad ratio ${ratio} or rate ${renderedWpm}`);
  return Math.min(ESPEAK_RATE_RANGE.max, Math.max(ESPEAK_RATE_RANGE.min, Math.round(renderedWpm / ratio)));
}
