// Which face takes train the face: one clear frontal face, enough video, one take in ten held out; each exclusion says why.
import { describe, expect, it } from 'vitest';
import type { Take, VideoMetrics } from '../../../main/contract/models.js';
import { MIN_VIDEO_SECONDS, exclusionReason, planFaceTraining } from '../../../main/core/face/plan.js';
import { makeTake } from '../../fixtures/takes.js';

const video = (patch: Partial<VideoMetrics> = {}): VideoMetrics => ({
  frames: 250,
  durationSeconds: 10,
  facePresentRatio: 1,
  multipleFacesRatio: 0,
  medianFaceSize: 0.5,
  medianYaw: 2,
  medianPitch: 1,
  medianRoll: 0,
  sharpness: 200,
  brightness: 120,
  ...patch,
});
const face = (patch: Partial<VideoMetrics> = {}, take: Partial<Take> = {}) =>
  makeTake({ kind: 'face', video: `sha256:${'f'.repeat(64)}`, videoMetrics: video(patch), ...take });

describe('planning face training', () => {
  it('trains on clear face takes and holds out one in ten', () => {
    const takes = Array.from({ length: 20 }, () => face());
    const plan = planFaceTraining(takes, (d) => `/blobs/${d}`);
    expect(plan.takes).toHaveLength(20);
    expect(plan.videoSeconds).toBe(200);
    expect(plan.takes.filter((t) => t.heldOut)).toHaveLength(2);
    expect(plan.takes[0]!.video).toBe(`/blobs/sha256:${'f'.repeat(64)}`);
    expect(plan.excluded).toEqual([]);
  });

  it('leaves out takes with no face, several faces, a small or turned face, each with its reason', () => {
    expect(exclusionReason(face({ facePresentRatio: 0.3 }))).toBe('a face in only 30% of its frames');
    expect(exclusionReason(face({ multipleFacesRatio: 0.4 }))).toMatch(/several faces in 40% .*record alone/);
    expect(exclusionReason(face({ medianFaceSize: 0.08 }))).toMatch(/too small \(8% of the frame height\): move closer/);
    expect(exclusionReason(face({ medianYaw: -55 }))).toMatch(/turned away \(-55°\)/);
    expect(exclusionReason(makeTake({ kind: 'face' }))).toBe('no video');
    const plan = planFaceTraining([...Array.from({ length: 8 }, () => face()), face({ facePresentRatio: 0.1 })], (d) => d);
    expect(plan.takes).toHaveLength(8);
    expect(plan.excluded).toHaveLength(1);
  });

  it('says how much more video to record, and why takes were left out', () => {
    expect(MIN_VIDEO_SECONDS).toBe(60);
    const few = [face({ durationSeconds: 20 }), face({ durationSeconds: 15 }), face({ facePresentRatio: 0.2 })];
    expect(() => planFaceTraining(few, (d) => d)).toThrow(/35 s of usable face video in 2 take\(s\): record at least 25 s more .*Left out: take_\d+ \(a face in only 20% of its frames\)/);
    expect(() => planFaceTraining([face({ durationSeconds: 100 })], (d) => d)).toThrow(/at least 2 face takes/);
  });
});
