// Pure audio analysis of a take (any process): loudness per ITU-R BS.1770-4 / EBU R128, true and sample peak, clipping,
// noise floor and SNR. Streaming: LoudnessAnalyzer takes mono chunks of any size; analyseAudio does a whole array.

/** Normalised biquad (a0 = 1): y = b0 x + b1 x1 + b2 x2 - a1 y1 - a2 y2. */
export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

export interface AudioMetrics {
  sampleRate: number;
  /** Mono samples analysed. */
  samples: number;
  durationSeconds: number;
  /** Gated integrated loudness (BS.1770-4); null when nothing passes the -70 LUFS gate (silence, or shorter than 400 ms). */
  integratedLufs: number | null;
  /** Highest 400 ms block loudness (momentary max); null when shorter than 400 ms. */
  momentaryMaxLufs: number | null;
  /** 4x oversampled peak, dB relative to full scale; at least the sample peak. */
  truePeakDbtp: number;
  samplePeakDbfs: number;
  /** Share of samples with |x| >= CLIP_LEVEL. */
  clippedRatio: number;
  clippedSamples: number;
  /** Runs of consecutive clipped samples (a run of one counts). */
  clippedRuns: number;
  longestClippedRun: number;
  /** 10th percentile of 50 ms frame RMS levels, dBFS (20·log10 RMS, so a full-scale sine is -3 dBFS). */
  noiseFloorDbfs: number;
  /** 90th percentile of the same frame levels, dBFS: the level of the speech. */
  signalLevelDbfs: number;
  /** signalLevelDbfs - noiseFloorDbfs. */
  snrDb: number;
}

/** |x| at or above this counts as clipped. */
export const CLIP_LEVEL = 0.999;
/** Levels are clamped here instead of -Infinity (digital silence). */
export const FLOOR_DB = -120;
export const ABSOLUTE_GATE_LUFS = -70;
export const RELATIVE_GATE_LU = -10;
export const BLOCK_SECONDS = 0.4;
/** 75% overlap: a new 400 ms block every 100 ms. */
export const BLOCK_STEP_SECONDS = 0.1;
export const NOISE_FRAME_SECONDS = 0.05;
export const NOISE_FLOOR_PERCENTILE = 0.1;
export const SIGNAL_PERCENTILE = 0.9;
/** Taps per polyphase branch of the true-peak interpolator (128-tap Kaiser-windowed sinc at 4x). */
export const TRUE_PEAK_TAPS_PER_PHASE = 16;
export const TRUE_PEAK_OVERSAMPLING = 4;

/**
 * The two K-weighting stages of BS.1770 (high shelf, then the RLB high-pass), derived for any sample rate from the analog
 * prototypes the 48 kHz coefficients of the standard come from (same derivation as libebur128); at 48 kHz they match the table.
 */
