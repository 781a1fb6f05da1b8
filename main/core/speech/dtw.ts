// Pure dynamic time warping (studio process and workers): the cheapest monotonic alignment of two
// sequences, with a Sakoe-Chiba band around the (length-scaled) diagonal. No I/O.

export interface DtwOptions {
  /**
   * Sakoe-Chiba band half-width as a fraction of the longer sequence: cell (i, j) is allowed when
   * |j − i·(m−1)/(n−1)| ≤ max(1, band·max(n, m)). Default Infinity (no band); must keep the band ≥ 0.
   */
  band?: number;
  /**
   * 'symmetric' (default): steps (1,0), (0,1), (1,1), any warping. 'slope2': steps (1,1), (1,2), (2,1)
   * (the intermediate cell of a long step is on the path too), so the local slope stays between ½ and 2
   * and neither sequence can collapse onto a few frames of the other. Needs max(n, m) ≤ 2·min(n, m) − 1.
   */
  steps?: 'symmetric' | 'slope2';
}

export interface DtwResult {
  /** Sum of the local costs along the best path. */
  total: number;
  /** total / path length: the mean local cost per aligned pair. */
  cost: number;
  /** The aligned index pairs [i, j], from [0, 0] to [n−1, m−1]. */
  path: Array<[number, number]>;
}

export interface EuclideanDtwOptions extends DtwOptions {
  /** First vector component compared (earlier ones are ignored, e.g. 1 to leave out c0); default 0. */
  from?: number;
  /** Factor on every local distance (e.g. to express it in dB); default 1. */
  scale?: number;
}

/** Writes the local costs of cells (i, lo..hi) to out[offset..offset + hi − lo]. */
type RowCosts = (i: number, lo: number, hi: number, out: Float64Array, offset: number) => void;

/**
 * Aligns sequences of lengths n and m given the local cost of pairing a[i] with b[j]. Steps: (1,0),
 * (0,1), (1,1), each adding the local cost of the cell reached (symmetric, unweighted), so the total is
 * the sum of local costs along the path and `cost` normalises it by the path length.
 * Ties prefer the diagonal. Throws when either sequence is empty. `local` is called once per cell inside the band.
 */
export function dtw(n: number, m: number, local: (i: number, j: number) => number, options: DtwOptions = {}): DtwResult {
  return warp(n, m, options, (i, lo, hi, out, offset) => {
    for (let j = lo; j <= hi; j++) out[offset + j - lo] = local(i, j);
  });
}

/** Euclidean distance of two vectors of the same length. */
export function euclidean(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let d = 0; d < a.length; d++) {
    const x = a[d]! - b[d]!;
    sum += x * x;
  }
  return Math.sqrt(sum);
}

/** 1 − cosine similarity (0 for identical directions, 2 for opposite ones; 1 when either is all zeros). */
export function cosineDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let d = 0; d < a.length; d++) {
    dot += a[d]! * b[d]!;
    na += a[d]! * a[d]!;
    nb += b[d]! * b[d]!;
  }
  return na === 0 || nb === 0 ? 1 : 1 - dot / Math.sqrt(na * nb);
}

/** DTW of two feature sequences with a vector distance (default Euclidean). */
export function dtwFrames(a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[], options: DtwOptions & { distance?: (x: ArrayLike<number>, y: ArrayLike<number>) => number } = {}): DtwResult {
  const distance = options.distance ?? euclidean;
  if (distance === euclidean) return dtwEuclidean(a, b, { band: options.band, steps: options.steps });
  return dtw(a.length, b.length, (i, j) => distance(a[i]!, b[j]!), options);
}

/**
 * DTW of two vector sequences under the Euclidean distance of components `from`.. (times `scale`): the same result as
 * `dtw` with that distance as `local`, with the distance computed inline (it is most of the work on long sequences).
 */
export function dtwEuclidean(a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[], options: EuclideanDtwOptions = {}): DtwResult {
  const from = options.from ?? 0;
  const scale = options.scale ?? 1;
  return warp(a.length, b.length, options, (i, lo, hi, out, offset) => {
    const x = a[i]!;
    const dims = x.length;
    for (let j = lo; j <= hi; j++) {
      const y = b[j]!;
      let sum = 0;
      for (let d = from; d < dims; d++) {
        const diff = x[d]! - y[d]!;
        sum += diff * diff;
      }
      out[offset + j - lo] = scale * Math.sqrt(sum);
    }
  });
}

