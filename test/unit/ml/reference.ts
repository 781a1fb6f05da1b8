// Float64 JavaScript references of the layers and losses, forward and hand-written backward, written as plain loops.

export type F64 = Float64Array;

export interface Conv2dGeometry {
  readonly stride: readonly [number, number];
  /** top, left, bottom, right */
  readonly pad: readonly [number, number, number, number];
  readonly dilation: readonly [number, number];
  readonly groups: number;
}

export interface Dims4 {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
}

const at4 = (d: Dims4, n: number, c: number, h: number, w: number): number => ((n * d.c + c) * d.h + h) * d.w + w;

function get(a: F64, i: number): number {
  return a[i] ?? Number.NaN;
}

function addAt(a: F64, i: number, v: number): void {
  a[i] = get(a, i) + v;
}

// ---- Linear: y = x W + b, x [B, I], W [I, O] ----

export function linearForward(x: F64, w: F64, b: F64, batch: number, inF: number, outF: number): F64 {
  const y = new Float64Array(batch * outF);
  for (let r = 0; r < batch; r++) {
    for (let o = 0; o < outF; o++) {
      let acc = get(b, o);
      for (let i = 0; i < inF; i++) acc += get(x, r * inF + i) * get(w, i * outF + o);
      y[r * outF + o] = acc;
    }
  }
  return y;
}

export function linearBackward(x: F64, w: F64, dy: F64, batch: number, inF: number, outF: number): { dx: F64; dw: F64; db: F64 } {
  const dx = new Float64Array(batch * inF);
  const dw = new Float64Array(inF * outF);
  const db = new Float64Array(outF);
  for (let r = 0; r < batch; r++) {
    for (let o = 0; o < outF; o++) {
      const g = get(dy, r * outF + o);
      addAt(db, o, g);
      for (let i = 0; i < inF; i++) {
        addAt(dx, r * inF + i, g * get(w, i * outF + o));
        addAt(dw, i * outF + o, g * get(x, r * inF + i));
      }
    }
  }
  return { dx, dw, db };
}

// ---- Conv2d (and Conv1d as H = 1): x [N, C, H, W], w [M, C/G, KH, KW] ----

export function convOutDims(d: Dims4, m: number, kh: number, kw: number, o: Conv2dGeometry): Dims4 {
  const h = Math.floor((d.h + o.pad[0] + o.pad[2] - o.dilation[0] * (kh - 1) - 1) / o.stride[0]) + 1;
  const w = Math.floor((d.w + o.pad[1] + o.pad[3] - o.dilation[1] * (kw - 1) - 1) / o.stride[1]) + 1;
  return { n: d.n, c: m, h, w };
}

/** Visits every (output, input, weight) index triple of the convolution. */
function convTaps(d: Dims4, m: number, kh: number, kw: number, o: Conv2dGeometry, visit: (yi: number, xi: number, wi: number, oc: number) => void): Dims4 {
  const out = convOutDims(d, m, kh, kw, o);
  const cg = d.c / o.groups;
  const mg = m / o.groups;
  for (let n = 0; n < d.n; n++) {
    for (let oc = 0; oc < m; oc++) {
      const group = Math.floor(oc / mg);
      for (let oh = 0; oh < out.h; oh++) {
        for (let ow = 0; ow < out.w; ow++) {
          const yi = at4(out, n, oc, oh, ow);
          for (let c = 0; c < cg; c++) {
            for (let i = 0; i < kh; i++) {
              const ih = oh * o.stride[0] - o.pad[0] + i * o.dilation[0];
              if (ih < 0 || ih >= d.h) continue;
              for (let j = 0; j < kw; j++) {
                const iw = ow * o.stride[1] - o.pad[1] + j * o.dilation[1];
                if (iw < 0 || iw >= d.w) continue;
                visit(yi, at4(d, n, group * cg + c, ih, iw), ((oc * cg + c) * kh + i) * kw + j, oc);
              }
            }
          }
        }
      }
    }
  }
  return out;
}

export function conv2dForward(x: F64, w: F64, b: F64 | undefined, d: Dims4, m: number, kh: number, kw: number, o: Conv2dGeometry): F64 {
  const out = convOutDims(d, m, kh, kw, o);
  const y = new Float64Array(out.n * out.c * out.h * out.w);
  if (b) for (let i = 0; i < y.length; i++) y[i] = get(b, Math.floor(i / (out.h * out.w)) % m);
  convTaps(d, m, kh, kw, o, (yi, xi, wi) => addAt(y, yi, get(x, xi) * get(w, wi)));
  return y;
}

