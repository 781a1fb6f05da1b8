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

/** Envelope (power, fftSize/2 + 1 bins) of each frame → mel-cepstrum (order + 1 coefficients, natural-log amplitude units). */
export function envelopeToMcep(envelope: Float32Array[], sampleRate: number, options: McepOptions = {}): Float32Array[] {
  const order = options.order ?? 39;
  const alpha = options.alpha ?? defaultAlpha(sampleRate);
  const out: Float32Array[] = [];
  if (envelope.length === 0) return out;
  const bins = envelope[0]!.length;
  const half = bins - 1;
  // Uniform grid on the warped axis, mapped back to (fractional) bins.
  const grid = 4 * half;
  const pos = new Float64Array(grid + 1);
  for (let g = 0; g <= grid; g++) pos[g] = (warpFrequency((Math.PI * g) / grid, -alpha) / Math.PI) * half;
  const cosTable = new Float64Array((order + 1) * (grid + 1));
  for (let m = 0; m <= order; m++) {
    for (let g = 0; g <= grid; g++) {
      const trap = g === 0 || g === grid ? 0.5 : 1;
      cosTable[m * (grid + 1) + g] = ((m === 0 ? 1 : 2) / grid) * trap * Math.cos((m * Math.PI * g) / grid);
    }
  }
  const logAmp = new Float64Array(bins);
  const warped = new Float64Array(grid + 1);
  for (const env of envelope) {
    for (let k = 0; k < bins; k++) logAmp[k] = 0.5 * Math.log(Math.max(env[k]!, 1e-30));
    for (let g = 0; g <= grid; g++) {
      const x = pos[g]!;
      const i = Math.min(half - 1, Math.floor(x));
      const f = x - i;
      warped[g] = logAmp[i]! * (1 - f) + logAmp[i + 1]! * f;
    }
    const c = new Float32Array(order + 1);
    for (let m = 0; m <= order; m++) {
      let s = 0;
      const row = m * (grid + 1);
      for (let g = 0; g <= grid; g++) s += cosTable[row + g]! * warped[g]!;
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
  const cosTable = new Float64Array((order + 1) * (half + 1));
  for (let k = 0; k <= half; k++) {
    const beta = warpFrequency((Math.PI * k) / half, alpha);
    for (let m = 0; m <= order; m++) cosTable[k * (order + 1) + m] = Math.cos(m * beta);
  }
  for (const c of mcep) {
    const env = new Float32Array(half + 1);
    for (let k = 0; k <= half; k++) {
      let s = 0;
      const row = k * (order + 1);
      for (let m = 0; m <= order; m++) s += cosTable[row + m]! * c[m]!;
      env[k] = Math.exp(2 * s);
    }
    out.push(env);
  }
  return out;
}
