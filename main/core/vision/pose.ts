// Head pose (yaw, pitch, roll in degrees) estimated from 68 face landmarks (iBUG 300-W order); pure, any process.
//
// The approximation: a rigid generic head seen under orthographic projection (no perspective), using five landmarks:
// the outer eye corners (36, 45), the eye centres (means of 36-41 and 42-47), the nose tip (30) and the mouth corners
// (48, 54). Their 3D positions are those of the generic head model widely used for solvePnP head pose (nose tip at the
// origin, eye corners at (±225, 170, -135), mouth corners at (±150, -150, -125), arbitrary units, y up, z toward the camera).
// - roll: the angle of the line between the eye centres; all points are then rotated back by it (the face made upright).
// - yaw: the nose tip sticks out 135 units in front of the eye corners, so turning the head by θ moves it sideways by
//   135·sin θ from the corners' midpoint while the corners' half-span shrinks to 225·cos θ: tan θ = offset / (0.6·half-span).
// - pitch: likewise vertically: v = (nose tip − eye line) / (mouth line − eye line) is E/(E+M) for a level head and
//   (E + 135 t) / (E + M + 10 t), t = tan(pitch down), when tilted; solved for t. The generic model puts the nose tip
//   at 170/320 = 0.53 of the way from the eye corners to the mouth corners, but face-api's landmark 30 sits lower:
//   on its output for near-frontal photos v is about 0.55-0.7, so the heights are refitted to a level-head v of 0.62
//   (E = 198.4, M = 121.6, E + M = 320 kept). This calibration is the weakest part: pitch reads within ±10° or so.
// Individual faces differ from the generic model, so a frontal face may read a few degrees off zero; the estimates are
// meant for "is the head turned or tilted" checks and frame-to-frame changes, not for measurement. Good to about ±45° of
// yaw; beyond that the landmark detector itself is unreliable.

export type Point = readonly [number, number];

export interface HeadPose {
  /** Turn left/right: positive when the nose points towards the image's right (the person's left). */
  yaw: number;
  /** Nod: positive when looking up. */
  pitch: number;
  /** Tilt in the image plane: positive when the head turns clockwise in the image (the eye on the image's right is lower). */
  roll: number;
}

/** Generic model: nose tip depth in front of the outer eye corners, over the corners' half-span. */
const NOSE_DEPTH_OVER_EYE_HALF_SPAN = 135 / 225;
/** Generic model (y up): eye corners 170 above the nose tip, mouth corners 150 below; depths relative to the nose tip. */
/** Level-head ratio (nose tip − eye line) / (mouth line − eye line) for face-api's landmarks. */
export const LEVEL_NOSE_RATIO = 0.62;
const EYE_TO_MOUTH = 320;
const EYE_ABOVE_NOSE = LEVEL_NOSE_RATIO * EYE_TO_MOUTH;
const MOUTH_BELOW_NOSE = EYE_TO_MOUTH - EYE_ABOVE_NOSE;
const EYE_DEPTH = 135;
const MOUTH_DEPTH = 125;

const DEG = 180 / Math.PI;

function mean(points: readonly Point[], from: number, to: number): [number, number] {
  let x = 0;
  let y = 0;
  for (let i = from; i <= to; i++) {
    const p = points[i]!;
    x += p[0];
    y += p[1];
  }
  const n = to - from + 1;
  return [x / n, y / n];
}

function at(points: readonly Point[], i: number): Point {
  return points[i]!;
}

/** Yaw, pitch and roll in degrees from 68 landmarks in image pixels (x right, y down). See the file comment for the model. */
export function estimatePose(landmarks: readonly Point[]): HeadPose {
  if (landmarks.length !== 68) throw new RangeError(`expected 68 landmarks, got ${landmarks.length}`);
  for (const p of landmarks) if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) throw new RangeError('landmarks must be finite numbers');
  const eyeA = mean(landmarks, 36, 41);
  const eyeB = mean(landmarks, 42, 47);
  const rollRad = Math.atan2(eyeB[1] - eyeA[1], eyeB[0] - eyeA[0]);
  // Rotate by -roll about the eye midpoint: the face upright, x right, y down.
  const cx = (eyeA[0] + eyeB[0]) / 2;
  const cy = (eyeA[1] + eyeB[1]) / 2;
  const c = Math.cos(-rollRad);
  const s = Math.sin(-rollRad);
  const upright = (p: Point): [number, number] => {
    const dx = p[0] - cx;
    const dy = p[1] - cy;
    return [c * dx - s * dy, s * dx + c * dy];
  };
  const cornerA = upright(at(landmarks, 36));
  const cornerB = upright(at(landmarks, 45));
  const nose = upright(at(landmarks, 30));
  const mouthA = upright(at(landmarks, 48));
  const mouthB = upright(at(landmarks, 54));

  const halfSpan = (cornerB[0] - cornerA[0]) / 2;
  const eyeMidX = (cornerA[0] + cornerB[0]) / 2;
  const yaw = halfSpan > 0 ? Math.atan((nose[0] - eyeMidX) / (NOSE_DEPTH_OVER_EYE_HALF_SPAN * halfSpan)) * DEG : 0;

  const eyeY = (cornerA[1] + cornerB[1]) / 2;
  const mouthY = (mouthA[1] + mouthB[1]) / 2;
  let pitch = 0;
  if (mouthY - eyeY > 0) {
    const v = (nose[1] - eyeY) / (mouthY - eyeY);
    // v = (E + De·t) / (E + M + (De − Dm)·t), t = tan(pitch down).
    const t = ((EYE_ABOVE_NOSE + MOUTH_BELOW_NOSE) * v - EYE_ABOVE_NOSE) / (EYE_DEPTH - (EYE_DEPTH - MOUTH_DEPTH) * v);
    pitch = -Math.atan(t) * DEG;
  }
  return { yaw, pitch, roll: rollRad * DEG };
}

/**
 * The (refitted) generic head model's five key points in 3D (y up, z toward the camera), for tests and for drawing: the outer eye
 * corners (36, 45), the nose tip (30) and the mouth corners (48, 54).
 */
export const GENERIC_HEAD_POINTS: Readonly<Record<36 | 45 | 30 | 48 | 54, readonly [number, number, number]>> = {
  36: [-225, EYE_ABOVE_NOSE, -EYE_DEPTH],
  45: [225, EYE_ABOVE_NOSE, -EYE_DEPTH],
  30: [0, 0, 0],
  48: [-150, -MOUTH_BELOW_NOSE, -MOUTH_DEPTH],
  54: [150, -MOUTH_BELOW_NOSE, -MOUTH_DEPTH],
};