export function kWeightingFilters(sampleRate: number): [Biquad, Biquad] {
  if (!(sampleRate > 0)) throw new RangeError(`sampleRate must be positive, got ${sampleRate}.`);
  // Stage 1: high shelf, +4 dB above ~1.7 kHz (head diffraction).
  const f0 = 1681.974450955533;
  const gainDb = 3.999843853973347;
  const q = 0.7071752369554196;
  let k = Math.tan((Math.PI * f0) / sampleRate);
  const vh = 10 ** (gainDb / 20);
  const vb = vh ** 0.4996667741545416;
  let a0 = 1 + k / q + k * k;
  const shelf: Biquad = {
    b0: (vh + (vb * k) / q + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / q + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / q + k * k) / a0,
  };
  // Stage 2: RLB high-pass at ~38 Hz.
  const f1 = 38.13547087602444;
  const q1 = 0.5003270373238773;
  k = Math.tan((Math.PI * f1) / sampleRate);
  a0 = 1 + k / q1 + k * k;
  const highPass: Biquad = { b0: 1, b1: -2, b2: 1, a1: (2 * (k * k - 1)) / a0, a2: (1 - k / q1 + k * k) / a0 };
  return [shelf, highPass];
}

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let n = 1; n < 50; n++) {
    term *= (x / (2 * n)) ** 2;
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

/**
 * Polyphase coefficients of the 4x interpolator: a Kaiser-windowed (beta 8) sinc low-pass at the original Nyquist frequency,
 * each branch normalised to unity DC gain and stored time-reversed (index 0 multiplies the oldest sample).
 */
export function truePeakCoefficients(tapsPerPhase = TRUE_PEAK_TAPS_PER_PHASE, factor = TRUE_PEAK_OVERSAMPLING): Float64Array[] {
  const length = tapsPerPhase * factor;
  const center = length / 2;
  const beta = 8;
  const norm = besselI0(beta);
  const phases: Float64Array[] = [];
  for (let p = 0; p < factor; p++) {
    const coefficients = new Float64Array(tapsPerPhase);
    let sum = 0;
    for (let k = 0; k < tapsPerPhase; k++) {
      const n = k * factor + p;
      const t = (n - center) / factor;
      const sinc = t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
      const r = (n - center) / center;
      const window = Math.abs(r) <= 1 ? besselI0(beta * Math.sqrt(1 - r * r)) / norm : 0;
      const h = sinc * window;
      coefficients[tapsPerPhase - 1 - k] = h;
      sum += h;
    }
    for (let k = 0; k < tapsPerPhase; k++) coefficients[k] = (coefficients[k] ?? 0) / sum;
    phases.push(coefficients);
  }
  return phases;
}

function toDb(amplitude: number): number {
  return amplitude > 0 ? Math.max(FLOOR_DB, 20 * Math.log10(amplitude)) : FLOOR_DB;
}

function powerToDb(meanSquare: number): number {
  return meanSquare > 0 ? Math.max(FLOOR_DB, 10 * Math.log10(meanSquare)) : FLOOR_DB;
}

/** Linear-interpolated percentile (q in [0, 1]) of unsorted values; FLOOR_DB for none. */
export function percentile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return FLOOR_DB;
  const sorted = Float64Array.from(values).sort();
  const position = Math.min(1, Math.max(0, q)) * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.min(sorted.length - 1, low + 1);
  const a = sorted[low] ?? FLOOR_DB;
  const b = sorted[high] ?? FLOOR_DB;
  return a + (b - a) * (position - low);
}

/** BS.1770 block loudness from the mean square of K-weighted mono samples. */
function blockLufs(meanSquare: number): number {
  return meanSquare > 0 ? -0.691 + 10 * Math.log10(meanSquare) : -Infinity;
}

/** Gated integrated loudness from 400 ms block mean squares (BS.1770-4 §2.8). */
export function gatedLoudness(blockPowers: ArrayLike<number>): number | null {
  let sum = 0;
  let count = 0;
  const absolute: number[] = [];
  for (let i = 0; i < blockPowers.length; i++) {
    const z = blockPowers[i] ?? 0;
    if (blockLufs(z) > ABSOLUTE_GATE_LUFS) {
      absolute.push(z);
      sum += z;
      count++;
    }
  }
  if (count === 0) return null;
  const relativeGate = blockLufs(sum / count) + RELATIVE_GATE_LU;
  sum = 0;
  count = 0;
  for (const z of absolute) {
    if (blockLufs(z) > relativeGate) {
      sum += z;
      count++;
    }
  }
  return count === 0 ? null : blockLufs(sum / count);
}

/** Outputs of the true-peak interpolator examined together; one bound decides whether a block can be skipped. */
const TRUE_PEAK_BLOCK = 32;
/** Slack on the skip bound for the rounding of the interpolator's sums (a few ulp of 16 terms; this is far more). */
const TRUE_PEAK_BOUND_SLACK = 1 + 1e-9;

// The running values of a LoudnessAnalyzer, as indices into one Float64Array rather than as fields. V8 stores a field that
// first held a small integer as an integer and re-shapes the object when a double arrives, throwing away the optimized code
// of every function that touched it; an import makes an analyser per take, so the first takes would keep paying for that.
// Filter state (direct form I), then the energies of the gating step and noise frame being filled, peaks and clipping.
const X1 = 0;
const X2 = 1;
const M1 = 2;
const M2 = 3;
const Y1 = 4;
const Y2 = 5;
const STEP_ENERGY = 6;
const FRAME_ENERGY = 7;
const PEAK = 8;
const INTERPOLATED_PEAK = 9;
const CLIPPED = 10;
const RUNS = 11;
const RUN = 12;
const LONGEST_RUN = 13;
const RUNNING_VALUES = 14;

/**
 * The per-sample work over chunk[from, to): K-weighting (`filter`: shelf b0 b1 b2 a1 a2, then high-pass) into the step energy,
 * the raw frame energy, sample peak and clipping, each sample also copied to window[offset + i] for the true peak. Module-level
 * on typed arrays, like the other hot loops here, so V8 optimizes it early and keeps it.
 */
