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

/** Streaming analyser of one mono signal; push() chunks in order, then read result() (which may be called at any time). */
export class LoudnessAnalyzer {
  readonly sampleRate: number;
  private readonly shelf: Biquad;
  private readonly highPass: Biquad;
  // Filter state (direct form I).
  private x1 = 0;
  private x2 = 0;
  private m1 = 0;
  private m2 = 0;
  private y1 = 0;
  private y2 = 0;
  // Gating: 100 ms sub-blocks of K-weighted energy.
  private readonly stepLength: number;
  private stepFill = 0;
  private stepEnergy = 0;
  private readonly stepPowers: number[] = [];
  // Noise frames: 50 ms RMS levels of the raw signal.
  private readonly frameLength: number;
  private frameFill = 0;
  private frameEnergy = 0;
  private readonly frameLevels: number[] = [];
  // Peaks and clipping.
  private total = 0;
  private peak = 0;
  private interpolatedPeak = 0;
  private clipped = 0;
  private runs = 0;
  private run = 0;
  private longestRun = 0;
  // True-peak interpolator (phases 1..3 flattened, each branch oldest sample first).
  private readonly taps: number;
  private readonly coefficients: Float64Array;
  private readonly phaseCount: number;
  /**
   * Largest gain of any interpolated phase: sum of |c| over its taps. An interpolated sample is a weighted sum of the `taps`
   * input samples in its window, so its magnitude is at most this gain times the largest |x| in that window (about 1.95, +5.8 dB,
   * for the 128-tap Kaiser sinc); windows whose bound cannot beat the peak found so far are skipped, which leaves the final
   * maximum exactly as if every output had been computed.
   */
  private readonly phaseGain: number;
  /** The last taps - 1 input samples, then the current chunk: each output's window is contiguous. */
  private window: Float64Array;
  /** Scratch for interpolatedPeakOf: each block's bound, and the blocks worth examining. */
  private bounds = new Float64Array(0);
  private order = new Uint32Array(0);

  constructor(sampleRate = 48_000) {
    if (!Number.isFinite(sampleRate) || sampleRate <= 0) throw new RangeError(`sampleRate must be positive, got ${sampleRate}.`);
    this.sampleRate = sampleRate;
    [this.shelf, this.highPass] = kWeightingFilters(sampleRate);
    this.stepLength = Math.max(1, Math.round(sampleRate * BLOCK_STEP_SECONDS));
    this.frameLength = Math.max(1, Math.round(sampleRate * NOISE_FRAME_SECONDS));
    const phases = truePeakCoefficients().slice(1); // phase 0 reproduces the input, which `peak` covers
    this.taps = TRUE_PEAK_TAPS_PER_PHASE;
    this.phaseCount = phases.length;
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
    const { b0, b1, b2, a1, a2 } = this.shelf;
    const { b0: c0, b1: c1, b2: c2, a1: d1, a2: d2 } = this.highPass;
    let { x1, x2, m1, m2, y1, y2, stepFill, stepEnergy, frameFill, frameEnergy, peak, clipped, runs, run, longestRun } = this;
    const { stepLength, frameLength, stepPowers, frameLevels } = this;
    for (let i = 0; i < n; i++) {
      const x = chunk[i]!;
      // K-weighting.
      const m = b0 * x + b1 * x1 + b2 * x2 - a1 * m1 - a2 * m2;
      const y = c0 * m + c1 * m1 + c2 * m2 - d1 * y1 - d2 * y2;
      x2 = x1;
      x1 = x;
      m2 = m1;
      m1 = m;
      y2 = y1;
      y1 = y;
      stepEnergy += y * y;
      if (++stepFill === stepLength) {
        stepPowers.push(stepEnergy / stepLength);
        stepFill = 0;
        stepEnergy = 0;
      }
      frameEnergy += x * x;
      if (++frameFill === frameLength) {
        frameLevels.push(powerToDb(frameEnergy / frameLength));
        frameFill = 0;
        frameEnergy = 0;
      }
      const magnitude = x < 0 ? -x : x;
      if (magnitude > peak) peak = magnitude;
      if (magnitude >= CLIP_LEVEL) {
        clipped++;
        if (run++ === 0) runs++;
        if (run > longestRun) longestRun = run;
      } else {
        run = 0;
      }
    }
    this.x1 = x1;
    this.x2 = x2;
    this.m1 = m1;
    this.m2 = m2;
    this.y1 = y1;
    this.y2 = y2;
    this.stepFill = stepFill;
    this.stepEnergy = stepEnergy;
    this.frameFill = frameFill;
    this.frameEnergy = frameEnergy;
    this.peak = peak;
    this.clipped = clipped;
    this.runs = runs;
    this.run = run;
    this.longestRun = longestRun;
    this.total += n;

    // True peak: append the chunk behind the kept history, examine its n outputs, keep the last taps - 1 samples.
    const keep = this.taps - 1;
    if (this.window.length < keep + n) {
      const grown = new Float64Array(keep + n);
      grown.set(this.window.subarray(0, keep));
      this.window = grown;
    }
    const window = this.window;
    window.set(chunk, keep);
    const best = this.interpolatedPeakOf(window, n, Math.max(peak, this.interpolatedPeak));
    if (best > this.interpolatedPeak) this.interpolatedPeak = best;
    window.copyWithin(0, n, n + keep);
  }