export function conv2dBackward(x: F64, w: F64, dy: F64, d: Dims4, m: number, kh: number, kw: number, o: Conv2dGeometry): { dx: F64; dw: F64; db: F64 } {
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  const db = new Float64Array(m);
  const out = convOutDims(d, m, kh, kw, o);
  for (let i = 0; i < dy.length; i++) addAt(db, Math.floor(i / (out.h * out.w)) % m, get(dy, i));
  convTaps(d, m, kh, kw, o, (yi, xi, wi) => {
    addAt(dx, xi, get(dy, yi) * get(w, wi));
    addAt(dw, wi, get(dy, yi) * get(x, xi));
  });
  return { dx, dw, db };
}

// ---- ConvTranspose2d (groups = 1): x [N, C, H, W], w [C, M, KH, KW] ----

export interface ConvTransposeGeometry {
  readonly stride: readonly [number, number];
  readonly pad: readonly [number, number, number, number];
  readonly dilation: readonly [number, number];
  readonly outputPadding: readonly [number, number];
}

export function convTransposeOutDims(d: Dims4, m: number, kh: number, kw: number, o: ConvTransposeGeometry): Dims4 {
  const h = o.stride[0] * (d.h - 1) + o.outputPadding[0] + o.dilation[0] * (kh - 1) + 1 - o.pad[0] - o.pad[2];
  const w = o.stride[1] * (d.w - 1) + o.outputPadding[1] + o.dilation[1] * (kw - 1) + 1 - o.pad[1] - o.pad[3];
  return { n: d.n, c: m, h, w };
}

function convTransposeTaps(d: Dims4, m: number, kh: number, kw: number, o: ConvTransposeGeometry, visit: (yi: number, xi: number, wi: number) => void): void {
  const out = convTransposeOutDims(d, m, kh, kw, o);
  for (let n = 0; n < d.n; n++) {
    for (let c = 0; c < d.c; c++) {
      for (let ih = 0; ih < d.h; ih++) {
        for (let iw = 0; iw < d.w; iw++) {
          for (let oc = 0; oc < m; oc++) {
            for (let i = 0; i < kh; i++) {
              const oh = ih * o.stride[0] - o.pad[0] + i * o.dilation[0];
              if (oh < 0 || oh >= out.h) continue;
              for (let j = 0; j < kw; j++) {
                const ow = iw * o.stride[1] - o.pad[1] + j * o.dilation[1];
                if (ow < 0 || ow >= out.w) continue;
                visit(at4(out, n, oc, oh, ow), at4(d, n, c, ih, iw), ((c * m + oc) * kh + i) * kw + j);
              }
            }
          }
        }
      }
    }
  }
}

export function convTransposeForward(x: F64, w: F64, b: F64, d: Dims4, m: number, kh: number, kw: number, o: ConvTransposeGeometry): F64 {
  const out = convTransposeOutDims(d, m, kh, kw, o);
  const y = new Float64Array(out.n * out.c * out.h * out.w);
  for (let i = 0; i < y.length; i++) y[i] = get(b, Math.floor(i / (out.h * out.w)) % m);
  convTransposeTaps(d, m, kh, kw, o, (yi, xi, wi) => addAt(y, yi, get(x, xi) * get(w, wi)));
  return y;
}

export function convTransposeBackward(x: F64, w: F64, dy: F64, d: Dims4, m: number, kh: number, kw: number, o: ConvTransposeGeometry): { dx: F64; dw: F64; db: F64 } {
  const out = convTransposeOutDims(d, m, kh, kw, o);
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  const db = new Float64Array(m);
  for (let i = 0; i < dy.length; i++) addAt(db, Math.floor(i / (out.h * out.w)) % m, get(dy, i));
  convTransposeTaps(d, m, kh, kw, o, (yi, xi, wi) => {
    addAt(dx, xi, get(dy, yi) * get(w, wi));
    addAt(dw, wi, get(dy, yi) * get(x, xi));
  });
  return { dx, dw, db };
}

// ---- Nearest upsampling by an integer factor ----