function measure(chunk: Float32Array, from: number, to: number, window: Float64Array, offset: number, filter: Float64Array, running: Float64Array): void {
  const b0 = filter[0]!;
  const b1 = filter[1]!;
  const b2 = filter[2]!;
  const a1 = filter[3]!;
  const a2 = filter[4]!;
  const c0 = filter[5]!;
  const c1 = filter[6]!;
  const c2 = filter[7]!;
  const d1 = filter[8]!;
  const d2 = filter[9]!;
  let x1 = running[X1]!;
  let x2 = running[X2]!;
  let m1 = running[M1]!;
  let m2 = running[M2]!;
  let y1 = running[Y1]!;
  let y2 = running[Y2]!;
  let stepEnergy = running[STEP_ENERGY]!;
  let frameEnergy = running[FRAME_ENERGY]!;
  let peak = running[PEAK]!;
  let clipped = running[CLIPPED]!;
  let runs = running[RUNS]!;
  let run = running[RUN]!;
  let longestRun = running[LONGEST_RUN]!;
  // A local: a module constant is read through the module context, with a TDZ check, on every use.
  const clipLevel = CLIP_LEVEL;
  for (let i = from; i < to; i++) {
    const x = chunk[i]!;
    window[offset + i] = x;
    const m = b0 * x + b1 * x1 + b2 * x2 - a1 * m1 - a2 * m2;
    const y = c0 * m + c1 * m1 + c2 * m2 - d1 * y1 - d2 * y2;
    x2 = x1;
    x1 = x;
    m2 = m1;
    m1 = m;
    y2 = y1;
    y1 = y;
    stepEnergy += y * y;
    frameEnergy += x * x;
    const magnitude = x < 0 ? -x : x;
    if (magnitude > peak) peak = magnitude;
    if (magnitude >= clipLevel) {
      clipped++;
      if (run++ === 0) runs++;
      if (run > longestRun) longestRun = run;
    } else {
      run = 0;
    }
  }
  running[X1] = x1;
  running[X2] = x2;
  running[M1] = m1;
  running[M2] = m2;
  running[Y1] = y1;
  running[Y2] = y2;
  running[STEP_ENERGY] = stepEnergy;
  running[FRAME_ENERGY] = frameEnergy;
  running[PEAK] = peak;
  running[CLIPPED] = clipped;
  running[RUNS] = runs;
  running[RUN] = run;
  running[LONGEST_RUN] = longestRun;
}

/** bounds[b] = gain · max|x| over the inputs of the b-th block of outputs (output j reads samples[j, j + taps)). */
function blockBounds(samples: Float64Array, outputs: number, taps: number, gain: number, bounds: Float64Array): void {
  const size = TRUE_PEAK_BLOCK;
  for (let b = 0, blockStart = 0; blockStart < outputs; b++, blockStart += size) {
    const inputEnd = (blockStart + size < outputs ? blockStart + size : outputs) + taps - 1;
    let largest = 0;
    for (let j = blockStart; j < inputEnd; j++) {
      const v = samples[j]!;
      const a = v < 0 ? -v : v;
      if (a > largest) largest = a;
    }
    bounds[b] = largest * gain;
  }
}

/**
 * Largest interpolated magnitude over all phases (`coefficients`: `taps` per phase, flattened) of the outputs
 * blockStart..blockEnd - 1. Four outputs at a time share each coefficient load; every output still sums its own terms in
 * tap order, exactly as one at a time.
 */
function blockPeak(samples: Float64Array, blockStart: number, blockEnd: number, coefficients: Float64Array, taps: number): number {
  const phaseEnd = coefficients.length;
  let best = 0;
  let j = blockStart;
  for (; j + 4 <= blockEnd; j += 4) {
    for (let base = 0; base < phaseEnd; base += taps) {
      let y0 = 0;
      let y1 = 0;
      let y2 = 0;
      let y3 = 0;
      for (let k = 0; k < taps; k++) {
        const c = coefficients[base + k]!;
        const at = j + k;
        y0 += c * samples[at]!;
        y1 += c * samples[at + 1]!;
        y2 += c * samples[at + 2]!;
        y3 += c * samples[at + 3]!;
      }
      const m = Math.max(Math.abs(y0), Math.abs(y1), Math.abs(y2), Math.abs(y3));
      if (m > best) best = m;
    }
  }
  for (; j < blockEnd; j++) {
    for (let base = 0; base < phaseEnd; base += taps) {
      let y = 0;
      for (let k = 0; k < taps; k++) y += coefficients[base + k]! * samples[j + k]!;
      const magnitude = y < 0 ? -y : y;
      if (magnitude > best) best = magnitude;
    }
  }
  return best;
}

