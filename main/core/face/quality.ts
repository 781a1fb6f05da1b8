// Mouth quality measures for the face report: landmark distance at crop scale and SSIM inside the mouth mask; workers. No I/O.
import { MOUTH_BOX, MOUTH_SIZE, type Similarity } from './spec.js';

/** iBUG 68-point indices of the mouth (outer and inner lips). */
export const MOUTH_POINTS = Array.from({ length: 20 }, (_, i) => 48 + i);

/**
 * Mean distance between the mouth landmarks of two faces, in mouth-crop pixels: both sets are mapped to canonical
 * coordinates by the reference frame's transform (so head size and position do not count), then scaled to the crop.
 */
export function mouthLandmarkDistance(rendered: ArrayLike<number>, real: ArrayLike<number>, toCanonical: Similarity): number {
  const scale = (Math.hypot(toCanonical.a, toCanonical.b) * MOUTH_SIZE) / MOUTH_BOX.size;
  let sum = 0;
  for (const p of MOUTH_POINTS) sum += Math.hypot(rendered[2 * p]! - real[2 * p]!, rendered[2 * p + 1]! - real[2 * p + 1]!) * scale;
  return sum / MOUTH_POINTS.length;
}

const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;
const WINDOW = 7;

function luma(rgb: Uint8Array, size: number): Float64Array {
  const out = new Float64Array(size * size);
  for (let i = 0; i < out.length; i++) out[i] = 0.299 * rgb[3 * i]! + 0.587 * rgb[3 * i + 1]! + 0.114 * rgb[3 * i + 2]!;
  return out;
}

/**
 * Structural similarity (Wang et al. 2004) of two square RGB crops on luma, over 7×7 windows, averaged with the mask's
 * weight at each window's centre, so only the mouth counts. 1 means identical.
 */
export function maskedSsim(a: Uint8Array, b: Uint8Array, mask: Float32Array, size = MOUTH_SIZE): number {
  if (a.length !== size * size * 3 || b.length !== a.length || mask.length !== size * size) throw new RangeError('maskedSsim: crops and mask must match the size');
  const x = luma(a, size);
  const y = luma(b, size);
  const r = WINDOW >> 1;
  let total = 0;
  let weight = 0;
  for (let cy = r; cy < size - r; cy++) {
    for (let cx = r; cx < size - r; cx++) {
      const w = mask[cy * size + cx]!;
      if (w <= 0) continue;
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          const i = (cy + dy) * size + cx + dx;
          const u = x[i]!;
          const v = y[i]!;
          sx += u;
          sy += v;
          sxx += u * u;
          syy += v * v;
          sxy += u * v;
        }
      }
      const n = WINDOW * WINDOW;
      const mx = sx / n;
      const my = sy / n;
      const vx = sxx / n - mx * mx;
      const vy = syy / n - my * my;
      const cov = sxy / n - mx * my;
      total += (w * ((2 * mx * my + C1) * (2 * cov + C2))) / ((mx * mx + my * my + C1) * (vx + vy + C2));
      weight += w;
    }
  }
  return weight > 0 ? total / weight : Number.NaN;
}
