// Head pose from 68 landmarks on synthetic landmark sets: a generic 3D head projected at known angles, and a real frontal face rotated and moved.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GENERIC_HEAD_POINTS, estimatePose } from '../../../main/core/vision/pose.js';
import type { Point } from '../../../main/core/vision/pose.js';
import { type GroundTruth, ensureTestCreator } from '../../fixtures/test-creator/generate.js';

type P3 = [number, number, number];
const DEG = Math.PI / 180;

/** A 68-point 3D head (y up, z toward the camera) holding the generic model's key points; the rest is a rough face. */
function head3d(): P3[] {
  const pts: P3[] = Array.from({ length: 68 }, (_, i): P3 => [0, -200 + i, -150]);
  for (let i = 0; i <= 16; i++) {
    const a = Math.PI * (i / 16);
    pts[i] = [-300 * Math.cos(a), 100 - 300 * Math.sin(a), -250];
  }
  const [ex, ey, ez] = GENERIC_HEAD_POINTS[36];
  const eye = (outer: number, sign: number, first: number, order: number[]): void => {
    const inner = outer + sign * 150;
    const ring: P3[] = [
      [outer, ey, ez],
      [outer + sign * 50, ey + 15, ez],
      [outer + sign * 100, ey + 15, ez],
      [inner, ey, ez],
      [outer + sign * 100, ey - 15, ez],
      [outer + sign * 50, ey - 15, ez],
    ];
    order.forEach((k, j) => (pts[first + j] = ring[k]!));
  };
  eye(ex, 1, 36, [0, 1, 2, 3, 4, 5]);
  // 42 is the inner corner of the other eye, 45 its outer corner.
  eye(-ex, -1, 42, [3, 2, 1, 0, 5, 4]);
  pts[30] = [...GENERIC_HEAD_POINTS[30]];
  pts[48] = [...GENERIC_HEAD_POINTS[48]];
  pts[54] = [...GENERIC_HEAD_POINTS[54]];
  return pts;
}

/** Orthographic image of the head: pitch (up +), then yaw (nose to the image's right +), then roll (clockwise in the image +). */
function project(points: readonly P3[], pose: { yaw: number; pitch: number; roll: number }, scale = 0.4, cx = 320, cy = 240): Point[] {
  const pd = -pose.pitch * DEG;
  const yw = pose.yaw * DEG;
  const rl = pose.roll * DEG;
  return points.map(([x, y, z]): Point => {
    const y1 = y * Math.cos(pd) - z * Math.sin(pd);
    const z1 = y * Math.sin(pd) + z * Math.cos(pd);
    const x2 = x * Math.cos(yw) + z1 * Math.sin(yw);
    const u = scale * x2;
    const v = -scale * y1;
    return [cx + u * Math.cos(rl) - v * Math.sin(rl), cy + u * Math.sin(rl) + v * Math.cos(rl)];
  });
}

function transform(points: readonly Point[], angleDeg: number, scale: number, dx: number, dy: number): Point[] {
  const [ox, oy] = points.reduce(([sx, sy], [x, y]) => [sx + x / points.length, sy + y / points.length], [0, 0]);
  const c = Math.cos(angleDeg * DEG);
  const s = Math.sin(angleDeg * DEG);
  return points.map(([x, y]): Point => [ox + dx + scale * (c * (x - ox) - s * (y - oy)), oy + dy + scale * (s * (x - ox) + c * (y - oy))]);
}

