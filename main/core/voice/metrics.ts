// Objective voice-quality measures over aligned frame pairs: mel-cepstral distortion, log-F0 error, voicing error (quality report; main process and workers). No I/O.
//
// Every measure takes the frame pairs to compare as a `path` of [i, j] index pairs (as from `alignUtterances`, align.ts);
// without one, frame i is paired with frame i and both sequences must have the same length. Which frames count is the
// path's business: the alignment path covers the speech between the trimmed leading and trailing silences, pauses inside
// the utterance included, and every pair on it counts once (a frame repeated by the warp counts each time). That matches
// the usual DTW-aligned MCD of voice-conversion papers and keeps the three measures on the same pairs.

/** A sequence of aligned [i, j] frame index pairs. */
export type FramePairs = ReadonlyArray<readonly [number, number]>;

/** dB per unit of Euclidean cepstral distance: (10 / ln 10)·√2 (Kubichek 1993; cepstra in natural-log amplitude units). */
export const MCD_DB_PER_UNIT = (10 / Math.LN10) * Math.SQRT2;

function pairsOf(lengthA: number, lengthB: number, path: FramePairs | undefined, what: string): FramePairs {
  if (path) return path;
  if (lengthA !== lengthB) throw new Error(`${what}: ${lengthA} and ${lengthB} frames cannot be paired by index; give an alignment path`);
  return Array.from({ length: lengthA }, (_, i) => [i, i] as const);
}

/** Euclidean distance of c1..cM (c0, the frame's level, is left out) in natural-log amplitude units. */
export function cepstralDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let d = 1; d < a.length; d++) {
    const x = a[d]! - b[d]!;
    sum += x * x;
  }
  return Math.sqrt(sum);
}

/**
 * Mean mel-cepstral distortion in dB over the pairs: (10 / ln 10)·√(2·Σ_{d=1..M} (a_d − b_d)²), c0 excluded.
 * NaN when there are no pairs.
 */
export function melCepstralDistortion(a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[], path?: FramePairs): number {
  const pairs = pairsOf(a.length, b.length, path, 'melCepstralDistortion');
  let sum = 0;
  for (const [i, j] of pairs) sum += cepstralDistance(a[i]!, b[j]!);
  return (MCD_DB_PER_UNIT * sum) / pairs.length;
}

/** RMS difference in cents (1200·log2(a/b)) over the pairs voiced in both (F0 > 0); NaN when there are none. */
export function logF0RmseCents(f0a: ArrayLike<number>, f0b: ArrayLike<number>, path?: FramePairs): number {
  const pairs = pairsOf(f0a.length, f0b.length, path, 'logF0RmseCents');
  let sum = 0;
  let count = 0;
  for (const [i, j] of pairs) {
    const x = f0a[i]!;
    const y = f0b[j]!;
    if (!(x > 0 && y > 0)) continue;
    const cents = 1200 * Math.log2(x / y);
    sum += cents * cents;
    count++;
  }
  return Math.sqrt(sum / count);
}

/** Share (0..1) of the pairs where exactly one side is voiced (F0 > 0); NaN when there are no pairs. */
export function voicingError(f0a: ArrayLike<number>, f0b: ArrayLike<number>, path?: FramePairs): number {
  const pairs = pairsOf(f0a.length, f0b.length, path, 'voicingError');
  let wrong = 0;
  for (const [i, j] of pairs) if ((f0a[i]! > 0) !== (f0b[j]! > 0)) wrong++;
  return wrong / pairs.length;
}