export function upsampleForward(x: F64, d: Dims4, s: number): F64 {
  const out: Dims4 = { ...d, h: d.h * s, w: d.w * s };
  const y = new Float64Array(x.length * s * s);
  for (let n = 0; n < d.n; n++)
    for (let c = 0; c < d.c; c++)
      for (let h = 0; h < out.h; h++) for (let w = 0; w < out.w; w++) y[at4(out, n, c, h, w)] = get(x, at4(d, n, c, Math.floor(h / s), Math.floor(w / s)));
  return y;
}

export function upsampleBackward(dy: F64, d: Dims4, s: number): F64 {
  const out: Dims4 = { ...d, h: d.h * s, w: d.w * s };
  const dx = new Float64Array(d.n * d.c * d.h * d.w);
  for (let n = 0; n < d.n; n++)
    for (let c = 0; c < d.c; c++)
      for (let h = 0; h < out.h; h++) for (let w = 0; w < out.w; w++) addAt(dx, at4(d, n, c, Math.floor(h / s), Math.floor(w / s)), get(dy, at4(out, n, c, h, w)));
  return dx;
}

// ---- Element-wise activations: value and derivative ----

/** erf by its Maclaurin series: exact to ~1e-15 for |x| <= 3, which is all the tests use. */
export function erf(x: number): number {
  let term = x;
  let total = x;
  for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(total); n++) {
    term *= (-x * x) / n;
    total += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * total;
}

export interface Activation {
  readonly f: (x: number) => number;
  readonly df: (x: number) => number;
}

const sigmoidF = (x: number): number => 1 / (1 + Math.exp(-x));
const GELU_C = Math.sqrt(2 / Math.PI);

export const ACTIVATIONS = {
  relu: { f: (x) => Math.max(0, x), df: (x) => (x > 0 ? 1 : 0) },
  leakyRelu: { f: (x) => (x > 0 ? x : 0.1 * x), df: (x) => (x > 0 ? 1 : 0.1) },
  tanh: { f: Math.tanh, df: (x) => 1 - Math.tanh(x) ** 2 },
  sigmoid: { f: sigmoidF, df: (x) => sigmoidF(x) * (1 - sigmoidF(x)) },
  gelu: {
    f: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
    df: (x) => 0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI),
  },
  geluTanh: {
    f: (x) => 0.5 * x * (1 + Math.tanh(GELU_C * (x + 0.044715 * x ** 3))),
    df: (x) => {
      const t = Math.tanh(GELU_C * (x + 0.044715 * x ** 3));
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * x * x);
    },
  },
} satisfies Record<string, Activation>;

// ---- Normalisation over contiguous rows, with a per-row-position or per-channel affine ----

/**
 * Normalises each of `rows` rows of length `len`, then y = xhat * gamma[k] + beta[k] where
 * k = affineIndex(row, position): LayerNorm uses the position, GroupNorm the channel.
 */
export function normForward(x: F64, rows: number, len: number, eps: number, gamma: F64, beta: F64, affineIndex: (row: number, pos: number) => number): { y: F64; xhat: F64; inv: F64 } {
  const y = new Float64Array(x.length);
  const xhat = new Float64Array(x.length);
  const inv = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let i = 0; i < len; i++) mean += get(x, r * len + i);
    mean /= len;
    let variance = 0;
    for (let i = 0; i < len; i++) variance += (get(x, r * len + i) - mean) ** 2;
    variance /= len;
    const s = 1 / Math.sqrt(variance + eps);
    inv[r] = s;
    for (let i = 0; i < len; i++) {
      const k = affineIndex(r, i);
      const h = (get(x, r * len + i) - mean) * s;
      xhat[r * len + i] = h;
      y[r * len + i] = h * get(gamma, k) + get(beta, k);
    }
  }
  return { y, xhat, inv };
}

