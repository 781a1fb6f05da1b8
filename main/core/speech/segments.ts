// Pure speech-activity logic (studio process and workers): from per-frame speech probabilities to
// speech segments, the speech ratio of a take, and where to split a long recording into takes.

/** A stretch of time in seconds, start inclusive, end exclusive. */
export interface TimeSpan {
  start: number;
  end: number;
}

export interface SegmentOptions {
  /** Seconds per probability frame; Silero at 16 kHz: 512 samples = 0.032 s. */
  frameSeconds?: number;
  /** A frame at or above this starts speech. */
  startThreshold?: number;
  /** Once speaking, frames at or above this still count as speech (hysteresis); below it they are silence. */
  endThreshold?: number;
  /** Shorter bursts are dropped (clicks, coughs). */
  minSpeechSeconds?: number;
  /** Silence at least this long ends a segment; shorter pauses stay inside it. */
  minSilenceSeconds?: number;
  /** Added on both sides of each segment (clamped to the clip; segments that then overlap merge). */
  padSeconds?: number;
  /** Length of the audio; default: frames × frameSeconds. Segments are clamped to it. */
  durationSeconds?: number;
}

export interface SpeechActivity {
  segments: TimeSpan[];
  speechSeconds: number;
  durationSeconds: number;
  /** speechSeconds / durationSeconds; 0 for empty audio. */
  speechRatio: number;
}

export const SEGMENT_DEFAULTS = {
  frameSeconds: 0.032,
  startThreshold: 0.5,
  endThreshold: 0.35,
  minSpeechSeconds: 0.25,
  minSilenceSeconds: 0.3,
  padSeconds: 0.1,
} as const;

/** Frames needed to last at least `seconds` (tolerant of float error: 0.096 s / 0.032 s is 3 frames). */
function framesFor(seconds: number, frameSeconds: number): number {
  return Math.max(0, Math.ceil(seconds / frameSeconds - 1e-9));
}

/** Speech as frame ranges [start, end) before padding: hysteresis, minimum silence, minimum speech. */
export function speechFrames(probabilities: ArrayLike<number>, options: SegmentOptions = {}): Array<[number, number]> {
  const frameSeconds = options.frameSeconds ?? SEGMENT_DEFAULTS.frameSeconds;
  const startThreshold = options.startThreshold ?? SEGMENT_DEFAULTS.startThreshold;
  const endThreshold = options.endThreshold ?? SEGMENT_DEFAULTS.endThreshold;
  const minSpeech = framesFor(options.minSpeechSeconds ?? SEGMENT_DEFAULTS.minSpeechSeconds, frameSeconds);
  const minSilence = Math.max(1, framesFor(options.minSilenceSeconds ?? SEGMENT_DEFAULTS.minSilenceSeconds, frameSeconds));
  const ranges: Array<[number, number]> = [];
  const close = (start: number, end: number) => {
    if (end - start >= minSpeech && end > start) ranges.push([start, end]);
  };
  let speaking = false;
  let start = 0;
  /** First frame of the current run of silence while speaking. */
  let silenceFrom: number | undefined;
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i]!;
    if (!speaking) {
      if (p >= startThreshold) {
        speaking = true;
        start = i;
        silenceFrom = undefined;
      }
      continue;
    }
    if (p >= endThreshold) {
      silenceFrom = undefined;
      continue;
    }
    silenceFrom ??= i;
    if (i - silenceFrom + 1 >= minSilence) {
      close(start, silenceFrom);
      speaking = false;
      silenceFrom = undefined;
    }
  }
  if (speaking) close(start, silenceFrom ?? probabilities.length);
  return ranges;
}

/** Speech segments in seconds, padded, clamped to the clip and merged where padding made them touch. */
export function speechSegments(probabilities: ArrayLike<number>, options: SegmentOptions = {}): TimeSpan[] {
  const frameSeconds = options.frameSeconds ?? SEGMENT_DEFAULTS.frameSeconds;
  const pad = options.padSeconds ?? SEGMENT_DEFAULTS.padSeconds;
  const duration = options.durationSeconds ?? probabilities.length * frameSeconds;
  const segments: TimeSpan[] = [];
  for (const [from, to] of speechFrames(probabilities, options)) {
    const start = Math.max(0, from * frameSeconds - pad);
    const end = Math.min(duration, to * frameSeconds + pad);
    if (end <= start) continue;
    const last = segments[segments.length - 1];
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else segments.push({ start, end });
  }
  return segments;
}

