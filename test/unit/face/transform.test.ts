// Face alignment geometry: similarity fits, the canonical template against MOUTH_BOX, and the warp / paste round trip and its footprint.
import { describe, expect, it } from 'vitest';
import { mouthMask } from '../../../main/core/face/mask.js';
import { CANONICAL_SIZE, MOUTH_BOX, MOUTH_SIZE } from '../../../main/core/face/spec.js';
import type { Similarity } from '../../../main/core/face/spec.js';
import {
  ALIGNMENT_POINTS,
  CANONICAL_TEMPLATE,
  alignToCanonical,
  applyToPoint,
  fitSimilarity,
  invert,
  pasteFromCanonical,
  scaleOf,
  warpToCanonical,
} from '../../../main/core/face/transform.js';
import type { Point } from '../../../main/core/face/transform.js';
import { mulberry32 } from '../../../main/core/platform/seeded-random.js';


function similarity(angleDeg: number, scale: number, tx: number, ty: number): Similarity {
  const r = (angleDeg * Math.PI) / 180;
  return { a: scale * Math.cos(r), b: scale * Math.sin(r), tx, ty };
}

/** The frame → canonical transform of a face drawn at `frameScale` frame pixels per canonical one, turned by `angleDeg`, with MOUTH_BOX's centre at `centre`. */
function faceAt(angleDeg: number, frameScale: number, centre: Point): Similarity {
  const toFrame = similarity(angleDeg, frameScale, 0, 0);
  const c = applyToPoint(toFrame, [MOUTH_BOX.x + MOUTH_BOX.size / 2, MOUTH_BOX.y + MOUTH_BOX.size / 2]);
  return invert({ ...toFrame, tx: centre[0] - c[0], ty: centre[1] - c[1] });
}

function expectSimilarity(actual: Similarity, expected: Similarity, digits = 9): void {
  expect(actual.a).toBeCloseTo(expected.a, digits);
  expect(actual.b).toBeCloseTo(expected.b, digits);
  expect(actual.tx).toBeCloseTo(expected.tx, digits - 3);
  expect(actual.ty).toBeCloseTo(expected.ty, digits - 3);
}

function mean(points: readonly Point[], from: number, to: number): Point {
  const pts = points.slice(from, to + 1);
  return [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length];
}

describe('fitSimilarity', () => {
  it('recovers a known similarity from points it moved', () => {
    for (const s of [similarity(0, 1, 0, 0), similarity(17, 0.47, -35.5, 12.25), similarity(-160, 2.3, 400, -90)]) {
      const to = CANONICAL_TEMPLATE.map((p) => applyToPoint(s, p));
      expectSimilarity(fitSimilarity(CANONICAL_TEMPLATE, to), s);
      // Interleaved numbers work the same as pairs.
      expectSimilarity(fitSimilarity(Float64Array.from(CANONICAL_TEMPLATE.flat()), Float32Array.from(to.flat())), s, 4);
    }
  });

  it('is the least-squares fit under noise, and follows the weights', () => {
    const s = similarity(8, 0.6, 10, 20);
    const rnd = mulberry32(3);
    const to = CANONICAL_TEMPLATE.map((p): Point => {
      const [x, y] = applyToPoint(s, p);
      return [x + (rnd() - 0.5) * 2, y + (rnd() - 0.5) * 2];
    });
    const fit = fitSimilarity(CANONICAL_TEMPLATE, to);
    expectSimilarity(fit, s, 1);
    const sse = (t: Similarity): number => CANONICAL_TEMPLATE.reduce((sum, p, i) => sum + (applyToPoint(t, p)[0] - to[i]![0]) ** 2 + (applyToPoint(t, p)[1] - to[i]![1]) ** 2, 0);
    // Any nudge of the fitted parameters makes the error larger.
    for (const nudge of [{ a: 1e-3 }, { b: -1e-3 }, { tx: 0.05 }, { ty: -0.05 }]) {
      const other = { ...fit, ...Object.fromEntries(Object.entries(nudge).map(([k, v]) => [k, fit[k as keyof Similarity] + v])) };
      expect(sse(other)).toBeGreaterThan(sse(fit));
    }
    // Points with zero weight, or with NaN coordinates, do not count.
    const broken = to.map((p, i): Point => (i < 10 ? [p[0] + 500, Number.NaN] : p));
    const weights = to.map((_, i) => (i >= 10 && i < 20 ? 0 : 1));
    const partial = fitSimilarity(CANONICAL_TEMPLATE, broken, weights);
    const reference = fitSimilarity(CANONICAL_TEMPLATE.slice(20), to.slice(20));
    expectSimilarity(partial, reference, 9);
  });

  it('gives NaN when there is nothing to fit', () => {
    const nan = fitSimilarity([[1, 2]], [[3, 4]]);
    expect([nan.a, nan.b, nan.tx, nan.ty].every(Number.isNaN)).toBe(true);
    const same = fitSimilarity(
      [
        [5, 5],
        [5, 5],
      ],
      [
        [1, 2],
        [3, 4],
      ],
    );
    expect(Number.isNaN(same.a)).toBe(true);
    expect(() => fitSimilarity([[0, 0]], [])).toThrow();
  });

  it('inverts', () => {
    const s = similarity(-23, 0.8, 31, -7);
    const p: Point = [12.5, -40];
    const back = applyToPoint(invert(s), applyToPoint(s, p));
    expect(back[0]).toBeCloseTo(p[0], 10);
    expect(back[1]).toBeCloseTo(p[1], 10);
    expectSimilarity(invert(invert(s)), s, 10);
    expect(scaleOf(invert(s))).toBeCloseTo(1 / 0.8, 12);
  });
});

