// Preparing the test creator's takes for the face model: landmarks found, openness against the ground truth, mouth crops, missing faces, and the cache round trip.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePrepared, encodePrepared, mouthOpenness, prepareFaceTake, usableFrames } from '../../../main/core/face/preprocess.js';
import type { PreparedTake } from '../../../main/core/face/preprocess.js';
import { smoothLandmarks } from '../../../main/core/face/smooth.js';
import { AUDIO_WINDOW, MEL_BANDS, MOUTH_SIZE } from '../../../main/core/face/spec.js';
import { ffmpegPath } from '../../../main/core/media/binaries.js';
import { CANONICAL_TEMPLATE, alignToCanonical, scaleOf } from '../../../main/core/face/transform.js';
import type { RgbImage, TrackedFace } from '../../../main/core/vision/tracker.js';
import { FaceTracker } from '../../../main/core/vision/tracker.js';
import { type GroundTruth, type TestCreatorPaths, ensureTestCreator } from '../../fixtures/test-creator/generate.js';

let tracker: FaceTracker;
let paths: TestCreatorPaths;
let truth: GroundTruth;
let take: PreparedTake;

const CROP = MOUTH_SIZE * MOUTH_SIZE * 3;

function pearson(a: readonly number[], b: readonly number[]): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** Mean grey level per crop pixel over the given frames' mouth crops. */
function meanCrop(p: PreparedTake, frames: readonly number[]): Float64Array {
  const out = new Float64Array(MOUTH_SIZE * MOUTH_SIZE);
  for (const f of frames) {
    for (let i = 0; i < out.length; i++) {
      const o = f * CROP + i * 3;
      out[i] = out[i]! + (p.mouths[o]! + p.mouths[o + 1]! + p.mouths[o + 2]!) / 3 / frames.length;
    }
  }
  return out;
}

/** Mean absolute difference of two grey crops over rows [from, to) and columns [left, right). */
function difference(a: Float64Array, b: Float64Array, from: number, to: number, left = 0, right = MOUTH_SIZE): number {
  let sum = 0;
  for (let y = from; y < to; y++) for (let x = left; x < right; x++) sum += Math.abs(a[y * MOUTH_SIZE + x]! - b[y * MOUTH_SIZE + x]!);
  return sum / ((to - from) * (right - left));
}

beforeAll(async () => {
  paths = await ensureTestCreator();
  truth = JSON.parse(readFileSync(paths.groundTruth, 'utf8')) as GroundTruth;
  tracker = await FaceTracker.open({ threads: 1, detectorSize: 224 });
  take = await prepareFaceTake(paths.takes[0]!.mp4, tracker);
}, 120_000);

afterAll(async () => {
  await tracker?.close();
});

