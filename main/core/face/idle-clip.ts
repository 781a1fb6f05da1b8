// Cuts the idle loop out of its take: a fixed square around the face at the render size, with each frame's transform to the canonical face; training worker.
import type { IdleChoice } from './idle.js';
import type { PreparedFaceTake, Similarity } from './spec.js';
import { MOUTH_BOX, MOUTH_SIZE } from './spec.js';
import { warpToCanonical } from './transform.js';

/** Output frames are square at this size: large enough for a talking head, small enough to render faster than real time. */
export const RENDER_SIZE = 512;
/** The square's side over the face's width (jaw to jaw): head, hair and some shoulder. */
const FRAME_OVER_FACE = 1.9;

export interface IdleClip {
  size: number;
  length: number;
  /** Crop → canonical transform per idle frame (a, b, tx, ty interleaved). */
  transforms: number[];
  frames: Uint8Array[];
  /** The idle frames' own mouths (MOUTH_SIZE² RGB): the renderer's resting mouth and the report's first baseline. */
  mouths: Uint8Array[];
}

/** The transform of crop pixels, where crop (u, v) is frame (x0 + k·u, y0 + k·v), to canonical coordinates. */
export function cropTransform(s: Similarity, x0: number, y0: number, k: number): Similarity {
  return { a: s.a * k, b: s.b * k, tx: s.a * x0 - s.b * y0 + s.tx, ty: s.b * x0 + s.a * y0 + s.ty };
}

/** Bilinear resample of the square [x0, x0 + side)² of the frame (edges repeated) into a size² RGB image. */
export function cropSquare(frame: { data: Uint8Array; width: number; height: number }, x0: number, y0: number, side: number, size: number): Uint8Array {
  const out = new Uint8Array(size * size * 3);
  const k = side / size;
  const { data, width, height } = frame;
  for (let v = 0; v < size; v++) {
    const fy = Math.min(height - 1, Math.max(0, y0 + (v + 0.5) * k - 0.5));
    const y1 = Math.floor(fy);
    const y2 = Math.min(height - 1, y1 + 1);
    const wy = fy - y1;
    for (let u = 0; u < size; u++) {
      const fx = Math.min(width - 1, Math.max(0, x0 + (u + 0.5) * k - 0.5));
      const x1 = Math.floor(fx);
      const x2 = Math.min(width - 1, x1 + 1);
      const wx = fx - x1;
      for (let c = 0; c < 3; c++) {
        const top = data[(y1 * width + x1) * 3 + c]! * (1 - wx) + data[(y1 * width + x2) * 3 + c]! * wx;
        const bottom = data[(y2 * width + x1) * 3 + c]! * (1 - wx) + data[(y2 * width + x2) * 3 + c]! * wx;
        out[(v * size + u) * 3 + c] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return out;
}

export function buildIdleClip(frames: readonly { data: Uint8Array; width: number; height: number }[], take: PreparedFaceTake, choice: IdleChoice, size = RENDER_SIZE): IdleClip {
  // One square for the whole stretch, so the background stays still: centred on the face's mean position.
  let cx = 0;
  let cy = 0;
  let faceWidth = 0;
  for (let f = choice.start; f < choice.start + choice.length; f++) {
    const l = take.landmarks.subarray(f * 136, (f + 1) * 136);
    cx += (l[0]! + l[32]!) / 2;
    cy += (l[2 * 27 + 1]! + l[2 * 8 + 1]!) / 2;
    faceWidth += Math.hypot(l[32]! - l[0]!, l[33]! - l[1]!);
  }
  cx /= choice.length;
  cy /= choice.length;
  const first = frames[choice.start];
  if (!first) throw new Error(`the idle stretch starts at frame ${choice.start}, but the take's video has ${frames.length}`);
  // Inside the frame: repeated edge pixels would streak the background.
  const side = Math.min((FRAME_OVER_FACE * faceWidth) / choice.length, first.width, first.height);
  const x0 = Math.min(Math.max(0, cx - side / 2), first.width - side);
  const y0 = Math.min(Math.max(0, cy - side / 2), first.height - side);
  const k = side / size;
  const clip: IdleClip = { size, length: choice.length, transforms: [], frames: [], mouths: [] };
  for (let f = choice.start; f < choice.start + choice.length; f++) {
    const frame = frames[f];
    if (!frame) throw new Error(`the idle stretch needs frame ${f}, but the take's video has ${frames.length}`);
    const t = take.transforms;
    const s = cropTransform({ a: t[4 * f]!, b: t[4 * f + 1]!, tx: t[4 * f + 2]!, ty: t[4 * f + 3]! }, x0, y0, k);
    const image = cropSquare(frame, x0, y0, side, size);
    clip.transforms.push(s.a, s.b, s.tx, s.ty);
    clip.frames.push(image);
    clip.mouths.push(warpToCanonical({ data: image, width: size, height: size }, s, MOUTH_BOX, MOUTH_SIZE));
  }
  return clip;
}
