// The idle loop: the stillest stretch with a face throughout, played back and forth without a jump, at least 10 s.
import { describe, expect, it } from 'vitest';
import { MAX_IDLE_FRAMES, MIN_IDLE_FRAMES, MIN_LOOP_SECONDS, chooseIdle, idleFrameAt, loopFrames } from '../../../main/core/face/idle.js';
import { FACE_FPS } from '../../../main/core/face/spec.js';

function take(openness: number[], motion = openness.map(() => 0.5)) {
  return { openness: Float32Array.from(openness), motion: Float32Array.from(motion) };
}

describe('idle loop', () => {
  it('picks the stretch with the closed, still mouth, away from speech and from frames without a face', () => {
    const talking = Array.from({ length: 300 }, (_, i) => 0.3 + 0.2 * Math.sin(i / 2));
    const open = [...talking];
    for (let i = 120; i < 200; i++) open[i] = 0.02;
    open[150] = Number.NaN;
    const choice = chooseIdle([take(talking), take(open)])!;
    expect(choice.take).toBe(1);
    // The rest is split by a frame with no face: the longer half (151–199) wins.
    expect(choice.start).toBeGreaterThanOrEqual(151);
    expect(choice.start + choice.length).toBeLessThanOrEqual(200);
    expect(choice.length).toBeGreaterThanOrEqual(MIN_IDLE_FRAMES);
  });

  it('prefers a still head to a moving one, and never takes more than it needs', () => {
    const rest = Array.from({ length: 600 }, () => 0.02);
    const moving = rest.map((_, i) => (i < 300 ? 8 : 0.2));
    const choice = chooseIdle([take(rest, moving)])!;
    expect(choice.start).toBeGreaterThanOrEqual(300);
    expect(choice.length).toBe(MAX_IDLE_FRAMES);
  });

  it('finds nothing without a second of face', () => {
    expect(chooseIdle([take(Array.from({ length: MIN_IDLE_FRAMES - 1 }, () => 0.02))])).toBeUndefined();
    expect(chooseIdle([])).toBeUndefined();
  });

  it('plays back and forth without repeating or skipping a frame, and loops for at least 10 s', () => {
    const order = Array.from({ length: 10 }, (_, t) => idleFrameAt(t, 4));
    expect(order).toEqual([0, 1, 2, 3, 2, 1, 0, 1, 2, 3]);
    for (let t = 1; t < 500; t++) expect(Math.abs(idleFrameAt(t, 37) - idleFrameAt(t - 1, 37))).toBe(1);
    expect(loopFrames(37)).toBeGreaterThanOrEqual(MIN_LOOP_SECONDS * FACE_FPS);
    expect(loopFrames(37) % 72).toBe(0);
    expect(idleFrameAt(5, 1)).toBe(0);
  });
});
