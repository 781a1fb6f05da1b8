// Radix-2 complex FFT with cached twiddles and bit reversal, one instance per size; shared by speech features and voice analysis; main process and workers.

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
