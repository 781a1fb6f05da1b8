// Face alignment geometry: least-squares similarity fits, the canonical 68-point template, and warping between frame and canonical crops; pure, main process and workers.
import type { Similarity } from './spec.js';
import type { RgbImage } from '../vision/tracker.js';

export type Point = readonly [number, number];
/** Points as [x, y] pairs, or x, y interleaved (a Float32Array row of a take's landmarks). */
export type Points = readonly Point[] | ArrayLike<number>;
/** A square region of the canonical frame: top-left corner and side, canonical pixels (MOUTH_BOX is one). */
export interface CanonicalBox {
  readonly x: number;
  readonly y: number;
  readonly size: number;
}

/**
 * 68 landmarks (iBUG 300-W order) of a mean frontal face in the canonical frame (CANONICAL_SIZE = 256, S below).
 *
 * Derived once from the tracker's landmarks on the face-api sample photos: the 8 faces there with |yaw| < 22° and
 * |pitch| < 15° (estimatePose), among them the test creator's rest pose, each scaled so that the eye centres sit at
 * (0.33·S, 0.38·S) and (0.67·S, 0.38·S); averaged together with their mirror images (so the template is symmetric
 * about x = S/2 and yaw biases cancel), then fitted by one similarity to eye centres (0.33·S, 0.38·S), (0.67·S, 0.38·S)
 * and mouth centre (0.5·S, 0.73·S). Result: eye centres at y 96.4, x 86.5 and 169.5; mouth centre (128, 188.7); mouth
 * corners x 93-163; nostril base y 163.5; chin y 241.5 — MOUTH_BOX (x 64-192, y 136-264) holds the mouth with 29 px
 * either side, 42 px above the upper lip and 58 px below the lower one (room for the jaw to drop).
 */
export const CANONICAL_TEMPLATE: readonly Point[] = Object.freeze(
  [
    [33.7, 91.9], [34.9, 116.9], [39.2, 140.4], [44.5, 161.3], [53.8, 184.4], [67.1, 203.6], [82.4, 218.1], [100.9, 233.2], [128, 241.5],
    [155.1, 233.2], [173.6, 218.1], [188.9, 203.6], [202.2, 184.4], [211.5, 161.3], [216.8, 140.4], [221.1, 116.9], [222.3, 91.9],
    [52.4, 74.4], [63.7, 67.7], [78.9, 67.1], [92.5, 70], [105, 75.2], [151, 75.2], [163.5, 70], [177.1, 67.1], [192.3, 67.7], [203.6, 74.4],
    [128, 102.1], [128, 120.2], [128, 137.3], [128, 152.6], [112, 158.4], [119.3, 161.3], [128, 163.5], [136.7, 161.3], [144, 158.4],
    [70.8, 95.3], [79.5, 90.8], [92.5, 90.8], [103.3, 98.5], [93.2, 101.6], [79.9, 101.2],
    [152.7, 98.5], [163.5, 90.8], [176.5, 90.8], [185.2, 95.3], [176.1, 101.2], [162.8, 101.6],
    [93, 183.9], [105.3, 180.6], [120.2, 177.6], [128, 179.4], [135.8, 177.6], [150.7, 180.6], [163, 183.9], [150.4, 197.4], [139.1, 203.8],
    [128, 205.8], [116.9, 203.8], [105.6, 197.4], [96.2, 184.2], [117.5, 185.3], [128, 185.6], [138.5, 185.3], [159.8, 184.2], [138.2, 192.4],
    [128, 193.3], [117.8, 192.4],
  ] as const,
);

/**
 * Landmarks that move with the skull, not with speech or expression: the eye corners (36, 39, 42, 45) and the nose
 * (27-35). The jaw line and the mouth follow the mouth's opening, the brows follow expression.
 */
export const ALIGNMENT_POINTS: readonly number[] = Object.freeze([27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 39, 42, 45]);

const NAN_SIMILARITY: Similarity = Object.freeze({ a: Number.NaN, b: Number.NaN, tx: Number.NaN, ty: Number.NaN });

/** Points as interleaved x, y values. */
export function interleaved(points: Points): ArrayLike<number> {
  if (points.length === 0 || typeof points[0] === 'number') return points as ArrayLike<number>;
  return (points as readonly Point[]).flat();
}

