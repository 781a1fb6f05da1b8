// Radix-2 complex FFT with cached twiddles and bit reversal, one instance per size, and a real FFT built on it; shared by speech features and voice analysis and synthesis; main process and workers.

/** Radix-2 complex FFT of one power-of-two size with precomputed twiddles and bit reversal. */
export class ComplexFft {
  readonly n: number;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly rev: Uint32Array;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 2 || (n & (n - 1)) !== 0) throw new Error(`ComplexFft: ${n} is not a power of two ≥ 2`);
    this.n = n;
    this.cos = new Float64Array(n / 2);
    this.sin = new Float64Array(n / 2);
    for (let k = 0; k < n / 2; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / n);
      this.sin[k] = -Math.sin((2 * Math.PI * k) / n);
    }
    this.rev = new Uint32Array(n);
    const bits = Math.round(Math.log2(n));
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.rev[i] = r;
    }
  }

  /** In-place forward transform (e^{−jωn}). */
  forward(re: Float64Array, im: Float64Array): void {
    this.run(re, im, false);
  }

  /** In-place inverse transform, scaled by 1/n. */
  inverse(re: Float64Array, im: Float64Array): void {
    this.run(re, im, true);
    const s = 1 / this.n;
    for (let i = 0; i < this.n; i++) {
      re[i] = re[i]! * s;
      im[i] = im[i]! * s;
    }
  }

  /** In place; `inverse` conjugates the twiddles without the 1/n scaling. */
  run(re: Float64Array, im: Float64Array, inverse: boolean): void {
    const n = this.n;
    const sign = inverse ? -1 : 1;
    for (let i = 0; i < n; i++) {
      const j = this.rev[i]!;
      if (i < j) {
        const tr = re[i]!;
        re[i] = re[j]!;
        re[j] = tr;
        const ti = im[i]!;
        im[i] = im[j]!;
        im[j] = ti;
      }
    }
    for (let size = 2; size <= n; size <<= 1) {
      const half = size >> 1;
      const stride = n / size;
      for (let k = 0; k < half; k++) {
        const wr = this.cos[k * stride]!;
        const wi = sign * this.sin[k * stride]!;
        for (let a = k; a < n; a += size) {
          const b = a + half;
          const xr = re[b]! * wr - im[b]! * wi;
          const xi = re[b]! * wi + im[b]! * wr;
          re[b] = re[a]! - xr;
          im[b] = im[a]! - xi;
          re[a] = re[a]! + xr;
          im[a] = im[a]! + xi;
        }
      }
    }
  }
}

const fftCache = new Map<number, ComplexFft>();

/** A cached FFT of size n. */
export function fftOf(n: number): ComplexFft {
  let f = fftCache.get(n);
  if (!f) {
    f = new ComplexFft(n);
    fftCache.set(n, f);
  }
  return f;
}

/**
 * FFT of n real samples through one complex FFT of n/2 (even samples as real parts, odd ones as imaginary), and its
 * inverse for Hermitian spectra: half the work of a complex transform of the same size.
 */
export class RealFft {
  readonly n: number;
  private readonly fft: ComplexFft;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 4 || (n & (n - 1)) !== 0) throw new Error(`RealFft: ${n} is not a power of two ≥ 4`);
    this.n = n;
    const h = n / 2;
    this.fft = fftOf(h);
    this.cos = new Float64Array(h + 1);
    this.sin = new Float64Array(h + 1);
    for (let k = 0; k <= h; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / n);
      this.sin[k] = Math.sin((2 * Math.PI * k) / n);
    }
    this.zr = new Float64Array(h);
    this.zi = new Float64Array(h);
  }

  /** Bins 0..n/2 of the spectrum of real `x` (length n) into `outRe`/`outIm`. */
  forward(x: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    const h = this.n / 2;
    const { zr, zi } = this;
    for (let t = 0; t < h; t++) {
      zr[t] = x[2 * t]!;
      zi[t] = x[2 * t + 1]!;
    }
    this.fft.forward(zr, zi);
    for (let k = 0; k <= h; k++) {
      const a = k % h;
      const b = (h - k) % h;
      // The even samples' spectrum E and the odd ones' O, then X = E + e^{−2πjk/n}·O.
      const er = (zr[a]! + zr[b]!) / 2;
      const ei = (zi[a]! - zi[b]!) / 2;
      const or = (zi[a]! + zi[b]!) / 2;
      const oi = -(zr[a]! - zr[b]!) / 2;
      const c = this.cos[k]!;
      const s = -this.sin[k]!;
      outRe[k] = er + or * c - oi * s;
      outIm[k] = ei + or * s + oi * c;
    }
  }

  /** Real `out` (length n) from a Hermitian spectrum given on bins 0..n/2 (imaginary parts at 0 and n/2 ignored), scaled by 1/n. */
  inverse(re: Float64Array, im: Float64Array, out: Float64Array): void {
    const h = this.n / 2;
    const { zr, zi } = this;
    for (let k = 0; k < h; k++) {
      const m = h - k;
      const xr = re[k]!;
      const xi = k === 0 ? 0 : im[k]!;
      const yr = re[m]!;
      const yi = m === h ? 0 : -im[m]!;
      const er = (xr + yr) / 2;
      const ei = (xi + yi) / 2;
      const dr = (xr - yr) / 2;
      const di = (xi - yi) / 2;
      const c = this.cos[k]!;
      const s = this.sin[k]!;
      const or = dr * c - di * s;
      const oi = dr * s + di * c;
      zr[k] = er - oi;
      zi[k] = ei + or;
    }
    this.fft.inverse(zr, zi);
    for (let t = 0; t < h; t++) {
      out[2 * t] = zr[t]!;
      out[2 * t + 1] = zi[t]!;
    }
  }
}