  /**
   * Largest interpolated magnitude of the `outputs` outputs whose windows start at 0, 1, … in `samples`, or `floor` when none
   * exceeds it. Each block of outputs gets the bound phaseGain · max|x| over its inputs; blocks are examined from the highest
   * bound down (the maximum does not depend on the order), and once a bound is at most the best so far, no later block can
   * beat it and the rest are skipped.
   */
  private interpolatedPeakOf(samples: Float64Array, outputs: number, floor: number): number {
    const taps = this.taps;
    const gain = this.phaseGain;
    const blocks = Math.ceil(outputs / TRUE_PEAK_BLOCK);
    if (this.bounds.length < blocks) {
      this.bounds = new Float64Array(blocks);
      this.order = new Uint32Array(blocks);
    }
    const { bounds, order } = this;
    let candidates = 0;
    for (let b = 0; b < blocks; b++) {
      const blockStart = b * TRUE_PEAK_BLOCK;
      const inputEnd = Math.min(outputs, blockStart + TRUE_PEAK_BLOCK) + taps - 1;
      let largest = 0;
      for (let j = blockStart; j < inputEnd; j++) {
        const v = samples[j]!;
        const a = v < 0 ? -v : v;
        if (a > largest) largest = a;
      }
      const bound = largest * gain;
      bounds[b] = bound;
      if (bound > floor) order[candidates++] = b;
    }
    if (candidates === 0) return floor;
    const ranked = order.subarray(0, candidates).sort((a, b) => bounds[b]! - bounds[a]!);
    let best = floor;
    for (let r = 0; r < candidates; r++) {
      const b = ranked[r]!;
      if (bounds[b]! <= best) break;
      const blockStart = b * TRUE_PEAK_BLOCK;
      const blockEnd = Math.min(outputs, blockStart + TRUE_PEAK_BLOCK);
      const magnitude = this.blockPeak(samples, blockStart, blockEnd);
      if (magnitude > best) best = magnitude;
    }
    return best;
  }

  /**
   * Largest interpolated magnitude over phases 1..3 of the outputs blockStart..blockEnd - 1. Four outputs at a time share
   * each coefficient load; every output still sums its own terms in tap order, exactly as one at a time.
   */
  private blockPeak(samples: Float64Array, blockStart: number, blockEnd: number): number {
    const taps = this.taps;
    const coefficients = this.coefficients;
    const phaseEnd = this.phaseCount * taps;
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

  /** The interpolator output still held in its history: flush a copy with zeros, leaving the real state untouched. */
  private tailPeak(): number {
    const keep = this.taps - 1;
    const flushed = new Float64Array(keep + this.taps);
    flushed.set(this.window.subarray(0, keep));
    return this.interpolatedPeakOf(flushed, this.taps, 0);
  }

  result(): AudioMetrics {
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
      levels.push(powerToDb(this.frameEnergy / this.frameFill));
    }
    const noiseFloorDbfs = percentile(levels, NOISE_FLOOR_PERCENTILE);
    const signalLevelDbfs = percentile(levels, SIGNAL_PERCENTILE);
    const truePeak = Math.max(this.peak, this.interpolatedPeak, this.total > 0 ? this.tailPeak() : 0);
    return {
      sampleRate: this.sampleRate,
      samples: this.total,
      durationSeconds: this.total / this.sampleRate,
      integratedLufs: gatedLoudness(blockPowers),
      momentaryMaxLufs: blockPowers.length === 0 ? null : Math.max(FLOOR_DB, momentary),
      truePeakDbtp: toDb(truePeak),
      samplePeakDbfs: toDb(this.peak),
      clippedRatio: this.total === 0 ? 0 : this.clipped / this.total,
      clippedSamples: this.clipped,
      clippedRuns: this.runs,
      longestClippedRun: this.longestRun,
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
