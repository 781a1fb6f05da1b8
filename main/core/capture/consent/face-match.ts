// The consent take's face check (pure; main process): is the face on the consent take the creator's?
// Compares face-api 128-d descriptors (FaceTracker.descriptor) by Euclidean distance.

/**
 * Accept when the mean consent-to-reference distance is below this.
 *
 * Calibrated on face-api's demo photos (sample1..6.jpg, 20 faces) with this repo's FaceTracker:
 * - same person, the photo vs a 3 %-cropped, 0.8×-scaled copy and vs a 4°-rotated, 1.1×-scaled copy
 *   (36 pairs where the face was found in both): 0.032–0.205, median ≈ 0.13;
 * - different people (all 190 pairs of the 20 faces): min 0.512, then 0.533, 0.541, 0.554, …, median 0.729;
 *   8 of them are under face-api's usual 0.6, so 0.6 is too lax for consent.
 * 0.45 leaves 0.06 below the closest stranger and 0.24 above the worst same-photo pair, room for the
 * real difference between a consent take and reference takes (light, pose, another day).
 */
export const FACE_MATCH_THRESHOLD = 0.45;

export interface FaceMatch {
  /** Mean Euclidean distance over all consent × reference pairs: the number compared with the threshold. */
  distance: number;
  /** The smallest pairwise distance (reported, not decisive: one lucky frame must not pass). */
  minDistance: number;
  threshold: number;
  accepted: boolean;
}

export function descriptorDistance(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`descriptors differ in length: ${a.length} and ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d * d;
  }
  return Math.sqrt(sum);
}

/** Distances between the consent take's face descriptors and the creator's reference descriptors. */
export function matchFace(consentDescriptors: readonly Float32Array[], referenceDescriptors: readonly Float32Array[], threshold = FACE_MATCH_THRESHOLD): FaceMatch {
  if (consentDescriptors.length === 0) throw new Error('the consent take has no face descriptors');
  if (referenceDescriptors.length === 0) throw new Error('there are no reference face descriptors');
  if (!(threshold > 0)) throw new Error(`threshold must be positive, got ${threshold}`);
  let sum = 0;
  let min = Infinity;
  for (const a of consentDescriptors) {
    for (const b of referenceDescriptors) {
      const d = descriptorDistance(a, b);
      sum += d;
      min = Math.min(min, d);
    }
  }
  const distance = sum / (consentDescriptors.length * referenceDescriptors.length);
  return { distance, minDistance: min, threshold, accepted: distance < threshold };
}