describe("prepareFaceTake on the test creator's first take", () => {
  it('has every array at its size, one window per frame', () => {
    const gt = truth.takes[0]!;
    expect(Math.abs(take.frames - gt.frames)).toBeLessThanOrEqual(1);
    expect([take.width, take.height]).toEqual([640, 480]);
    expect(take.landmarks.length).toBe(take.frames * 136);
    expect(take.transforms.length).toBe(take.frames * 4);
    expect(take.mouths.length).toBe(take.frames * CROP);
    expect(take.audio.length).toBe(take.frames * AUDIO_WINDOW * MEL_BANDS);
    expect(take.openness.length).toBe(take.frames);
    expect(take.faceCounts.length).toBe(take.frames);
    expect(take.audio.every(Number.isFinite)).toBe(true);
  });

  it('finds the face on more than 90% of frames, with transforms from its landmarks', () => {
    const usable = usableFrames(take);
    expect(usable.length).toBeGreaterThan(0.9 * take.frames);
    expect(take.faceCounts.filter((c) => c === 1).length).toBeGreaterThan(0.9 * take.frames);
    for (const f of usable) {
      const t = take.transforms.subarray(4 * f, 4 * f + 4);
      const s = alignToCanonical(take.landmarks.subarray(136 * f, 136 * (f + 1)));
      expect(t[0]).toBeCloseTo(s.a, 5);
      expect(t[3]).toBeCloseTo(s.ty, 2);
      // The face is about 175 px between the eyes in a 640 px frame; the template has 83.
      expect(scaleOf({ a: t[0]!, b: t[1]!, tx: 0, ty: 0 })).toBeGreaterThan(0.35);
      expect(scaleOf({ a: t[0]!, b: t[1]!, tx: 0, ty: 0 })).toBeLessThan(0.6);
    }
  });

  it('measures an openness that follows the ground truth (Pearson > 0.7)', () => {
    const gt = truth.takes[0]!.perFrame;
    const frames = Array.from(usableFrames(take)).filter((f) => f < gt.length);
    const r = pearson(
      frames.map((f) => take.openness[f]!),
      frames.map((f) => gt[f]!.openness),
    );
    expect(r).toBeGreaterThan(0.7);
  });

  it('crops the mouth: open and closed frames differ around the lips, not at the nose', () => {
    const gt = truth.takes[0]!.perFrame;
    const frames = Array.from(usableFrames(take)).filter((f) => f < gt.length);
    const byOpenness = [...frames].sort((a, b) => gt[a]!.openness - gt[b]!.openness);
    const tenth = Math.max(3, Math.round(frames.length / 10));
    const closed = meanCrop(take, byOpenness.slice(0, tenth));
    const open = meanCrop(take, byOpenness.slice(-tenth));
    // The template's lips lie in rows ~0.3-0.55 of the crop (more when open), its nose above 0.25.
    const rows = (a: number, b: number): [number, number] => [Math.round(a * MOUTH_SIZE), Math.round(b * MOUTH_SIZE)];
    const mouth = difference(open, closed, ...rows(0.3, 0.6), Math.round(0.25 * MOUTH_SIZE), Math.round(0.75 * MOUTH_SIZE));
    const nose = difference(open, closed, ...rows(0, 0.2), Math.round(0.25 * MOUTH_SIZE), Math.round(0.75 * MOUTH_SIZE));
    expect(mouth).toBeGreaterThan(12);
    expect(mouth).toBeGreaterThan(4 * nose);
    // An open mouth shows its dark inside in the middle of the lips.
    const centre = (c: Float64Array): number => c[Math.round(0.42 * MOUTH_SIZE) * MOUTH_SIZE + MOUTH_SIZE / 2]!;
    expect(centre(open)).toBeLessThan(centre(closed) - 20);
  });

  it('round-trips through the cache byte for byte', () => {
    const bytes = encodePrepared(take);
    const back = decodePrepared(bytes);
    expect([back.frames, back.width, back.height]).toEqual([take.frames, take.width, take.height]);
    for (const name of ['landmarks', 'transforms', 'mouths', 'audio', 'openness', 'faceCounts'] as const) {
      expect(back[name].constructor).toBe(take[name].constructor);
      expect(Buffer.compare(Buffer.from(back[name].buffer, back[name].byteOffset, back[name].byteLength), Buffer.from(take[name].buffer, take[name].byteOffset, take[name].byteLength))).toBe(0);
    }
    expect(Array.from(back.normalisation.mean)).toEqual(Array.from(take.normalisation.mean));
    expect(Array.from(back.normalisation.std)).toEqual(Array.from(take.normalisation.std));
    // From an unaligned copy too, as a file read into a pooled Buffer can be.
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(decodePrepared(shifted.subarray(3)).openness).toEqual(take.openness);
  });

  it('refuses bytes that are not a current prepared take', () => {
    const bytes = encodePrepared(take);
    expect(() => decodePrepared(new Uint8Array(10))).toThrow(/not a prepared face take/);
    expect(() => decodePrepared(bytes.subarray(0, bytes.length - 100))).toThrow(/truncated/);
    const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + length));
    const stale = bytes.slice();
    stale.set(new TextEncoder().encode(header.replace('"version":1', '"version":0')), 8);
    expect(() => decodePrepared(stale)).toThrow(/another version/);
  });
});

