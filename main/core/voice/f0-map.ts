// Log-F0 statistics of a voice and the Gaussian (mean-variance) mapping of an F0 contour from one voice's to another's (training workers and rendering). No I/O.
//
// ln F0 of a speaker is close to Gaussian; matching its mean and standard deviation moves eSpeak's register and range to
// the creator's while keeping eSpeak's intonation shape. Unvoiced frames (F0 = 0) stay unvoiced.

export interface LogF0Stats {
  /** Mean and standard deviation of ln F0 (F0 in Hz) over the voiced frames. */
  readonly mean: number;
  readonly std: number;
  /** Voiced frames counted. */
  readonly count: number;
}

/** ln F0 statistics pooled over the voiced frames (F0 > 0) of all the contours; throws when none is voiced. */
export function logF0Stats(contours: readonly ArrayLike<number>[]): LogF0Stats {
  let count = 0;
  let sum = 0;
  let sumSq = 0;
  for (const f0 of contours) {
    for (let i = 0; i < f0.length; i++) {
      if (!(f0[i]! > 0)) continue;
      const v = Math.log(f0[i]!);
      count++;
      sum += v;
      sumSq += v * v;
    }
  }
  if (count === 0) throw new Error('logF0Stats: no voiced frame');
  const mean = sum / count;
  return { mean, std: Math.sqrt(Math.max(0, sumSq / count - mean * mean)), count };
}

/**
 * exp(μ_to + (ln F0 − μ_from)·σ_to/σ_from) for each voiced frame, 0 for unvoiced ones. A source without spread (σ_from = 0,
 * a monotone voice) is only shifted.
 */
export function mapF0(f0: ArrayLike<number>, from: LogF0Stats, to: LogF0Stats): Float32Array {
  const scale = from.std > 0 ? to.std / from.std : 1;
  const out = new Float32Array(f0.length);
  for (let i = 0; i < f0.length; i++) if (f0[i]! > 0) out[i] = Math.exp(to.mean + (Math.log(f0[i]!) - from.mean) * scale);
  return out;
}
