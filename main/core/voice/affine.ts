// Global affine map between feature frames (target ≈ A·source + b) fitted by ridge least squares: the voice model's simple baseline and a converter for iterative alignment (training workers). No I/O.
//
// Fitted on centred data, so the bias is never shrunk: (Sxx + λ)·W = Sxy with Sxx, Sxy the scatter matrices of the paired
// frames about their means, solved by a Cholesky factorisation of the symmetric positive definite left side; then
// A = Wᵀ and b = ȳ − A·x̄. The ridge λ is a share of each input dimension's own scatter (ridge on standardised inputs), so
// the small high-order cepstral coefficients are not flattened by the large low-order ones.
import { cholesky, choleskySolve } from './cholesky.js';
import type { FramePairs } from './metrics.js';

export interface AffineMap {
  readonly inputSize: number;
  readonly outputSize: number;
  /** A, outputSize × inputSize, row-major. */
  readonly weights: Float64Array;
  /** b, outputSize values. */
  readonly bias: Float64Array;
}

export interface AffineFitOptions {
  /** λ as a share of each input dimension's scatter; default 1e-3 (0: plain least squares). */
  ridge?: number;
}

const DEFAULT_RIDGE = 1e-3;
/** With a ridge, a constant input dimension gets at least this share of the mean scatter as λ, so it is ignored rather than singular. */
const MIN_SCATTER_SHARE = 1e-9;

/** Fits target[j] ≈ A·source[i] + b over the pairs [i, j] (default: frame i with frame i). */
export function fitAffine(source: readonly ArrayLike<number>[], target: readonly ArrayLike<number>[], pairs?: FramePairs, options: AffineFitOptions = {}): AffineMap {
  const ridge = options.ridge ?? DEFAULT_RIDGE;
  if (!(ridge >= 0)) throw new Error(`fitAffine: ridge must be ≥ 0, got ${ridge}`);
  if (!pairs && source.length !== target.length) throw new Error(`fitAffine: ${source.length} and ${target.length} frames cannot be paired by index; give the pairs`);
  const list: FramePairs = pairs ?? Array.from({ length: source.length }, (_, i) => [i, i] as const);
  if (list.length === 0) throw new Error('fitAffine: no frame pairs');
  const p = source[list[0]![0]]!.length;
  const q = target[list[0]![1]]!.length;
  const meanX = new Float64Array(p);
  const meanY = new Float64Array(q);
  for (const [i, j] of list) {
    const x = source[i]!;
    const y = target[j]!;
    for (let d = 0; d < p; d++) meanX[d] = meanX[d]! + x[d]!;
    for (let e = 0; e < q; e++) meanY[e] = meanY[e]! + y[e]!;
  }
  for (let d = 0; d < p; d++) meanX[d] = meanX[d]! / list.length;
  for (let e = 0; e < q; e++) meanY[e] = meanY[e]! / list.length;
  // Only the lower triangle of the symmetric Sxx is filled: all that the factorisation reads.
  const sxx = new Float64Array(p * p);
  const sxy = new Float64Array(p * q);
  const cx = new Float64Array(p);
  for (const [i, j] of list) {
    const x = source[i]!;
    const y = target[j]!;
    for (let d = 0; d < p; d++) cx[d] = x[d]! - meanX[d]!;
    for (let d = 0; d < p; d++) {
      const xd = cx[d]!;
      for (let k = 0; k <= d; k++) sxx[d * p + k] = sxx[d * p + k]! + xd * cx[k]!;
      for (let e = 0; e < q; e++) sxy[d * q + e] = sxy[d * q + e]! + xd * (y[e]! - meanY[e]!);
    }
  }
  let meanScatter = 0;
  for (let d = 0; d < p; d++) meanScatter += sxx[d * p + d]! / p;
  for (let d = 0; d < p; d++) sxx[d * p + d] = sxx[d * p + d]! + ridge * Math.max(sxx[d * p + d]!, MIN_SCATTER_SHARE * meanScatter);
  cholesky(sxx, p);
  const weights = new Float64Array(q * p);
  const bias = new Float64Array(q);
  const column = new Float64Array(p);
  for (let e = 0; e < q; e++) {
    for (let d = 0; d < p; d++) column[d] = sxy[d * q + e]!;
    choleskySolve(sxx, p, column);
    let b = meanY[e]!;
    for (let d = 0; d < p; d++) {
      weights[e * p + d] = column[d]!;
      b -= column[d]! * meanX[d]!;
    }
    bias[e] = b;
  }
  return { inputSize: p, outputSize: q, weights, bias };
}

/** A·x + b for every frame. */
export function applyAffine(map: AffineMap, frames: readonly ArrayLike<number>[]): Float32Array[] {
  const { inputSize: p, outputSize: q, weights, bias } = map;
  return frames.map((x) => {
    if (x.length !== p) throw new Error(`applyAffine: frame of ${x.length} values for a map from ${p}`);
    const y = new Float32Array(q);
    for (let e = 0; e < q; e++) {
      let s = bias[e]!;
      for (let d = 0; d < p; d++) s += weights[e * p + d]! * x[d]!;
      y[e] = s;
    }
    return y;
  });
}