/**
 * The similarity (rotation, uniform scale, translation; no reflection) that maps `from` onto `to` with the least
 * (weighted) squared error: Umeyama's closed form, which in 2D is a complex-number regression of the centred points.
 * Pairs with a non-finite coordinate or weight are left out; with fewer than two distinct points left, every field is NaN.
 */
export function fitSimilarity(from: Points, to: Points, weights?: ArrayLike<number>): Similarity {
  const p = interleaved(from);
  const q = interleaved(to);
  if (p.length !== q.length || p.length % 2 !== 0) throw new Error(`fitSimilarity: ${p.length / 2} points onto ${q.length / 2}`);
  const n = p.length / 2;
  if (weights && weights.length !== n) throw new Error(`fitSimilarity: ${weights.length} weights for ${n} points`);
  const w = (i: number): number => {
    const wi = weights ? weights[i]! : 1;
    return Number.isFinite(wi) && wi > 0 && Number.isFinite(p[2 * i]! + p[2 * i + 1]! + q[2 * i]! + q[2 * i + 1]!) ? wi : 0;
  };
  let total = 0;
  let px = 0;
  let py = 0;
  let qx = 0;
  let qy = 0;
  for (let i = 0; i < n; i++) {
    const wi = w(i);
    if (wi === 0) continue;
    total += wi;
    px += wi * p[2 * i]!;
    py += wi * p[2 * i + 1]!;
    qx += wi * q[2 * i]!;
    qy += wi * q[2 * i + 1]!;
  }
  if (total === 0) return NAN_SIMILARITY;
  px /= total;
  py /= total;
  qx /= total;
  qy /= total;
  let spp = 0;
  let dot = 0;
  let cross = 0;
  for (let i = 0; i < n; i++) {
    const wi = w(i);
    if (wi === 0) continue;
    const x = p[2 * i]! - px;
    const y = p[2 * i + 1]! - py;
    const u = q[2 * i]! - qx;
    const v = q[2 * i + 1]! - qy;
    spp += wi * (x * x + y * y);
    dot += wi * (x * u + y * v);
    cross += wi * (x * v - y * u);
  }
  // Relative to the spread of the points, a zero spread means every point coincides: no rotation or scale to find.
  if (!(spp > 1e-12 * total * (1 + px * px + py * py))) return NAN_SIMILARITY;
  const a = dot / spp;
  const b = cross / spp;
  return { a, b, tx: qx - (a * px - b * py), ty: qy - (b * px + a * py) };
}

/** The frame → canonical transform of one face: its stable landmarks (ALIGNMENT_POINTS) fitted to the template's. */
export function alignToCanonical(landmarks: Points): Similarity {
  const all = interleaved(landmarks);
  if (all.length !== 136) throw new Error(`alignToCanonical: expected 68 landmarks, got ${all.length / 2}`);
  const from = new Float64Array(2 * ALIGNMENT_POINTS.length);
  const to = new Float64Array(2 * ALIGNMENT_POINTS.length);
  ALIGNMENT_POINTS.forEach((k, i) => {
    from[2 * i] = all[2 * k]!;
    from[2 * i + 1] = all[2 * k + 1]!;
    to[2 * i] = CANONICAL_TEMPLATE[k]![0];
    to[2 * i + 1] = CANONICAL_TEMPLATE[k]![1];
  });
  return fitSimilarity(from, to);
}

export function invert(s: Similarity): Similarity {
  const d = s.a * s.a + s.b * s.b;
  return { a: s.a / d, b: -s.b / d, tx: -(s.a * s.tx + s.b * s.ty) / d, ty: (s.b * s.tx - s.a * s.ty) / d };
}

export function applyToPoint(s: Similarity, p: Point): Point {
  return [s.a * p[0] - s.b * p[1] + s.tx, s.b * p[0] + s.a * p[1] + s.ty];
}

/** The scale factor of a similarity (canonical pixels per frame pixel for a frame → canonical transform). */
export function scaleOf(s: Similarity): number {
  return Math.hypot(s.a, s.b);
}

function checkBox(box: CanonicalBox, size: number): void {
  if (!(box.size > 0)) throw new Error(`box side must be positive, got ${box.size}`);
  if (!Number.isInteger(size) || size < 1) throw new Error(`crop size must be a positive integer, got ${size}`);
}

