// Face report measures: landmark distance in crop pixels independent of head size, SSIM counting only the mouth.
import { describe, expect, it } from 'vitest';
import { maskedSsim, mouthLandmarkDistance } from '../../../main/core/face/quality.js';
import { MOUTH_BOX, MOUTH_SIZE } from '../../../main/core/face/spec.js';

function landmarks(shiftMouth: number): Float32Array {
  const out = new Float32Array(136);
  for (let p = 0; p < 68; p++) {
    out[2 * p] = 100 + p;
    out[2 * p + 1] = 200 + (p >= 48 ? shiftMouth : 0);
  }
  return out;
}

describe('mouth landmark distance', () => {
  it('is zero for the same mouth and scales with the face to crop pixels', () => {
    const identity = { a: 1, b: 0, tx: 0, ty: 0 };
    expect(mouthLandmarkDistance(landmarks(0), landmarks(0), identity)).toBe(0);
    expect(mouthLandmarkDistance(landmarks(4), landmarks(0), identity)).toBeCloseTo((4 * MOUTH_SIZE) / MOUTH_BOX.size, 6);
    // A face twice as large in the frame (half the scale to canonical) moves its mouth twice as far for the same crop distance.
    expect(mouthLandmarkDistance(landmarks(8), landmarks(0), { a: 0.5, b: 0, tx: 0, ty: 0 })).toBeCloseTo((4 * MOUTH_SIZE) / MOUTH_BOX.size, 6);
  });
});

describe('masked SSIM', () => {
  const size = 32;
  const image = (f: (x: number, y: number) => number) => {
    const out = new Uint8Array(size * size * 3);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) out.fill(f(x, y), 3 * (y * size + x), 3 * (y * size + x) + 3);
    return out;
  };
  const texture = image((x, y) => 128 + 60 * Math.sin(x / 2) * Math.cos(y / 3));
  const top = new Float32Array(size * size).map((_, i) => (i < (size * size) / 2 ? 1 : 0));

  it('is 1 for identical crops and lower where they differ inside the mask', () => {
    expect(maskedSsim(texture, texture, top, size)).toBeCloseTo(1, 9);
    const damaged = image((x, y) => (y < size / 2 ? 128 : 128 + 60 * Math.sin(x / 2) * Math.cos(y / 3)));
    expect(maskedSsim(texture, damaged, top, size)).toBeLessThan(0.5);
  });

  it('ignores differences outside the mask', () => {
    const bottomChanged = image((x, y) => (y < size / 2 - 4 ? 128 + 60 * Math.sin(x / 2) * Math.cos(y / 3) : 20));
    const upper = new Float32Array(size * size).map((_, i) => (Math.floor(i / size) < size / 2 - 8 ? 1 : 0));
    expect(maskedSsim(texture, bottomChanged, upper, size)).toBeCloseTo(1, 9);
    expect(() => maskedSsim(texture, texture, new Float32Array(3), size)).toThrow(/match/);
  });
});
