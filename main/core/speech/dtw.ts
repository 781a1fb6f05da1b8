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

/**
 * Aligns sequences of lengths n and m given the local cost of pairing a[i] with b[j]. Steps: (1,0),
 * (0,1), (1,1), each adding the local cost of the cell reached (symmetric, unweighted), so the total is
 * the sum of local costs along the path and `cost` normalises it by the path length.
 * Ties prefer the diagonal. Throws when either sequence is empty.
 */
export function dtw(n: number, m: number, local: (i: number, j: number) => number, options: DtwOptions = {}): DtwResult {
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
  const acc = new Float64Array(n * m).fill(Infinity);
  // How each cell was reached: 0 (i−1, j−1), 1 (i−1, j), 2 (i, j−1), 3 (i−1, j−2) via (i, j−1), 4 (i−2, j−1) via (i−1, j).
  const move = new Uint8Array(n * m);
  const slope2 = options.steps === 'slope2';
  const inside = (i: number, j: number) => i >= 0 && j >= 0 && j >= lo[i]! && j <= hi[i]!;
  const at = (i: number, j: number) => (inside(i, j) ? acc[i * m + j]! : Infinity);
  const localAt = (i: number, j: number) => (inside(i, j) ? local(i, j) : Infinity);
  for (let i = 0; i < n; i++) {
    for (let j = lo[i]!; j <= hi[i]!; j++) {
      const c = local(i, j);
      if (i === 0 && j === 0) {
        acc[0] = c;
        continue;
      }
      let best = at(i - 1, j - 1);
      let from = 0;
      const consider = (value: number, code: number) => {
        if (value < best) {
          best = value;
          from = code;
        }
      };
      if (slope2) {
        if (i >= 1 && j >= 2) consider(at(i - 1, j - 2) + localAt(i, j - 1), 3);
        if (i >= 2 && j >= 1) consider(at(i - 2, j - 1) + localAt(i - 1, j), 4);
      } else {
        consider(at(i - 1, j), 1);
        consider(at(i, j - 1), 2);
      }
      acc[i * m + j] = best + c;
      move[i * m + j] = from;
    }
  }
  const total = acc[n * m - 1]!;
  if (!Number.isFinite(total)) throw new Error(`dtw: no path from (0, 0) to (${n - 1}, ${m - 1}) under the constraints`);
  const path: Array<[number, number]> = [];
  let i = n - 1;
  let j = m - 1;
  for (;;) {
    path.push([i, j]);
    if (i === 0 && j === 0) break;
    const from = move[i * m + j];
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
  return dtw(a.length, b.length, (i, j) => distance(a[i]!, b[j]!), options);
}
