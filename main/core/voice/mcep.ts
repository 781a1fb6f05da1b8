// Spectral envelope ↔ mel-cepstrum for the voice model (main process and workers). No I/O.
//
// The mel-cepstrum c̃(0..M) describes the log amplitude spectrum on an all-pass-warped frequency axis (Oppenheim & Johnson,
// "Discrete representation of signals", Proc. IEEE 1972; Tokuda et al., "Mel-generalized cepstral analysis", ICSLP 1994):
//   ln|H(e^{jω})| = Σ_m c̃(m)·cos(m·β(ω)),  β(ω) = ω + 2·atan(α·sin ω / (1 − α·cos ω)).
// Forward: the log amplitude ½·ln(envelope) is resampled on a uniform grid of warped frequencies (the inverse warp is the same
// formula with −α) and projected onto the cosines (a DCT by trapezoidal integration). Inverse: the cosine series evaluated at
// each bin's warped frequency. This is the "warp the log spectrum and take its cepstrum" route, not SPTK's iterative
// UELS-based mcep; truncation to order M smooths the envelope, so the round trip is exact only for envelopes that are already
// smooth on the warped axis.

export interface McepOptions {
  /** Cepstral order M (M + 1 coefficients); default 39. */
  order?: number;
  /** All-pass warping constant; default `defaultAlpha(sampleRate)`. */
  alpha?: number;
}

/** Usual mel-like warping constants by sample rate (16 kHz 0.42, 22.05 kHz 0.455, 44.1 kHz 0.544, 48 kHz 0.554), interpolated. */
export function defaultAlpha(sampleRate: number): number {
  const table: Array<[number, number]> = [
    [8000, 0.31],
    [16000, 0.42],
    [22050, 0.455],
    [44100, 0.544],
    [48000, 0.554],
  ];
  if (sampleRate <= table[0]![0]) return table[0]![1];
  for (let i = 1; i < table.length; i++) {
    const [r1, a1] = table[i]!;
    const [r0, a0] = table[i - 1]!;
    if (sampleRate <= r1) return a0 + ((a1 - a0) * (sampleRate - r0)) / (r1 - r0);
  }
  return table[table.length - 1]![1];
}

/** Warped frequency β(ω) of ω in [0, π] for all-pass constant α. */
export function warpFrequency(omega: number, alpha: number): number {
  return omega + 2 * Math.atan2(alpha * Math.sin(omega), 1 - alpha * Math.cos(omega));
}

const forwardMatrices = new Map<string, Float64Array>();
const inverseMatrices = new Map<string, Float64Array>();
/** Matrices kept per direction: analysis and synthesis use one (size, order, α) each; tests a few more. */
const MAX_CACHED_MATRICES = 8;

function remember(cache: Map<string, Float64Array>, key: string, matrix: Float64Array): void {
  if (cache.size >= MAX_CACHED_MATRICES) cache.delete(cache.keys().next().value!);
  cache.set(key, matrix);
}

/**
 * Forward map (order + 1 rows of `bins` weights): the warped-grid interpolation and the trapezoidal cosine projection are
 * both linear in the log amplitude, so their product is one small matrix, 4× fewer operations per frame than projecting
 * the 4·(bins − 1) + 1 grid points.
 */
function forwardMatrix(bins: number, order: number, alpha: number): Float64Array {
  const key = `${bins}/${order}/${alpha}`;
  const cached = forwardMatrices.get(key);
  if (cached) return cached;
  const half = bins - 1;
  const grid = 4 * half;
  const matrix = new Float64Array((order + 1) * bins);
  for (let g = 0; g <= grid; g++) {
    // Uniform grid on the warped axis, mapped back to (fractional) bins.
    const x = (warpFrequency((Math.PI * g) / grid, -alpha) / Math.PI) * half;
    const i = Math.min(half - 1, Math.floor(x));
    const f = x - i;
    const trap = g === 0 || g === grid ? 0.5 : 1;
    for (let m = 0; m <= order; m++) {
      const w = ((m === 0 ? 1 : 2) / grid) * trap * Math.cos((m * Math.PI * g) / grid);
      matrix[m * bins + i] = matrix[m * bins + i]! + w * (1 - f);
      matrix[m * bins + i + 1] = matrix[m * bins + i + 1]! + w * f;
    }
  }
  remember(forwardMatrices, key, matrix);
  return matrix;
}