describe('the canonical template', () => {
  it('puts the eyes and mouth where the spec says, symmetric about the middle', () => {
    const S = CANONICAL_SIZE;
    const left = mean(CANONICAL_TEMPLATE, 36, 41);
    const right = mean(CANONICAL_TEMPLATE, 42, 47);
    const mouth = mean(CANONICAL_TEMPLATE, 48, 67);
    expect(left[0] / S).toBeCloseTo(0.33, 1);
    expect(right[0] / S).toBeCloseTo(0.67, 1);
    expect(Math.abs(left[1] / S - 0.38)).toBeLessThan(0.01);
    expect(Math.abs(right[1] / S - 0.38)).toBeLessThan(0.01);
    expect(Math.abs(mouth[1] / S - 0.73)).toBeLessThan(0.01);
    expect(mouth[0]).toBeCloseTo(S / 2, 6);
    // Mirror pairs (a few) sit at mirrored x and the same y.
    for (const [a, b] of [
      [0, 16],
      [36, 45],
      [39, 42],
      [48, 54],
      [31, 35],
    ] as const) {
      expect(CANONICAL_TEMPLATE[a]![0] + CANONICAL_TEMPLATE[b]![0]).toBeCloseTo(S, 6);
      expect(CANONICAL_TEMPLATE[a]![1]).toBeCloseTo(CANONICAL_TEMPLATE[b]![1], 6);
    }
  });

  it('fits the whole mouth in MOUTH_BOX with room to open', () => {
    const lips = CANONICAL_TEMPLATE.slice(48, 68);
    const xs = lips.map((p) => p[0]);
    const ys = lips.map((p) => p[1]);
    const margin = {
      left: Math.min(...xs) - MOUTH_BOX.x,
      right: MOUTH_BOX.x + MOUTH_BOX.size - Math.max(...xs),
      top: Math.min(...ys) - MOUTH_BOX.y,
      bottom: MOUTH_BOX.y + MOUTH_BOX.size - Math.max(...ys),
    };
    expect(margin.left).toBeGreaterThan(0.2 * MOUTH_BOX.size);
    expect(margin.right).toBeGreaterThan(0.2 * MOUTH_BOX.size);
    // Above the lips the box holds the space up to the nostrils; below, a jaw drop of half a mouth width.
    expect(margin.top).toBeGreaterThan(0.25 * MOUTH_BOX.size);
    expect(CANONICAL_TEMPLATE[33]![1]).toBeGreaterThan(MOUTH_BOX.y);
    expect(margin.bottom).toBeGreaterThan(0.5 * (Math.max(...xs) - Math.min(...xs)));
  });

  it('aligns a face by its stable points only', () => {
    const s = faceAt(12, 2.1, [320, 240]);
    const frame = CANONICAL_TEMPLATE.map((p) => applyToPoint(invert(s), p));
    expectSimilarity(alignToCanonical(frame), s, 9);
    // An open mouth and a dropped jaw move points that the alignment does not use.
    const moving = new Set(ALIGNMENT_POINTS);
    const open = frame.map((p, i): Point => (moving.has(i) ? p : [p[0] + 3, p[1] + 25]));
    expectSimilarity(alignToCanonical(open), s, 9);
    expect(() => alignToCanonical(frame.slice(0, 60))).toThrow();
  });
});

