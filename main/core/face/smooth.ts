// Temporal smoothing of landmark tracks: short gaps bridged, then a zero-phase Savitzky-Golay filter per coordinate; pure, main process and workers.

export interface SmoothOptions {
  /** Savitzky-Golay window in frames, odd; default 7. */
  readonly window?: number;
  /** Degree of the local polynomial; default 2 (keeps peaks and turns that a moving average would flatten). */
  readonly order?: number;
  /** Longest run of missing (NaN) frames bridged by a straight line between its neighbours; default 5 (0.2 s at 25 fps). Longer runs, and runs at either end, stay NaN. */
  readonly maxGap?: number;
}

export interface LandmarkSmoothOptions {
  /** For the points that move with the head (jaw, brows, nose, eyes): default window 9, order 2. */
  readonly head?: Omit<SmoothOptions, 'maxGap'>;
  /** For the lips (48-67), which move fast with speech: default window 5, order 2. */
  readonly mouth?: Omit<SmoothOptions, 'maxGap'>;
  readonly maxGap?: number;
}

const DEFAULT_WINDOW = 7;
const DEFAULT_ORDER = 2;
const DEFAULT_MAX_GAP = 5;
const HEAD = { window: 9, order: 2 } as const;
const MOUTH = { window: 5, order: 2 } as const;
const FIRST_MOUTH_POINT = 48;

function resolved(options: SmoothOptions, maxGap = options.maxGap): Required<SmoothOptions> {
  const window = options.window ?? DEFAULT_WINDOW;
  const order = options.order ?? DEFAULT_ORDER;
  const gap = maxGap ?? DEFAULT_MAX_GAP;
  if (!Number.isInteger(window) || window < 1 || window % 2 === 0) throw new Error(`window must be an odd positive integer, got ${window}`);
  if (!Number.isInteger(order) || order < 0 || order >= window) throw new Error(`order must be an integer in [0, window), got ${order}`);
  if (!Number.isInteger(gap) || gap < 0) throw new Error(`maxGap must be a non-negative integer, got ${gap}`);
  return { window, order, maxGap: gap };
}

const weightCache = new Map<string, Float64Array[]>();

/**
 * For each position `at` in [0, length): weights w such that Σ w[k]·y[k] is the value at `at` of the degree-`order`
 * polynomial fitted by least squares to y[0..length), i.e. e_atᵀ (AᵀA)⁻¹ Aᵀ with A[k][j] = xₖʲ (positions centred
 * for conditioning; the degree drops to length − 1 for runs shorter than the window).
 */
function fitWeights(length: number, order: number): Float64Array[] {
  const key = `${length}:${order}`;
  const cached = weightCache.get(key);
  if (cached) return cached;
  const q = Math.min(order, length - 1) + 1;
  const mid = (length - 1) / 2;
  // Invert M = AᵀA (q×q) by Gauss-Jordan elimination on [M | I].
  const m = Array.from({ length: q }, (_, r) => {
    const row = new Float64Array(2 * q);
    for (let c = 0; c < q; c++) {
      let sum = 0;
      for (let k = 0; k < length; k++) sum += (k - mid) ** (r + c);
      row[c] = sum;
    }
    row[q + r] = 1;
    return row;
  });
  for (let col = 0; col < q; col++) {
    let pivot = col;
    for (let r = col + 1; r < q; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]!;
    const scale = p[col]!;
    for (let c = 0; c < 2 * q; c++) p[c] = p[c]! / scale;
    for (let r = 0; r < q; r++) {
      if (r === col) continue;
      const row = m[r]!;
      const f = row[col]!;
      for (let c = 0; c < 2 * q; c++) row[c] = row[c]! - f * p[c]!;
    }
  }
  const table = Array.from({ length }, (_, at) => {
    // c = M⁻¹ e_at, then w[k] = Σ_r c[r]·x_kʳ.
    const c = new Float64Array(q);
    for (let r = 0; r < q; r++) for (let j = 0; j < q; j++) c[r] = c[r]! + m[r]![q + j]! * (at - mid) ** j;
    const weights = new Float64Array(length);
    for (let k = 0; k < length; k++) for (let r = 0; r < q; r++) weights[k] = weights[k]! + c[r]! * (k - mid) ** r;
    return weights;
  });
  weightCache.set(key, table);
  return table;
}

