// The idle loop: the stretch of the creator's footage most at rest (closed, still mouth; face found throughout), played back and forth so it loops without a jump; main process and workers.
import { FACE_FPS } from './spec.js';

/** The loop the renderer needs at least: shorter rest stretches are played back and forth until it is this long. */
export const MIN_LOOP_SECONDS = 10;
/** The longest stretch taken: longer rest is not needed, and every idle frame is kept in memory while rendering. */
export const MAX_IDLE_FRAMES = 8 * FACE_FPS;
/** The shortest stretch worth looping: under a second the back-and-forth shows. */
export const MIN_IDLE_FRAMES = FACE_FPS;

export interface IdleCandidate {
  /** Mouth openness per frame; NaN where no single face was found. */
  readonly openness: Float32Array;
  /** Head movement per frame (e.g. landmark displacement from the previous frame, px); NaN where no face. */
  readonly motion: Float32Array;
}

export interface IdleChoice {
  /** Which candidate (take) and which frames [start, start + length). */
  readonly take: number;
  readonly start: number;
  readonly length: number;
  /** Lower is more at rest: mean openness plus its frame-to-frame change plus head motion, over the stretch. */
  readonly score: number;
}

/**
 * The window (up to MAX_IDLE_FRAMES, at least MIN_IDLE_FRAMES) with a face in every frame that is most at rest. Longer
 * windows are preferred when equally still: the score adds a small cost for shortness. Returns undefined when no take has
 * MIN_IDLE_FRAMES consecutive frames with a face.
 */
export function chooseIdle(candidates: readonly IdleCandidate[]): IdleChoice | undefined {
  let best: IdleChoice | undefined;
  candidates.forEach((c, take) => {
    const n = c.openness.length;
    const cost = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const o = c.openness[i]!;
      const change = i > 0 ? Math.abs(o - c.openness[i - 1]!) : 0;
      cost[i] = Number.isFinite(o) && Number.isFinite(c.motion[i]!) ? o + 4 * change + 0.02 * c.motion[i]! : Number.NaN;
    }
    // Prefix sums over runs with a face, so every window is scored in O(1).
    const prefix = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + (Number.isNaN(cost[i]!) ? 0 : cost[i]!);
    let runStart = 0;
    for (let i = 0; i <= n; i++) {
      if (i < n && !Number.isNaN(cost[i]!)) continue;
      const run = i - runStart;
      for (let length = Math.min(run, MAX_IDLE_FRAMES); length >= MIN_IDLE_FRAMES; length = length > MIN_IDLE_FRAMES ? Math.max(MIN_IDLE_FRAMES, length - FACE_FPS) : 0) {
        for (let start = runStart; start + length <= i; start += 5) {
          const score = (prefix[start + length]! - prefix[start]!) / length + 0.05 * (MAX_IDLE_FRAMES / length);
          if (!best || score < best.score) best = { take, start, length, score };
        }
      }
      runStart = i + 1;
    }
  });
  return best;
}

/** Frames in one full loop: the stretch forward then back (its two ends not repeated), repeated to at least MIN_LOOP_SECONDS. */
export function loopFrames(length: number): number {
  const cycle = Math.max(1, 2 * length - 2);
  return Math.ceil((MIN_LOOP_SECONDS * FACE_FPS) / cycle) * cycle;
}

/** Which idle frame plays at output frame `t`: back and forth over [0, length), so the loop never jumps. */
export function idleFrameAt(t: number, length: number): number {
  if (length <= 1) return 0;
  const cycle = 2 * length - 2;
  const k = ((t % cycle) + cycle) % cycle;
  return k < length ? k : cycle - k;
}
