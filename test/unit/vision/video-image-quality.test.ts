// Sharpness (variance of the Laplacian) and brightness (mean luma) on synthetic images.
import { describe, expect, it } from 'vitest';
import { clipRegion, grayscale, laplacianVariance, meanLuma, regionQuality } from '../../../main/core/vision/image-quality.js';
import type { RgbImage } from '../../../main/core/vision/tracker.js';

/** A textured grey image: checker squares plus deterministic noise, like skin texture and edges. */
function textured(width: number, height: number, seed = 1): RgbImage {
  const data = new Uint8Array(width * height * 3);
  let s = seed;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const v = ((x >> 3) + (y >> 3)) % 2 ? 170 : 90;
      const value = Math.max(0, Math.min(255, v + ((s >>> 24) - 128) / 4));
      data.set([value, value * 0.9, value * 0.8], (y * width + x) * 3);
    }
  }
  return { data, width, height };
}

/** Box blur of radius r, per channel. */
function blur(image: RgbImage, r: number): RgbImage {
  const { width, height } = image;
  const out = new Uint8Array(image.data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        let n = 0;
        for (let dy = -r; dy <= r; dy++) {
          for (let dx = -r; dx <= r; dx++) {
            const xx = Math.min(width - 1, Math.max(0, x + dx));
            const yy = Math.min(height - 1, Math.max(0, y + dy));
            sum += image.data[(yy * width + xx) * 3 + c]!;
            n++;
          }
        }
        out[(y * width + x) * 3 + c] = Math.round(sum / n);
      }
    }
  }
  return { data: out, width, height };
}

function scaled(image: RgbImage, factor: number): RgbImage {
  return { ...image, data: image.data.map((v) => Math.round(v * factor)) };
}

function flat(width: number, height: number, rgb: [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(rgb, i);
  return { data, width, height };
}

describe('sharpness', () => {
  it('a blurred image is less sharp than the sharp one, and more blur is less sharp still', () => {
    const sharp = textured(96, 96);
    const a = regionQuality(sharp).sharpness;
    const b = regionQuality(blur(sharp, 1)).sharpness;
    const c = regionQuality(blur(sharp, 3)).sharpness;
    expect(a).toBeGreaterThan(2 * b);
    expect(b).toBeGreaterThan(c);
  });

  it('is zero for a flat image and the Laplacian variance of a known pattern', () => {
    expect(regionQuality(flat(20, 20, [100, 100, 100])).sharpness).toBe(0);
    // A single bright pixel in 5x5 flat: Laplacians over the 3x3 interior are -400 at the centre, +100 at its 4 neighbours, 0 elsewhere.
    const data = new Float32Array(25);
    data[12] = 100;
    const l = [-400, 100, 100, 100, 100, 0, 0, 0, 0];
    const m = l.reduce((a, b) => a + b) / 9;
    const expected = l.reduce((a, b) => a + (b - m) ** 2, 0) / 9;
    expect(laplacianVariance({ data, width: 5, height: 5 })).toBeCloseTo(expected, 3);
    expect(laplacianVariance({ data: new Float32Array(4), width: 2, height: 2 })).toBe(0);
  });

  it('measures only the region, averaged down for big regions', () => {
    const image = textured(300, 300);
    // Left half textured, right half flat.
    for (let y = 0; y < 300; y++) image.data.fill(128, (y * 300 + 150) * 3, (y * 300 + 300) * 3);
    expect(regionQuality(image, { x: 160, y: 10, width: 120, height: 120 }).sharpness).toBe(0);
    expect(regionQuality(image, { x: 10, y: 10, width: 120, height: 120 }).sharpness).toBeGreaterThan(10);
    expect(grayscale(image, { x: 0, y: 0, width: 300, height: 300 }, 2).width).toBe(150);
  });
});

describe('brightness', () => {
  it('reads mean luma 0-255: black, white, grey and BT.601 weights', () => {
    expect(meanLuma(flat(8, 8, [0, 0, 0]))).toBe(0);
    expect(meanLuma(flat(8, 8, [255, 255, 255]))).toBeCloseTo(255, 6);
    expect(meanLuma(flat(8, 8, [128, 128, 128]))).toBeCloseTo(128, 6);
    expect(meanLuma(flat(8, 8, [255, 0, 0]))).toBeCloseTo(0.299 * 255, 6);
    expect(meanLuma(flat(8, 8, [0, 255, 0]))).toBeCloseTo(0.587 * 255, 6);
  });

  it('a darkened image reads dark', () => {
    const image = textured(64, 64);
    const normal = regionQuality(image).brightness;
    const dark = regionQuality(scaled(image, 0.25)).brightness;
    expect(normal).toBeGreaterThan(90);
    expect(dark).toBeLessThan(40);
    expect(dark).toBeCloseTo(normal * 0.25, 0);
  });

  it('clips regions to the image; an outside region gives NaN', () => {
    const image = flat(10, 10, [50, 50, 50]);
    expect(clipRegion(image, { x: -5, y: 8, width: 10, height: 10 })).toEqual({ x: 0, y: 8, width: 5, height: 2 });
    expect(meanLuma(image, { x: -5, y: -5, width: 8, height: 8 })).toBeCloseTo(50, 6);
    const outside = regionQuality(image, { x: 20, y: 20, width: 5, height: 5 });
    expect(outside.brightness).toBeNaN();
    expect(outside.sharpness).toBeNaN();
    expect(() => meanLuma({ data: new Uint8Array(5), width: 2, height: 2 })).toThrow(RangeError);
  });
});