/** Inverse map: cos(m·β(ω_k)) at row k, column m, for bins k = 0..half. */
function inverseMatrix(half: number, order: number, alpha: number): Float64Array {
  const key = `${half}/${order}/${alpha}`;
  const cached = inverseMatrices.get(key);
  if (cached) return cached;
  const matrix = new Float64Array((order + 1) * (half + 1));
  for (let k = 0; k <= half; k++) {
    const beta = warpFrequency((Math.PI * k) / half, alpha);
    for (let m = 0; m <= order; m++) matrix[k * (order + 1) + m] = Math.cos(m * beta);
  }
  remember(inverseMatrices, key, matrix);
  return matrix;
}

/** Envelope (power, fftSize/2 + 1 bins) of each frame → mel-cepstrum (order + 1 coefficients, natural-log amplitude units). */
export function envelopeToMcep(envelope: Float32Array[], sampleRate: number, options: McepOptions = {}): Float32Array[] {
  const order = options.order ?? 39;
  const alpha = options.alpha ?? defaultAlpha(sampleRate);
  const out: Float32Array[] = [];
  if (envelope.length === 0) return out;
  const bins = envelope[0]!.length;
  const matrix = forwardMatrix(bins, order, alpha);
  const logAmp = new Float64Array(bins);
  for (const env of envelope) {
    for (let k = 0; k < bins; k++) logAmp[k] = 0.5 * Math.log(Math.max(env[k]!, 1e-30));
    const c = new Float32Array(order + 1);
    // Four rows per pass share the loads of logAmp and keep four independent sums in flight.
    let m = 0;
    for (; m + 3 <= order; m += 4) {
      const r0 = m * bins;
      const r1 = r0 + bins;
      const r2 = r1 + bins;
      const r3 = r2 + bins;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < bins; k++) {
        const v = logAmp[k]!;
        s0 += matrix[r0 + k]! * v;
        s1 += matrix[r1 + k]! * v;
        s2 += matrix[r2 + k]! * v;
        s3 += matrix[r3 + k]! * v;
      }
      c[m] = s0;
      c[m + 1] = s1;
      c[m + 2] = s2;
      c[m + 3] = s3;
    }
    for (; m <= order; m++) {
      let s = 0;
      for (let k = 0; k < bins; k++) s += matrix[m * bins + k]! * logAmp[k]!;
      c[m] = s;
    }
    out.push(c);
  }
  return out;
}

/** Mel-cepstrum of each frame → envelope (power) on fftSize/2 + 1 bins. */
export function mcepToEnvelope(mcep: Float32Array[], fftSize: number, sampleRate: number, options: { alpha?: number } = {}): Float32Array[] {
  const alpha = options.alpha ?? defaultAlpha(sampleRate);
  const half = fftSize / 2;
  const out: Float32Array[] = [];
  if (mcep.length === 0) return out;
  const order = mcep[0]!.length - 1;
  const size = order + 1;
  const matrix = inverseMatrix(half, order, alpha);
  const c = new Float64Array(size);
  for (const frame of mcep) {
    for (let m = 0; m < size; m++) c[m] = frame[m]!;
    const env = new Float32Array(half + 1);
    // Four bins per pass share the loads of c and keep four independent sums in flight.
    let k = 0;
    for (; k + 3 <= half; k += 4) {
      const r0 = k * size;
      const r1 = r0 + size;
      const r2 = r1 + size;
      const r3 = r2 + size;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let m = 0; m < size; m++) {
        const v = c[m]!;
        s0 += matrix[r0 + m]! * v;
        s1 += matrix[r1 + m]! * v;
        s2 += matrix[r2 + m]! * v;
        s3 += matrix[r3 + m]! * v;
      }
      env[k] = Math.exp(2 * s0);
      env[k + 1] = Math.exp(2 * s1);
      env[k + 2] = Math.exp(2 * s2);
      env[k + 3] = Math.exp(2 * s3);
    }
    for (; k <= half; k++) {
      let s = 0;
      for (let m = 0; m < size; m++) s += matrix[k * size + m]! * c[m]!;
      env[k] = Math.exp(2 * s);
    }
    out.push(env);
  }
  return out;
}