/**
 * Frames either side of a frame whose raw values can change its smoothed value: the filter's reach of two half
 * windows (a frame near a run's end is fitted with a window ending there), plus a bridged gap and the frame past it.
 * Smoothing any span that holds [f − reach, f + reach] gives frame f the same value as smoothing the whole track.
 */
export function smoothingReach(options: SmoothOptions = {}): number {
  const { window, maxGap } = resolved(options);
  return window - 1 + maxGap + 2;
}

/** The reach of smoothLandmarks with these options: of its wider window. */
export function landmarkSmoothingReach(options: LandmarkSmoothOptions = {}): number {
  const window = Math.max(options.head?.window ?? HEAD.window, options.mouth?.window ?? MOUTH.window);
  return smoothingReach({ window, maxGap: options.maxGap ?? DEFAULT_MAX_GAP });
}

/**
 * Smooths `frames` values spaced `stride` apart in `values` from `offset` (one coordinate of an interleaved track)
 * into the same places of `out`. NaN marks a missing frame.
 */
function smoothStrided(values: ArrayLike<number>, out: Float32Array | Float64Array, frames: number, offset: number, stride: number, options: Required<SmoothOptions>): void {
  const { window, order, maxGap } = options;
  const y = new Float64Array(frames);
  for (let f = 0; f < frames; f++) y[f] = values[offset + f * stride]!;
  // Bridge short gaps between known frames.
  let previous = -1;
  for (let f = 0; f < frames; f++) {
    if (!Number.isFinite(y[f]!)) {
      y[f] = Number.NaN;
      continue;
    }
    if (previous >= 0 && f - previous > 1 && f - previous - 1 <= maxGap) {
      for (let g = previous + 1; g < f; g++) y[g] = y[previous]! + ((y[f]! - y[previous]!) * (g - previous)) / (f - previous);
    }
    previous = f;
  }
  const half = (window - 1) / 2;
  let start = 0;
  while (start < frames) {
    if (Number.isNaN(y[start]!)) {
      out[offset + start * stride] = Number.NaN;
      start++;
      continue;
    }
    let end = start;
    while (end + 1 < frames && !Number.isNaN(y[end + 1]!)) end++;
    const length = end - start + 1;
    const span = Math.min(window, length);
    const table = fitWeights(span, order);
    for (let f = start; f <= end; f++) {
      // Interior frames sit in the middle of their window; near a run's ends the window stops at the end.
      const from = Math.min(Math.max(f - half, start), end - span + 1);
      const w = table[f - from]!;
      let sum = 0;
      for (let k = 0; k < span; k++) sum += w[k]! * y[from + k]!;
      out[offset + f * stride] = sum;
    }
    start = end + 1;
  }
}

/** One smoothed track: short gaps bridged, each run of known frames filtered, long gaps left NaN. */
export function smoothTrack(track: ArrayLike<number>, options: SmoothOptions = {}): Float64Array {
  const out = new Float64Array(track.length);
  smoothStrided(track, out, track.length, 0, 1, resolved(options));
  return out;
}

/** Every coordinate of a take's landmarks (68 points, x y interleaved, one row of 136 per frame) smoothed over time. */
export function smoothLandmarks(landmarks: Float32Array, options: LandmarkSmoothOptions = {}): Float32Array {
  const stride = 136;
  if (landmarks.length % stride !== 0) throw new Error(`smoothLandmarks: ${landmarks.length} values are not whole frames of 68 points`);
  const frames = landmarks.length / stride;
  const head = resolved({ ...HEAD, ...options.head }, options.maxGap);
  const mouth = resolved({ ...MOUTH, ...options.mouth }, options.maxGap);
  const out = new Float32Array(landmarks.length);
  for (let c = 0; c < stride; c++) smoothStrided(landmarks, out, frames, c, stride, c >= 2 * FIRST_MOUTH_POINT ? mouth : head);
  return out;
}