describe('estimatePose on the generic head', () => {
  const head = head3d();

  it('reads a frontal head as level', () => {
    const p = estimatePose(project(head, { yaw: 0, pitch: 0, roll: 0 }));
    expect(Math.abs(p.yaw)).toBeLessThan(0.01);
    expect(Math.abs(p.pitch)).toBeLessThan(0.01);
    expect(Math.abs(p.roll)).toBeLessThan(0.01);
  });

  it.each([-40, -20, -10, 10, 25, 40])('recovers yaw %i°', (yaw) => {
    const p = estimatePose(project(head, { yaw, pitch: 0, roll: 0 }));
    expect(p.yaw).toBeCloseTo(yaw, 6);
    expect(Math.abs(p.pitch)).toBeLessThan(0.01);
    expect(Math.abs(p.roll)).toBeLessThan(0.01);
  });

  it.each([-30, -15, 10, 30])('recovers pitch %i° (positive: looking up)', (pitch) => {
    const p = estimatePose(project(head, { yaw: 0, pitch, roll: 0 }));
    expect(p.pitch).toBeCloseTo(pitch, 6);
    expect(Math.abs(p.yaw)).toBeLessThan(0.01);
  });

  it.each([-30, -10, 10, 30])('recovers roll %i° (positive: clockwise in the image)', (roll) => {
    const p = estimatePose(project(head, { yaw: 0, pitch: 0, roll }));
    expect(p.roll).toBeCloseTo(roll, 6);
    expect(Math.abs(p.yaw)).toBeLessThan(0.01);
    expect(Math.abs(p.pitch)).toBeLessThan(0.01);
  });

  it('recovers combined angles within a few degrees (the closed form ignores the yaw-pitch coupling)', () => {
    for (const pose of [
      { yaw: 20, pitch: 10, roll: -8 },
      { yaw: -15, pitch: -12, roll: 12 },
    ]) {
      const p = estimatePose(project(head, pose));
      expect(Math.abs(p.roll - pose.roll)).toBeLessThan(0.5);
      expect(Math.abs(p.yaw - pose.yaw)).toBeLessThan(5);
      expect(Math.abs(p.pitch - pose.pitch)).toBeLessThan(5);
      expect(Math.sign(p.yaw)).toBe(Math.sign(pose.yaw));
      expect(Math.sign(p.pitch)).toBe(Math.sign(pose.pitch));
    }
  });

  it('does not depend on where the face is or how big', () => {
    const a = estimatePose(project(head, { yaw: 12, pitch: -7, roll: 4 }));
    const b = estimatePose(project(head, { yaw: 12, pitch: -7, roll: 4 }, 1.3, 100, 400));
    expect(b.yaw).toBeCloseTo(a.yaw, 6);
    expect(b.pitch).toBeCloseTo(a.pitch, 6);
    expect(b.roll).toBeCloseTo(a.roll, 6);
  });

  it('rejects the wrong number of points', () => {
    expect(() => estimatePose(project(head, { yaw: 0, pitch: 0, roll: 0 }).slice(0, 67))).toThrow(/68/);
    const bad = project(head, { yaw: 0, pitch: 0, roll: 0 });
    bad[5] = [Number.NaN, 0];
    expect(() => estimatePose(bad)).toThrow(/finite/);
  });
});

describe("estimatePose on a real frontal face (the test creator's photo landmarks)", () => {
  let frontal: Point[];
  beforeAll(async () => {
    const truth = JSON.parse(readFileSync((await ensureTestCreator()).groundTruth, 'utf8')) as GroundTruth;
    frontal = truth.photo.frameLandmarks;
  });

  it('reads near level', () => {
    const p = estimatePose(frontal);
    expect(Math.abs(p.roll)).toBeLessThan(5);
    expect(Math.abs(p.yaw)).toBeLessThan(10);
    expect(Math.abs(p.pitch)).toBeLessThan(15);
  });

  it('rotating the template by 10° adds 10° of roll and leaves yaw and pitch alone; moving and scaling changes nothing', () => {
    const base = estimatePose(frontal);
    for (const angle of [10, -10, 25]) {
      const p = estimatePose(transform(frontal, angle, 1, 0, 0));
      expect(p.roll - base.roll).toBeCloseTo(angle, 6);
      expect(p.yaw).toBeCloseTo(base.yaw, 6);
      expect(p.pitch).toBeCloseTo(base.pitch, 6);
    }
    const moved = estimatePose(transform(frontal, 0, 0.5, -120, 60));
    expect(moved.yaw).toBeCloseTo(base.yaw, 6);
    expect(moved.pitch).toBeCloseTo(base.pitch, 6);
    expect(moved.roll).toBeCloseTo(base.roll, 6);
  });

  it('shifting the nose tip sideways reads as yaw in that direction', () => {
    const shifted = frontal.map((p, i): Point => (i === 30 ? [p[0] + 10, p[1]] : p));
    expect(estimatePose(shifted).yaw).toBeGreaterThan(estimatePose(frontal).yaw + 5);
    const raised = frontal.map((p, i): Point => (i === 30 ? [p[0], p[1] - 8] : p));
    expect(estimatePose(raised).pitch).toBeGreaterThan(estimatePose(frontal).pitch + 5);
  });
});