function checkTransform(s: Similarity): void {
  if (![s.a, s.b, s.tx, s.ty].every(Number.isFinite) || s.a * s.a + s.b * s.b === 0) throw new Error('the transform is not usable (NaN or zero scale): no face in this frame');
}

/**
 * The region `box` of the canonical frame, as seen in `frame` through `s` (frame → canonical), resampled to an
 * outSize² RGB crop. Pixel centres are at integer + 0.5 in both frames; positions outside the frame take the nearest
 * edge pixel. Each output pixel is the mean of k×k bilinear samples spread over its footprint, k = ⌈frame pixels per
 * crop pixel⌉: plain bilinear when the crop is as fine as the frame or finer, and no aliasing when it shrinks the face.
 */
export function warpToCanonical(frame: RgbImage, s: Similarity, box: CanonicalBox, outSize: number, out: Uint8Array = new Uint8Array(outSize * outSize * 3)): Uint8Array {
  checkBox(box, outSize);
  checkTransform(s);
  if (out.length !== outSize * outSize * 3) throw new Error(`warpToCanonical: out holds ${out.length} bytes, needs ${outSize * outSize * 3}`);
  const inv = invert(s);
  const step = box.size / outSize;
  // Frame pixels per crop pixel, less a hair so that an exact 1:1 stays plain bilinear.
  const k = Math.max(1, Math.ceil(step / scaleOf(s) - 1e-9));
  const sub = step / k;
  // Frame-position steps for one sub-sample along the canonical x and y axes; positions are relative to pixel centres.
  const xx = inv.a * sub;
  const xy = inv.b * sub;
  const yx = -inv.b * sub;
  const yy = inv.a * sub;
  const cx = box.x + sub / 2;
  const cy = box.y + sub / 2;
  const fx0 = inv.a * cx - inv.b * cy + inv.tx - 0.5;
  const fy0 = inv.b * cx + inv.a * cy + inv.ty - 0.5;
  const { data, width, height } = frame;
  const maxX = width - 1;
  const maxY = height - 1;
  const norm = 1 / (k * k);
  const samples = outSize * k;
  const sums = new Float64Array(outSize * 3);
  let o = 0;
  for (let j = 0; j < outSize; j++) {
    sums.fill(0);
    for (let row = j * k; row < (j + 1) * k; row++) {
      let fx = fx0 + row * yx;
      let fy = fy0 + row * yy;
      for (let col = 0; col < samples; col++, fx += xx, fy += xy) {
        // Outside the frame the edge pixels repeat.
        const x = fx < 0 ? 0 : fx > maxX ? maxX : fx;
        const y = fy < 0 ? 0 : fy > maxY ? maxY : fy;
        const x0 = x | 0;
        const y0 = y | 0;
        const dx = x - x0;
        const dy = y - y0;
        const p = (y0 * width + x0) * 3;
        const right = x0 < maxX ? 3 : 0;
        const down = y0 < maxY ? width * 3 : 0;
        const w00 = (1 - dx) * (1 - dy);
        const w10 = dx * (1 - dy);
        const w01 = (1 - dx) * dy;
        const w11 = dx * dy;
        const a = ((col / k) | 0) * 3;
        sums[a] = sums[a]! + data[p]! * w00 + data[p + right]! * w10 + data[p + down]! * w01 + data[p + right + down]! * w11;
        sums[a + 1] = sums[a + 1]! + data[p + 1]! * w00 + data[p + right + 1]! * w10 + data[p + down + 1]! * w01 + data[p + right + down + 1]! * w11;
        sums[a + 2] = sums[a + 2]! + data[p + 2]! * w00 + data[p + right + 2]! * w10 + data[p + down + 2]! * w01 + data[p + right + down + 2]! * w11;
      }
    }
    // Storing into a Uint8Array truncates: + 0.5 rounds (the values are never negative).
    for (let i = 0; i < outSize * 3; i++) out[o++] = sums[i]! * norm + 0.5;
  }
  return out;
}

/**
 * The inverse of warpToCanonical, in place: every pixel of `frame` whose centre maps (through `s`) into `box` is
 * blended towards the crop there (bilinear) by the mask's weight there (bilinear, 0-1). Pixels where the weight is 0,
 * and all pixels outside the mapped box, keep their bytes. `crop` is size²·3 RGB and `mask` size², for any size.
 * Only the bounding rectangle of the mapped box is visited.
 */