/** An RGB image whose channels are affine in x and y (bilinear interpolation reproduces it), rounded to bytes. */
function gradientImage(width: number, height: number): { data: Uint8Array; width: number; height: number; value: (x: number, y: number, c: number) => number } {
  const value = (x: number, y: number, c: number): number => [20 + 0.3 * x + 0.05 * y, 240 - 0.1 * x - 0.35 * y, 60 + 0.12 * x + 0.2 * y][c]!;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = Math.round(value(x + 0.5, y + 0.5, c));
  return { data, width, height, value };
}

function noiseImage(width: number, height: number, seed: number): { data: Uint8Array; width: number; height: number } {
  const rnd = mulberry32(seed);
  return { data: Uint8Array.from({ length: width * height * 3 }, () => Math.floor(rnd() * 256)), width, height };
}

describe('warpToCanonical and pasteFromCanonical', () => {
  const mask = mouthMask(MOUTH_SIZE);

  it('copies pixels exactly when the crop grid sits on the frame grid', () => {
    const frame = noiseImage(200, 150, 7);
    const s: Similarity = { a: 1, b: 0, tx: -20, ty: -30 };
    const box = { x: 10, y: 5, size: 96 };
    const crop = warpToCanonical(frame, s, box, 96);
    const expected = new Uint8Array(96 * 96 * 3);
    for (let j = 0; j < 96; j++) expected.set(frame.data.subarray(((j + 35) * 200 + 30) * 3, ((j + 35) * 200 + 30 + 96) * 3), j * 96 * 3);
    expect(Buffer.compare(crop, expected)).toBe(0);
    // And back: pasting the unchanged crop leaves every byte as it was.
    const copy = { ...frame, data: frame.data.slice() };
    pasteFromCanonical(copy, crop, s, box, mask);
    expect(Buffer.compare(copy.data, frame.data)).toBe(0);
  });

  it('returns the original pixels inside the mask, rotated and scaled, within rounding', () => {
    const image = gradientImage(640, 480);
    for (const s of [faceAt(9, 1.6, [320, 240]), faceAt(-25, 0.8, [330, 250]), faceAt(180, 1.3, [320, 240])]) {
      const crop = warpToCanonical(image, s, MOUTH_BOX, MOUTH_SIZE);
      // The crop itself samples the smooth image where it should.
      for (const [i, j] of [
        [0, 0],
        [47, 50],
        [95, 95],
      ] as const) {
        const step = MOUTH_BOX.size / MOUTH_SIZE;
        const [x, y] = applyToPoint(invert(s), [MOUTH_BOX.x + (i + 0.5) * step, MOUTH_BOX.y + (j + 0.5) * step]);
        for (let c = 0; c < 3; c++) expect(Math.abs(crop[(j * MOUTH_SIZE + i) * 3 + c]! - image.value(x, y, c))).toBeLessThanOrEqual(1);
      }
      const pasted = { ...image, data: image.data.slice() };
      pasteFromCanonical(pasted, crop, s, MOUTH_BOX, mask);
      let worst = 0;
      for (let i = 0; i < pasted.data.length; i++) worst = Math.max(worst, Math.abs(pasted.data[i]! - image.data[i]!));
      expect(worst).toBeLessThanOrEqual(1);
    }
  });

  it('changes only pixels that map into the box where the mask is above 0', () => {
    const frame = noiseImage(512, 512, 11);
    const s = faceAt(-14, 1.6, [250, 270]);
    const inverse = invert(s);
    // A crop unlike anything in the frame, so that every pixel the blend reaches changes.
    const crop = new Uint8Array(MOUTH_SIZE * MOUTH_SIZE * 3);
    for (let i = 0; i < crop.length; i++) crop[i] = i % 3 === 0 ? 255 : 0;
    const out = { ...frame, data: frame.data.slice() };
    pasteFromCanonical(out, crop, s, MOUTH_BOX, mask);
    const corners = [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ].map(([u, v]) => applyToPoint(inverse, [MOUTH_BOX.x + u! * MOUTH_BOX.size, MOUTH_BOX.y + v! * MOUTH_BOX.size]));
    const k = MOUTH_SIZE / MOUTH_BOX.size;
    const centre = (MOUTH_SIZE - 1) / 2;
    const xs = corners.map((p) => p[0]);
    const ys = corners.map((p) => p[1]);
    let changed = 0;
    let changedOutside = 0;
    let changedBeyondBounds = 0;
    let plateau = 0;
    let plateauNotReplaced = 0;
    for (let y = 0; y < 512; y++) {
      for (let x = 0; x < 512; x++) {
        const [cx, cy] = applyToPoint(s, [x + 0.5, y + 0.5]);
        const u = (cx - MOUTH_BOX.x) * k - 0.5;
        const v = (cy - MOUTH_BOX.y) * k - 0.5;
        const o = (y * 512 + x) * 3;
        const same = out.data[o] === frame.data[o] && out.data[o + 1] === frame.data[o + 1] && out.data[o + 2] === frame.data[o + 2];
        if (!same) {
          changed++;
          // The mask is 0 from the circle through the border pixels' centres outwards; bilinear reads reach 1.5 px further.
          if (Math.hypot(u - centre, v - centre) >= centre + 1.5) changedOutside++;
          if (x < Math.floor(Math.min(...xs)) || x > Math.ceil(Math.max(...xs)) || y < Math.floor(Math.min(...ys)) || y > Math.ceil(Math.max(...ys))) changedBeyondBounds++;
        }
        // Well inside the mask's plateau the crop replaces the frame.
        if (Math.hypot((u - centre) / 0.6, (v - centre) / 0.5) < centre) {
          plateau++;
          if (out.data[o] !== 255 || out.data[o + 1] !== 0 || out.data[o + 2] !== 0) plateauNotReplaced++;
        }
      }
    }
    expect(changedOutside).toBe(0);
    expect(changedBeyondBounds).toBe(0);
    expect(plateauNotReplaced).toBe(0);
    expect(plateau).toBeGreaterThan(1000);
    expect(changed).toBeGreaterThan(plateau);
  });

  it('keeps the frame when the mapped box lies partly or wholly outside it', () => {
    const frame = noiseImage(160, 120, 5);
    const crop = new Uint8Array(MOUTH_SIZE * MOUTH_SIZE * 3).fill(200);
    const off = { ...frame, data: frame.data.slice() };
    pasteFromCanonical(off, crop, faceAt(0, 1, [900, -400]), MOUTH_BOX, mask);
    expect(Buffer.compare(off.data, frame.data)).toBe(0);
    const edge = { ...frame, data: frame.data.slice() };
    pasteFromCanonical(edge, crop, faceAt(0, 1, [150, 20]), MOUTH_BOX, mask);
    expect(Buffer.compare(edge.data, frame.data)).not.toBe(0);
    // The warp repeats edge pixels rather than reading outside the frame.
    const warped = warpToCanonical(frame, faceAt(0, 1, [900, -400]), MOUTH_BOX, MOUTH_SIZE);
    expect(warped.length).toBe(MOUTH_SIZE * MOUTH_SIZE * 3);
  });

  it('refuses a transform without a face and mismatched buffers', () => {
    const frame = noiseImage(64, 64, 1);
    const nan: Similarity = { a: Number.NaN, b: 0, tx: 0, ty: 0 };
    expect(() => warpToCanonical(frame, nan, MOUTH_BOX, MOUTH_SIZE)).toThrow(/no face/);
    expect(() => pasteFromCanonical(frame, new Uint8Array(10), { a: 1, b: 0, tx: 0, ty: 0 }, MOUTH_BOX, mask)).toThrow();
  });
});