export function normBackward(x: F64, dy: F64, rows: number, len: number, eps: number, gamma: F64, beta: F64, affineIndex: (row: number, pos: number) => number): { dx: F64; dgamma: F64; dbeta: F64 } {
  const { xhat, inv } = normForward(x, rows, len, eps, gamma, beta, affineIndex);
  const dx = new Float64Array(x.length);
  const dgamma = new Float64Array(gamma.length);
  const dbeta = new Float64Array(beta.length);
  for (let r = 0; r < rows; r++) {
    let meanD = 0;
    let meanDH = 0;
    const dh = new Float64Array(len);
    for (let i = 0; i < len; i++) {
      const k = affineIndex(r, i);
      const g = get(dy, r * len + i);
      addAt(dgamma, k, g * get(xhat, r * len + i));
      addAt(dbeta, k, g);
      dh[i] = g * get(gamma, k);
      meanD += get(dh, i);
      meanDH += get(dh, i) * get(xhat, r * len + i);
    }
    meanD /= len;
    meanDH /= len;
    for (let i = 0; i < len; i++) dx[r * len + i] = get(inv, r) * (get(dh, i) - meanD - get(xhat, r * len + i) * meanDH);
  }
  return { dx, dgamma, dbeta };
}

// ---- Losses: value and gradient with respect to the prediction ----

export function l2(pred: F64, target: F64): { loss: number; grad: F64 } {
  const grad = new Float64Array(pred.length);
  let loss = 0;
  for (let i = 0; i < pred.length; i++) {
    const d = get(pred, i) - get(target, i);
    loss += d * d;
    grad[i] = (2 * d) / pred.length;
  }
  return { loss: loss / pred.length, grad };
}

export function l1(pred: F64, target: F64): { loss: number; grad: F64 } {
  const grad = new Float64Array(pred.length);
  let loss = 0;
  for (let i = 0; i < pred.length; i++) {
    const d = get(pred, i) - get(target, i);
    loss += Math.abs(d);
    grad[i] = Math.sign(d) / pred.length;
  }
  return { loss: loss / pred.length, grad };
}

export function gaussianWindow(size: number, sigma: number): F64 {
  const half = (size - 1) / 2;
  const line = Array.from({ length: size }, (_, i) => Math.exp(-((i - half) ** 2) / (2 * sigma * sigma)));
  const total = line.reduce((a, b) => a + b, 0);
  return Float64Array.from(line.flatMap((a) => line.map((b) => (a * b) / (total * total))));
}

/** 1 - mean SSIM over 'valid' window positions, and its gradient with respect to x. */
export function ssim(x: F64, y: F64, d: Dims4, window: F64, k: number, range: number): { loss: number; grad: F64 } {
  const c1 = (0.01 * range) ** 2;
  const c2 = (0.03 * range) ** 2;
  const oh = d.h - k + 1;
  const ow = d.w - k + 1;
  const count = d.n * d.c * oh * ow;
  const grad = new Float64Array(x.length);
  let total = 0;
  for (let n = 0; n < d.n; n++) {
    for (let c = 0; c < d.c; c++) {
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          let mx = 0;
          let my = 0;
          let exx = 0;
          let eyy = 0;
          let exy = 0;
          for (let a = 0; a < k; a++) {
            for (let b = 0; b < k; b++) {
              const wv = get(window, a * k + b);
              const xv = get(x, at4(d, n, c, i + a, j + b));
              const yv = get(y, at4(d, n, c, i + a, j + b));
              mx += wv * xv;
              my += wv * yv;
              exx += wv * xv * xv;
              eyy += wv * yv * yv;
              exy += wv * xv * yv;
            }
          }
          const a1 = 2 * mx * my + c1;
          const a2 = 2 * (exy - mx * my) + c2;
          const b1 = mx * mx + my * my + c1;
          const b2 = exx - mx * mx + (eyy - my * my) + c2;
          const s = (a1 * a2) / (b1 * b2);
          total += s;
          // d(loss)/dS = -1/count; chain through the five local moments.
          const g = -1 / count;
          const dmx = g * (((2 * my * a2 - 2 * my * a1) / (b1 * b2)) - (s * (2 * mx * b2 - 2 * mx * b1)) / (b1 * b2));
          const dexx = g * (-s / b2);
          const dexy = g * ((2 * a1) / (b1 * b2));
          for (let a = 0; a < k; a++) {
            for (let b = 0; b < k; b++) {
              const idx = at4(d, n, c, i + a, j + b);
              const wv = get(window, a * k + b);
              addAt(grad, idx, wv * (dmx + 2 * get(x, idx) * dexx + get(y, idx) * dexy));
            }
          }
        }
      }
    }
  }
  return { loss: 1 - total / count, grad };
}