export function pasteFromCanonical(frame: RgbImage, crop: Uint8Array, s: Similarity, box: CanonicalBox, mask: Float32Array): void {
  checkTransform(s);
  const size = Math.round(Math.sqrt(mask.length));
  checkBox(box, size);
  if (size * size !== mask.length) throw new Error(`pasteFromCanonical: the mask holds ${mask.length} values, not a square`);
  if (crop.length !== size * size * 3) throw new Error(`pasteFromCanonical: the crop holds ${crop.length} bytes, the ${size}² mask needs ${size * size * 3}`);
  const { data, width, height } = frame;
  const inv = invert(s);
  const corners = [
    applyToPoint(inv, [box.x, box.y]),
    applyToPoint(inv, [box.x + box.size, box.y]),
    applyToPoint(inv, [box.x, box.y + box.size]),
    applyToPoint(inv, [box.x + box.size, box.y + box.size]),
  ];
  const xFrom = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[0]))));
  const xTo = Math.min(width - 1, Math.ceil(Math.max(...corners.map((p) => p[0]))));
  const yFrom = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[1]))));
  const yTo = Math.min(height - 1, Math.ceil(Math.max(...corners.map((p) => p[1]))));
  // Crop coordinates (relative to crop pixel centres) change linearly along a frame row; the box is −0.5 ≤ u, v < size − 0.5.
  const k = size / box.size;
  const du = s.a * k;
  const dv = s.b * k;
  const lo = -0.5;
  const hi = size - 0.5;
  const last = size - 1;
  for (let y = yFrom; y <= yTo; y++) {
    const u0 = (s.a * (xFrom + 0.5) - s.b * (y + 0.5) + s.tx - box.x) * k - 0.5;
    const v0 = (s.b * (xFrom + 0.5) + s.a * (y + 0.5) + s.ty - box.y) * k - 0.5;
    // The run of this row inside the box, as steps from xFrom (rounded outwards; the test below is exact).
    let first = 0;
    let end = xTo - xFrom;
    for (const [start, d] of [
      [u0, du],
      [v0, dv],
    ] as const) {
      if (d === 0) {
        if (start < lo || start >= hi) end = -1;
        continue;
      }
      const a = (lo - start) / d;
      const b = (hi - start) / d;
      first = Math.max(first, Math.floor(Math.min(a, b)));
      end = Math.min(end, Math.ceil(Math.max(a, b)));
    }
    for (let t = first; t <= end; t++) {
      const u = u0 + du * t;
      const v = v0 + dv * t;
      if (u < lo || v < lo || u >= hi || v >= hi) continue;
      const fu = u < 0 ? 0 : u > last ? last : u;
      const fv = v < 0 ? 0 : v > last ? last : v;
      const iu = fu | 0;
      const iv = fv | 0;
      const au = fu - iu;
      const av = fv - iv;
      const m = iv * size + iu;
      const right = iu < last ? 1 : 0;
      const down = iv < last ? size : 0;
      const w00 = (1 - au) * (1 - av);
      const w10 = au * (1 - av);
      const w01 = (1 - au) * av;
      const w11 = au * av;
      const weight = mask[m]! * w00 + mask[m + right]! * w10 + mask[m + down]! * w01 + mask[m + right + down]! * w11;
      if (!(weight > 0)) continue;
      const wt = weight < 1 ? weight : 1;
      const p00 = m * 3;
      const p10 = p00 + right * 3;
      const p01 = p00 + down * 3;
      const p11 = p10 + down * 3;
      const o = (y * width + xFrom + t) * 3;
      const r = crop[p00]! * w00 + crop[p10]! * w10 + crop[p01]! * w01 + crop[p11]! * w11;
      const g = crop[p00 + 1]! * w00 + crop[p10 + 1]! * w10 + crop[p01 + 1]! * w01 + crop[p11 + 1]! * w11;
      const b = crop[p00 + 2]! * w00 + crop[p10 + 2]! * w10 + crop[p01 + 2]! * w01 + crop[p11 + 2]! * w11;
      // A blend of two bytes stays within 0-255, so + 0.5 and the store's truncation round it.
      data[o] = data[o]! + (r - data[o]!) * wt + 0.5;
      data[o + 1] = data[o + 1]! + (g - data[o + 1]!) * wt + 0.5;
      data[o + 2] = data[o + 2]! + (b - data[o + 2]!) * wt + 0.5;
    }
  }
}