describe('prepareFaceTake with faces missing', () => {
  it('marks frames without exactly one face, bridges short gaps and smooths like the whole take at once', async () => {
    // The real tracker, except that frame 10 has no face and frames 30-41 have two.
    const raw: number[][] = [];
    const detector = {
      async detect(image: RgbImage): Promise<TrackedFace[]> {
        const f = raw.length;
        const faces = await tracker.detect(image);
        const result = f === 10 ? [] : f >= 30 && f <= 41 ? [faces[0]!, faces[0]!] : faces;
        raw.push(result.length === 1 ? result[0]!.landmarks.flat() : new Array<number>(136).fill(Number.NaN));
        return result;
      },
    };
    const progress: number[] = [];
    const p = await prepareFaceTake(paths.takes[1]!.mp4, detector, { onProgress: (f) => progress.push(f) });
    expect(progress).toEqual(Array.from({ length: p.frames }, (_, i) => i));
    expect(p.faceCounts[10]).toBe(0);
    expect(Array.from(p.faceCounts.subarray(30, 42)).every((c) => c === 2)).toBe(true);
    const usable = new Set(usableFrames(p));
    // One missing frame is bridged; twelve are too many.
    expect(usable.has(10)).toBe(true);
    for (let f = 30; f <= 41; f++) {
      expect(usable.has(f)).toBe(false);
      expect(Number.isNaN(p.openness[f]!)).toBe(true);
      expect(p.mouths.subarray(f * CROP, (f + 1) * CROP).every((v) => v === 0)).toBe(true);
    }
    // Streaming the smoothing (a frame at a time, as soon as its reach is known) gives what smoothing the whole take gives.
    const whole = smoothLandmarks(Float32Array.from(raw.flat()));
    expect(Array.from(p.landmarks).map((v) => (Number.isNaN(v) ? 'NaN' : v))).toEqual(Array.from(whole).map((v) => (Number.isNaN(v) ? 'NaN' : v)));
  });
});

describe('prepareFaceTake without a face or without sound', () => {
  const noFaces = { detect: async (): Promise<TrackedFace[]> => [] };

  it('prepares a take where no face is ever found, with the sound from another file', async () => {
    const p = await prepareFaceTake(paths.takes[2]!.mp4, noFaces, { audioPath: paths.takes[2]!.wav });
    expect(p.frames).toBeGreaterThan(40);
    expect(usableFrames(p).length).toBe(0);
    expect(p.openness.every(Number.isNaN)).toBe(true);
    expect(p.landmarks.every(Number.isNaN)).toBe(true);
    expect(p.faceCounts.every((c) => c === 0)).toBe(true);
    expect(p.audio.every(Number.isFinite)).toBe(true);
    expect(decodePrepared(encodePrepared(p)).frames).toBe(p.frames);
  });

  it("fails with the sound's own error when the video has no sound", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'likeness-face-prepare-'));
    try {
      const silent = join(dir, 'silent.mp4');
      execFileSync(ffmpegPath()!, ['-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=gray:s=320x240:d=2:r=25', '-pix_fmt', 'yuv420p', silent]);
      await expect(prepareFaceTake(silent, noFaces)).rejects.toMatchObject({ code: 'no-audio' });
      await expect(prepareFaceTake(join(dir, 'missing.mp4'), noFaces)).rejects.toMatchObject({ code: 'not-found' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('mouthOpenness', () => {
  it('is small for the template, grows as the inner lips part, and is NaN without landmarks', () => {
    const closed = mouthOpenness(CANONICAL_TEMPLATE);
    expect(closed).toBeGreaterThanOrEqual(0);
    expect(closed).toBeLessThan(0.15);
    const open = CANONICAL_TEMPLATE.map(([x, y], k): [number, number] => (k >= 65 && k <= 67 ? [x, y + 14] : [x, y]));
    expect(mouthOpenness(open)).toBeCloseTo(closed + 14 / (CANONICAL_TEMPLATE[54]![0] - CANONICAL_TEMPLATE[48]![0]), 3);
    expect(Number.isNaN(mouthOpenness(new Float32Array(136).fill(Number.NaN)))).toBe(true);
  });
});