/**
 * The dynamic programme over the band. Local costs, accumulated costs and moves live in banded typed arrays (row i
 * holds columns lo[i]..hi[i] from start[i]), so memory and time follow the band, not n·m, and each local cost is
 * computed once although the slope-2 steps read most of them three times.
 */
function warp(n: number, m: number, options: DtwOptions, rowCosts: RowCosts): DtwResult {
  if (n < 1 || m < 1) throw new Error(`dtw needs two non-empty sequences, got ${n} and ${m} items`);
  const band = options.band ?? Infinity;
  if (!(band >= 0)) throw new Error(`dtw band must be ≥ 0, got ${band}`);
  const width = Number.isFinite(band) ? Math.max(1, band * Math.max(n, m)) : Infinity;
  const slope = n > 1 ? (m - 1) / (n - 1) : 0;
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const centre = i * slope;
    lo[i] = Math.max(0, Math.ceil(centre - width - 1e-9));
    hi[i] = Math.min(m - 1, Math.floor(centre + width + 1e-9));
  }
  // Make consecutive rows' ranges overlap so a path always exists.
  for (let i = 1; i < n; i++) if (lo[i]! > hi[i - 1]! + 1) lo[i] = hi[i - 1]! + 1;
  lo[0] = 0;
  hi[n - 1] = m - 1;
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i]! + Math.max(0, hi[i]! - lo[i]! + 1);
  const cells = start[n]!;
  const local = new Float64Array(cells);
  const acc = new Float64Array(cells);
  // How each cell was reached: 0 (i−1, j−1), 1 (i−1, j), 2 (i, j−1), 3 (i−1, j−2) via (i, j−1), 4 (i−2, j−1) via (i−1, j).
  const move = new Uint8Array(cells);
  const slope2 = options.steps === 'slope2';
  for (let i = 0; i < n; i++) {
    const l0 = lo[i]!;
    const h0 = hi[i]!;
    if (h0 < l0) continue;
    rowCosts(i, l0, h0, local, start[i]!);
    // Cell (r, j) of row r is at base + j; an absent row has an empty range.
    const b0 = start[i]! - l0;
    const l1 = i >= 1 ? lo[i - 1]! : 0;
    const h1 = i >= 1 ? hi[i - 1]! : -1;
    const b1 = i >= 1 ? start[i - 1]! - l1 : 0;
    const l2 = i >= 2 ? lo[i - 2]! : 0;
    const h2 = i >= 2 ? hi[i - 2]! : -1;
    const b2 = i >= 2 ? start[i - 2]! - l2 : 0;
    for (let j = l0; j <= h0; j++) {
      const c = local[b0 + j]!;
      if (i === 0 && j === 0) {
        acc[b0] = c;
        continue;
      }
      let best = j - 1 >= l1 && j - 1 <= h1 ? acc[b1 + j - 1]! : Infinity;
      let from = 0;
      if (slope2) {
        if (j - 2 >= l1 && j - 2 <= h1 && j - 1 >= l0) {
          const value = acc[b1 + j - 2]! + local[b0 + j - 1]!;
          if (value < best) {
            best = value;
            from = 3;
          }
        }
        if (j - 1 >= l2 && j - 1 <= h2 && j >= l1 && j <= h1) {
          const value = acc[b2 + j - 1]! + local[b1 + j]!;
          if (value < best) {
            best = value;
            from = 4;
          }
        }
      } else {
        if (j >= l1 && j <= h1 && acc[b1 + j]! < best) {
          best = acc[b1 + j]!;
          from = 1;
        }
        if (j - 1 >= l0 && acc[b0 + j - 1]! < best) {
          best = acc[b0 + j - 1]!;
          from = 2;
        }
      }
      acc[b0 + j] = best + c;
      move[b0 + j] = from;
    }
  }
  const total = acc[cells - 1]!;
  if (!Number.isFinite(total)) throw new Error(`dtw: no path from (0, 0) to (${n - 1}, ${m - 1}) under the constraints`);
  const path: Array<[number, number]> = [];
  let i = n - 1;
  let j = m - 1;
  for (;;) {
    path.push([i, j]);
    if (i === 0 && j === 0) break;
    const from = move[start[i]! - lo[i]! + j];
    if (from === 0) {
      i--;
      j--;
    } else if (from === 1) i--;
    else if (from === 2) j--;
    else if (from === 3) {
      path.push([i, j - 1]);
      i--;
      j -= 2;
    } else {
      path.push([i - 1, j]);
      i -= 2;
      j--;
    }
  }
  path.reverse();
  return { total, cost: total / path.length, path };
}
