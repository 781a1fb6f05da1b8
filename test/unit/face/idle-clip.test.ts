// Cutting the idle loop: crop coordinates map to the canonical face as the frame did, and the square stays inside the frame.
import { describe, expect, it } from 'vitest';
import { buildIdleClip, cropSquare, cropTransform } from '../../../main/core/face/idle-clip.js';
import { applyToPoint } from '../../../main/core/face/transform.js';

describe('idle clip', () => {
  it('composes the crop with the frame transform', () => {
    const s = { a: 0.8, b: 0.1, tx: -20, ty: 15 };
    const c = cropTransform(s, 30, 40, 0.5);
    for (const [u, v] of [
      [0, 0],
      [100, 50],
      [511, 511],
    ] as const) {
      expect(applyToPoint(c, [u, v])).toEqual(applyToPoint(s, [30 + 0.5 * u, 40 + 0.5 * v]).map((x) => expect.closeTo(x, 9)));
    }
  });

  it('resamples a square of the frame, and keeps a too-large square inside it', () => {
    const frame = { data: new Uint8Array(64 * 48 * 3).map((_, i) => Math.floor(i / 3) % 64), width: 64, height: 48 };
    const same = cropSquare(frame, 0, 0, 48, 48);
    expect(same[3 * 10]).toBe(10);
    const landmarks = new Float32Array(136 * 2);
    for (let f = 0; f < 2; f++) {
      for (let p = 0; p < 68; p++) {
        landmarks[f * 136 + 2 * p] = 20 + (p % 17) * 2;
        landmarks[f * 136 + 2 * p + 1] = 10 + Math.floor(p / 17) * 8;
      }
    }
    const transforms = new Float32Array(8).fill(0).map((_, i) => [1, 0, 0, 0][i % 4]!);
    const take = { frames: 2, width: 64, height: 48, landmarks, transforms, mouths: new Uint8Array(0), audio: new Float32Array(0), openness: new Float32Array(2) };
    const clip = buildIdleClip([frame, frame], take, { take: 0, start: 0, length: 2, score: 0 }, 32);
    expect(clip.frames).toHaveLength(2);
    expect(clip.mouths).toHaveLength(2);
    expect(clip.transforms).toHaveLength(8);
    // The face is 32 px wide: 1.9x would be 61 px; the square is cut to the frame's 48 px height, inside it.
    expect(clip.transforms[0]).toBeCloseTo(48 / 32, 9);
    expect(() => buildIdleClip([frame], take, { take: 0, start: 0, length: 2, score: 0 }, 32)).toThrow(/needs frame 1/);
  });
});