/** Streaming analyser of one mono signal; push() chunks in order, then read result() (which may be called at any time). */
export class LoudnessAnalyzer {
  readonly sampleRate: number;
  /** K-weighting coefficients for measure(): the shelf's b0 b1 b2 a1 a2, then the high-pass's. */
  private readonly filter: Float64Array;
  private readonly running = new Float64Array(RUNNING_VALUES);
  // Gating: 100 ms sub-blocks of K-weighted energy.
  private readonly stepLength: number;
  private stepFill = 0;
  private readonly stepPowers: number[] = [];
  // Noise frames: 50 ms RMS levels of the raw signal.
  private readonly frameLength: number;
  private frameFill = 0;
  private readonly frameLevels: number[] = [];
  private total = 0;
  // True-peak interpolator (phases 1..3 flattened, each branch oldest sample first).
  private readonly taps: number;
  private readonly coefficients: Float64Array;
  /**
   * Largest gain of any interpolated phase: sum of |c| over its taps. An interpolated sample is a weighted sum of the `taps`
   * input samples in its window, so its magnitude is at most this gain times the largest |x| in that window (about 1.95, +5.8 dB,
   * for the 128-tap Kaiser sinc); windows whose bound cannot beat the peak found so far are skipped, which leaves the final
   * maximum exactly as if every output had been computed.
   */
  private readonly phaseGain: number;
  /** The last taps - 1 input samples, then the current chunk: each output's window is contiguous. */
  private window: Float64Array;
  /** Scratch for interpolatedPeakOf: each block's bound. */
  private bounds = new Float64Array(0);

  constructor(sampleRate = 48_000) {
    if (!Number.isFinite(sampleRate) || sampleRate <= 0) throw new RangeError(`sampleRate must be positive, got ${sampleRate}.`);
    this.sampleRate = sampleRate;
    const [shelf, highPass] = kWeightingFilters(sampleRate);
    this.filter = Float64Array.of(shelf.b0, shelf.b1, shelf.b2, shelf.a1, shelf.a2, highPass.b0, highPass.b1, highPass.b2, highPass.a1, highPass.a2);
    this.stepLength = Math.max(1, Math.round(sampleRate * BLOCK_STEP_SECONDS));
    this.frameLength = Math.max(1, Math.round(sampleRate * NOISE_FRAME_SECONDS));
    const phases = truePeakCoefficients().slice(1); // phase 0 reproduces the input, which the sample peak covers
    this.taps = TRUE_PEAK_TAPS_PER_PHASE;
    this.coefficients = new Float64Array(this.taps * phases.length);
    let gain = 0;
    phases.forEach((c, p) => {
      this.coefficients.set(c, p * this.taps);
      gain = Math.max(gain, c.reduce((sum, h) => sum + Math.abs(h), 0));
    });
    this.phaseGain = gain * TRUE_PEAK_BOUND_SLACK;
    this.window = new Float64Array(this.taps - 1 + 4096);
  }

  push(chunk: Float32Array): void {
    const n = chunk.length;
    if (n === 0) return;
    // The true-peak window: the kept history, then this chunk (measure() copies it in as it reads each sample).
    const keep = this.taps - 1;
    if (this.window.length < keep + n) {
      const grown = new Float64Array(keep + n);
      grown.set(this.window.subarray(0, keep));
      this.window = grown;
    }
    const window = this.window;
    const running = this.running;
    // In stretches that end where a gating step or a noise frame completes, so the per-sample loop tests no boundaries.
    for (let i = 0; i < n; ) {
      let stretch = n - i;
      if (this.stepLength - this.stepFill < stretch) stretch = this.stepLength - this.stepFill;
      if (this.frameLength - this.frameFill < stretch) stretch = this.frameLength - this.frameFill;
      measure(chunk, i, i + stretch, window, keep, this.filter, running);
      i += stretch;
      this.stepFill += stretch;
      if (this.stepFill === this.stepLength) {
        this.stepPowers.push(running[STEP_ENERGY]! / this.stepLength);
        this.stepFill = 0;
        running[STEP_ENERGY] = 0;
      }
      this.frameFill += stretch;
      if (this.frameFill === this.frameLength) {
        this.frameLevels.push(powerToDb(running[FRAME_ENERGY]! / this.frameLength));
        this.frameFill = 0;
        running[FRAME_ENERGY] = 0;
      }
    }
    this.total += n;

    // True peak: examine the n outputs of the window, then keep its last taps - 1 samples.
    const best = this.interpolatedPeakOf(window, n, Math.max(running[PEAK]!, running[INTERPOLATED_PEAK]!));
    if (best > running[INTERPOLATED_PEAK]!) running[INTERPOLATED_PEAK] = best;
    window.copyWithin(0, n, n + keep);
  }

