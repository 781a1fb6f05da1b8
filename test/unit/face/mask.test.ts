// Masks over the mouth crop: the blend mask's range, border and shape, and the blanking mask's line against the template's lips.
import { describe, expect, it } from 'vitest';
import { BLANK_FROM, lowerHalfMask, mouthMask } from '../../../main/core/face/mask.js';
import { MOUTH_BOX, MOUTH_SIZE } from '../../../main/core/face/spec.js';
import { CANONICAL_TEMPLATE } from '../../../main/core/face/transform.js';

/** Template landmark k in crop pixels (pixel-centre coordinates) of a size² crop of MOUTH_BOX. */
function inCrop(k: number, size: number): [number, number] {
  const [x, y] = CANONICAL_TEMPLATE[k]!;
  const scale = size / MOUTH_BOX.size;
  return [(x - MOUTH_BOX.x) * scale - 0.5, (y - MOUTH_BOX.y) * scale - 0.5];
}

describe('mouthMask', () => {
  it.each([MOUTH_SIZE, 33, 128])('lies in [0, 1], is 0 on the whole border and 1 in the middle (size %i)', (size) => {
    const m = mouthMask(size);
    expect(m.length).toBe(size * size);
    expect(m.every((v) => v >= 0 && v <= 1)).toBe(true);
    for (let i = 0; i < size; i++) {
      expect(m[i]).toBe(0);
      expect(m[(size - 1) * size + i]).toBe(0);
      expect(m[i * size]).toBe(0);
      expect(m[i * size + size - 1]).toBe(0);
    }
    const c = Math.floor(size / 2);
    expect(m[c * size + c]).toBe(1);
  });

  it('is symmetric and falls smoothly from the middle outwards', () => {
    const size = MOUTH_SIZE;
    const m = mouthMask(size);
    let asymmetry = 0;
    for (let j = 0; j < size; j++) {
      for (let i = 0; i < size; i++) {
        const v = m[j * size + i]!;
        asymmetry = Math.max(asymmetry, Math.abs(v - m[j * size + (size - 1 - i)]!), Math.abs(v - m[(size - 1 - j) * size + i]!));
      }
    }
    expect(asymmetry).toBeLessThan(1e-6);
    // Along the middle row: never rising towards the edge, and no step larger than a seam would show.
    const row = Array.from(m.subarray((size / 2) * size + size / 2, (size / 2 + 1) * size));
    for (let i = 1; i < row.length; i++) {
      expect(row[i]!).toBeLessThanOrEqual(row[i - 1]! + 1e-7);
      expect(row[i - 1]! - row[i]!).toBeLessThan(0.15);
    }
    const partial = Array.from(m).filter((v) => v > 0 && v < 1).length;
    expect(partial).toBeGreaterThan(0.2 * size * size);
  });

  it('keeps the whole mouth of the template at full weight', () => {
    const m = mouthMask(MOUTH_SIZE);
    for (let k = 48; k < 68; k++) {
      const [x, y] = inCrop(k, MOUTH_SIZE);
      expect(m[Math.round(y) * MOUTH_SIZE + Math.round(x)]).toBe(1);
    }
  });

  it('refuses impossible shapes', () => {
    expect(() => mouthMask(2)).toThrow();
    expect(() => mouthMask(96, { semiAxes: [1.2, 0.5] })).toThrow();
  });
});

describe('lowerHalfMask', () => {
  it('keeps the rows above the line and blanks the rest, across the whole width', () => {
    const size = MOUTH_SIZE;
    const m = lowerHalfMask(size);
    const line = Math.round(BLANK_FROM * size);
    for (let j = 0; j < size; j++) {
      const row = m.subarray(j * size, (j + 1) * size);
      expect(row.every((v) => v === (j < line ? 1 : 0))).toBe(true);
    }
    expect(lowerHalfMask(10, 0.5).reduce((s, v) => s + v, 0)).toBe(50);
    expect(() => lowerHalfMask(10, 1.5)).toThrow();
  });

  it('draws the line between the nostrils and the upper lip of the template', () => {
    const line = BLANK_FROM * MOUTH_SIZE;
    expect(inCrop(33, MOUTH_SIZE)[1]).toBeLessThan(line);
    for (let k = 48; k < 68; k++) expect(inCrop(k, MOUTH_SIZE)[1]).toBeGreaterThan(line);
    expect(BLANK_FROM).toBeGreaterThan(0.2);
    expect(BLANK_FROM).toBeLessThan(0.35);
  });
});
