// Image quality of a face region: sharpness (variance of the Laplacian) and brightness (mean luma); pure, any process.
import type { Rect, RgbImage } from './faceapi-pipeline.js';

export interface GrayImage {
  /** Luma 0-255, row-major. */
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
}

export interface ImageQuality {
  /** Variance of the 4-neighbour Laplacian of the luma, at SHARPNESS_SIZE scale (see regionQuality). Higher is sharper. */
  sharpness: number;
  /** Mean luma (BT.601), 0 (black) to 255 (white). */
  brightness: number;
}

/** The region's rows are averaged down by a whole factor to about this height before the Laplacian, so faces of different sizes compare. */
export const SHARPNESS_SIZE = 128;

/** `region` (default: the whole image) clipped to the image and rounded to whole pixels; empty when it lies outside. */
export function clipRegion(image: Pick<RgbImage, 'width' | 'height'>, region?: Rect): { x: number; y: number; width: number; height: number } {
  if (!region) return { x: 0, y: 0, width: image.width, height: image.height };
  const x0 = Math.max(0, Math.floor(region.x));
  const y0 = Math.max(0, Math.floor(region.y));
  const x1 = Math.min(image.width, Math.ceil(region.x + region.width));
  const y1 = Math.min(image.height, Math.ceil(region.y + region.height));
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

function checkImage(image: RgbImage): void {
  if (!Number.isInteger(image.width) || !Number.isInteger(image.height) || image.width <= 0 || image.height <= 0) {
    throw new RangeError(`invalid image size ${image.width}x${image.height}`);
  }
  if (image.data.length !== image.width * image.height * 3) throw new RangeError(`image data has ${image.data.length} bytes, expected ${image.width * image.height * 3} (RGB)`);
}

/**
 * Luma (BT.601: 0.299 R + 0.587 G + 0.114 B) of `region`, averaged over `factor` x `factor` blocks (default 1: every pixel).
 */
export function grayscale(image: RgbImage, region?: Rect, factor = 1): GrayImage {
  checkImage(image);
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`factor must be a positive integer, got ${factor}`);
  const r = clipRegion(image, region);
  const width = Math.floor(r.width / factor);
  const height = Math.floor(r.height / factor);
  const out = new Float32Array(width * height);
  const src = image.data;
  const stride = image.width * 3;
  const norm = 1 / (factor * factor);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) {
        let i = (r.y + y * factor + dy) * stride + (r.x + x * factor) * 3;
        for (let dx = 0; dx < factor; dx++, i += 3) sum += 0.299 * src[i]! + 0.587 * src[i + 1]! + 0.114 * src[i + 2]!;
      }
      out[y * width + x] = sum * norm;
    }
  }
  return { data: out, width, height };
}

/** Variance of the 4-neighbour Laplacian over the interior pixels; 0 for images under 3x3. */
export function laplacianVariance(gray: GrayImage): number {
  const { data, width, height } = gray;
  if (width < 3 || height < 3) return 0;
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    const row = y * width;
    for (let x = 1; x < width - 1; x++) {
      const i = row + x;
      const l = data[i - 1]! + data[i + 1]! + data[i - width]! + data[i + width]! - 4 * data[i]!;
      sum += l;
      sumSq += l * l;
      n++;
    }
  }
  const m = sum / n;
  return Math.max(0, sumSq / n - m * m);
}

/** Mean luma 0-255 of `region` (default the whole image); NaN when the region lies outside the image. */
export function meanLuma(image: RgbImage, region?: Rect): number {
  checkImage(image);
  const r = clipRegion(image, region);
  if (r.width === 0 || r.height === 0) return Number.NaN;
  const src = image.data;
  let sum = 0;
  for (let y = r.y; y < r.y + r.height; y++) {
    let i = (y * image.width + r.x) * 3;
    for (let x = 0; x < r.width; x++, i += 3) sum += 0.299 * src[i]! + 0.587 * src[i + 1]! + 0.114 * src[i + 2]!;
  }
  return sum / (r.width * r.height);
}

/**
 * Sharpness and brightness of `region` (a face box; default the whole image). Sharpness is the variance of the Laplacian
 * of the luma after averaging the region down by floor(height / SHARPNESS_SIZE) (at least 1), so a large face and a small
 * one of equal focus read alike; noise raises it, blur and flat light lower it. NaN for both when the region is empty.
 */
export function regionQuality(image: RgbImage, region?: Rect): ImageQuality {
  const r = clipRegion(image, region);
  if (r.width === 0 || r.height === 0) return { sharpness: Number.NaN, brightness: Number.NaN };
  const factor = Math.max(1, Math.floor(r.height / SHARPNESS_SIZE));
  return { sharpness: laplacianVariance(grayscale(image, r, factor)), brightness: meanLuma(image, r) };
}