  /**
   * Largest interpolated magnitude of the `outputs` outputs whose windows start at 0, 1, … in `samples`, or `floor` when none
   * exceeds it. Each block of outputs gets the bound phaseGain · max|x| over its inputs, and only blocks whose bound beats the
   * best so far are computed. The block with the highest bound goes first, as it most likely holds the peak and so raises the
   * best early; the rest follow in order (the maximum does not depend on the order).
   */
  private interpolatedPeakOf(samples: Float64Array, outputs: number, floor: number): number {
    const blocks = Math.ceil(outputs / TRUE_PEAK_BLOCK);
    if (this.bounds.length < blocks) this.bounds = new Float64Array(blocks);
    const bounds = this.bounds;
    blockBounds(samples, outputs, this.taps, this.phaseGain, bounds);
    let top = 0;
    for (let b = 1; b < blocks; b++) if (bounds[b]! > bounds[top]!) top = b;
    let best = this.examine(samples, outputs, top, floor);
    for (let b = 0; b < blocks; b++) if (b !== top) best = this.examine(samples, outputs, b, best);
    return best;
  }

  /** `best`, or the peak of block b of the outputs when its bound allows it to be larger and it is. */
  private examine(samples: Float64Array, outputs: number, b: number, best: number): number {
    if (this.bounds[b]! <= best) return best;
    const blockStart = b * TRUE_PEAK_BLOCK;
    return Math.max(best, blockPeak(samples, blockStart, Math.min(outputs, blockStart + TRUE_PEAK_BLOCK), this.coefficients, this.taps));
  }

  /** The interpolator output still held in its history: flush a copy with zeros, leaving the real state untouched. */
  private tailPeak(): number {
    const keep = this.taps - 1;
    const flushed = new Float64Array(keep + this.taps);
    flushed.set(this.window.subarray(0, keep));
    return blockPeak(flushed, 0, this.taps, this.coefficients, this.taps);
  }

  result(): AudioMetrics {
    const running = this.running;
    const stepsPerBlock = Math.round(BLOCK_SECONDS / BLOCK_STEP_SECONDS);
    const blockPowers: number[] = [];
    let momentary = -Infinity;
    for (let start = 0; start + stepsPerBlock <= this.stepPowers.length; start++) {
      let sum = 0;
      for (let k = 0; k < stepsPerBlock; k++) sum += this.stepPowers[start + k] ?? 0;
      const power = sum / stepsPerBlock;
      blockPowers.push(power);
      momentary = Math.max(momentary, blockLufs(power));
    }
    const levels = this.frameLevels.slice();
    // A final partial frame counts when it is at least half a frame, or when it is all there is.
    if (this.frameFill > 0 && (this.frameFill * 2 >= this.frameLength || levels.length === 0)) {
      levels.push(powerToDb(running[FRAME_ENERGY]! / this.frameFill));
    }
    const noiseFloorDbfs = percentile(levels, NOISE_FLOOR_PERCENTILE);
    const signalLevelDbfs = percentile(levels, SIGNAL_PERCENTILE);
    const peak = running[PEAK]!;
    const truePeak = Math.max(peak, running[INTERPOLATED_PEAK]!, this.total > 0 ? this.tailPeak() : 0);
    const clipped = running[CLIPPED]!;
    return {
      sampleRate: this.sampleRate,
      samples: this.total,
      durationSeconds: this.total / this.sampleRate,
      integratedLufs: gatedLoudness(blockPowers),
      momentaryMaxLufs: blockPowers.length === 0 ? null : Math.max(FLOOR_DB, momentary),
      truePeakDbtp: toDb(truePeak),
      samplePeakDbfs: toDb(peak),
      clippedRatio: this.total === 0 ? 0 : clipped / this.total,
      clippedSamples: clipped,
      clippedRuns: running[RUNS]!,
      longestClippedRun: running[LONGEST_RUN]!,
      noiseFloorDbfs,
      signalLevelDbfs,
      snrDb: signalLevelDbfs - noiseFloorDbfs,
    };
  }
}

/** Analyses a whole mono signal at once. */
export function analyseAudio(samples: Float32Array, sampleRate = 48_000): AudioMetrics {
  const analyzer = new LoudnessAnalyzer(sampleRate);
  analyzer.push(samples);
  return analyzer.result();
}
