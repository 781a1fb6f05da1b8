// Masks over the square mouth crop: the soft blend mask for pasting a drawn mouth back, and the blanking mask for the network's "current frame" input; pure, main process and workers.
import { MOUTH_BOX } from './spec.js';
import { CANONICAL_TEMPLATE } from './transform.js';

export interface MouthMaskOptions {
  /**
   * Semi-axes of the ellipse where the weight is 1, as fractions of the crop's half-side; default 0.7 across, 0.6 down.
   * In MOUTH_BOX that holds the mouth corners (±0.55), the upper lip and the chin of the template; the rest of the crop
   * is the falloff, wide enough (a fifth to a third of the half-side) that the seam does not show.
   */
  readonly semiAxes?: readonly [number, number];
}

/**
 * Blend weights over a size² crop, row-major: 1 inside an ellipse centred in the crop, falling with a half cosine
 * along each ray from the centre to 0 at the crop's inscribed circle through the border pixels' centres, 0 outside.
 * Every border pixel has weight 0, so a pasted crop shows no box edge.
 */
export function mouthMask(size: number, options: MouthMaskOptions = {}): Float32Array {
  const [ax, ay] = options.semiAxes ?? [0.7, 0.6];
  if (!Number.isInteger(size) || size < 3) throw new Error(`mask size must be an integer ≥ 3, got ${size}`);
  if (!(ax > 0 && ax < 1 && ay > 0 && ay < 1)) throw new Error(`semi-axes must lie in (0, 1), got ${ax}, ${ay}`);
  const half = (size - 1) / 2;
  const mask = new Float32Array(size * size);
  for (let j = 0; j < size; j++) {
    const v = (j - half) / half;
    for (let i = 0; i < size; i++) {
      const u = (i - half) / half;
      const d = Math.hypot(u, v);
      if (d === 0) {
        mask[j * size + i] = 1;
        continue;
      }
      // Where this ray leaves the inner ellipse; the outer edge is the unit circle.
      const inner = 1 / Math.hypot(u / d / ax, v / d / ay);
      const t = (d - inner) / (1 - inner);
      mask[j * size + i] = t <= 0 ? 1 : t >= 1 ? 0 : 0.5 * (1 + Math.cos(Math.PI * t));
    }
  }
  return mask;
}

/**
 * Where the blanking starts, as a fraction of the crop from the top: halfway between the template's nostril base (33)
 * and the top of its upper lip (50-52), about 0.27. Below that line lies everything that moves with speech; above it
 * only the nose, which tells the network where the face is.
 */
export const BLANK_FROM = ((CANONICAL_TEMPLATE[33]![1] + Math.min(CANONICAL_TEMPLATE[50]![1], CANONICAL_TEMPLATE[51]![1], CANONICAL_TEMPLATE[52]![1])) / 2 - MOUTH_BOX.y) / MOUTH_BOX.size;

/**
 * Keep-weights for the network's "masked current frame" input, size² row-major: 1 for rows above `from`·size, 0 for
 * the rows from there down (the mouth, lips and chin), across the whole width as in Wav2Lip's lower-half masking, so
 * that the input gives head pose, skin and light but nothing of the mouth's shape to copy.
 */
export function lowerHalfMask(size: number, from: number = BLANK_FROM): Float32Array {
  if (!Number.isInteger(size) || size < 1) throw new Error(`mask size must be a positive integer, got ${size}`);
  if (!(from >= 0 && from <= 1)) throw new Error(`the blanking line must lie in [0, 1], got ${from}`);
  const mask = new Float32Array(size * size);
  mask.fill(1, 0, Math.round(from * size) * size);
  return mask;
}