export function speechSeconds(segments: readonly TimeSpan[]): number {
  return segments.reduce((sum, segment) => sum + (segment.end - segment.start), 0);
}

export function speechRatio(segments: readonly TimeSpan[], durationSeconds: number): number {
  return durationSeconds > 0 ? Math.min(1, speechSeconds(segments) / durationSeconds) : 0;
}

/** Segments plus totals for one clip. */
export function speechActivity(probabilities: ArrayLike<number>, options: SegmentOptions = {}): SpeechActivity {
  const frameSeconds = options.frameSeconds ?? SEGMENT_DEFAULTS.frameSeconds;
  const durationSeconds = options.durationSeconds ?? probabilities.length * frameSeconds;
  const segments = speechSegments(probabilities, { ...options, durationSeconds });
  return { segments, speechSeconds: speechSeconds(segments), durationSeconds, speechRatio: speechRatio(segments, durationSeconds) };
}

export interface SplitOptions {
  /** No take shorter than this (seconds) is cut off; default 1.5. */
  minTake?: number;
  /** Takes longer than this are split even without a long pause; default 20. */
  maxTake?: number;
  /** Gaps between segments at least this long are cut points; default 0.5. */
  minPause?: number;
}

/**
 * Where to cut a long recording into takes: the interior cut times in seconds, increasing (take i
 * runs from cut i-1, or 0, to cut i, or the end). Cuts go in the middle of pauses of at least
 * `minPause` between segments, as long as both sides stay at least `minTake` long. A take still
 * longer than `maxTake` is cut in the middle of the longest stretch without speech that keeps the
 * pieces between `minTake` and `maxTake`; only where there is none is speech cut, at `maxTake`.
 */
export function splitAtPauses(segments: readonly TimeSpan[], durationSeconds: number, options: SplitOptions = {}): number[] {
  const minTake = options.minTake ?? 1.5;
  const maxTake = options.maxTake ?? 20;
  const minPause = options.minPause ?? 0.5;
  const sorted = [...segments].sort((a, b) => a.start - b.start);
  const gaps: TimeSpan[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const start = sorted[i - 1]!.end;
    const end = sorted[i]!.start;
    if (end > start) gaps.push({ start, end });
  }
  const cuts: number[] = [];
  let takeStart = 0;
  for (const gap of gaps) {
    if (gap.end - gap.start < minPause) continue;
    const cut = (gap.start + gap.end) / 2;
    if (cut - takeStart >= minTake && durationSeconds - cut >= minTake) {
      cuts.push(cut);
      takeStart = cut;
    }
  }
  // Everything without speech, leading and trailing silence included, for forced cuts.
  const quiet: TimeSpan[] = [];
  let cursor = 0;
  for (const segment of sorted) {
    if (segment.start > cursor) quiet.push({ start: cursor, end: segment.start });
    cursor = Math.max(cursor, segment.end);
  }
  if (durationSeconds > cursor) quiet.push({ start: cursor, end: durationSeconds });

  const bounded: number[] = [];
  const edges = [0, ...cuts, durationSeconds];
  for (let i = 1; i < edges.length; i++) {
    let start = edges[i - 1]!;
    const end = edges[i]!;
    while (end - start > maxTake) {
      const low = start + minTake;
      const high = Math.min(start + maxTake, end - minTake);
      let best: TimeSpan | undefined;
      for (const span of quiet) {
        const from = Math.max(span.start, low);
        const to = Math.min(span.end, high);
        if (to > from && (!best || to - from >= best.end - best.start)) best = { start: from, end: to };
      }
      const cut = best ? (best.start + best.end) / 2 : start + maxTake;
      bounded.push(cut);
      start = cut;
    }
    if (i < edges.length - 1) bounded.push(end);
  }
  return bounded;
}

/** The takes that `cuts` make of a recording of `durationSeconds`. */
export function takesFromCuts(cuts: readonly number[], durationSeconds: number): TimeSpan[] {
  const edges = [0, ...cuts, durationSeconds];
  return edges.slice(1).map((end, i) => ({ start: edges[i]!, end }));
}
