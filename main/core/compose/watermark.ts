// Inaudible audio watermark carrying a render's 64-bit mark: spread spectrum on the levels of short time-frequency tiles of the speech, informed embedding, streaming (pure; render workers and CLI).
//
// Method. The 48 kHz signal is cut into 10.7 ms sqrt-Hann frames (50% overlap) and 17 bands of about a fifth of an octave
// (190 Hz to 8.4 kHz); four frames by one band make a tile. A fixed pseudo-random layout, repeating every 4.1 s, gives each tile
// a chip (±1) and a symbol: one of the 172 bits of the convolutionally coded mark-plus-CRC, or one of 28 pilots (always +1).
// Embedding multiplies each tile by a gain of a decibel or so in the direction chip × symbol, so the mark is a scaled copy of
// the speech itself (masked by it, absent in silence). The detector reads a tile as its level minus the mean of its four
// neighbours, which removes most of the speech's own envelope; what is left would still swamp a fixed ±1 dB chip, so the
// embedder looks ahead over each 4.1 s period, predicts what the detector will read and, symbol by symbol, raises the gain
// just enough that the symbol reads right with a margin (informed embedding, as in Malvar and Florêncio's improved spread
// spectrum), then checks its prediction against a trial synthesis once and corrects. Per band and period the gains are
// normalised so the band's energy, and so the long-term spectrum and loudness, stay as they were.
// detectWatermark (watermark-detect.ts) searches the alignment, folds the audio onto one period and decodes.
import { convolve, infoBits } from './watermark-code.js';
import {
  analyseFrames,
  BAND_BINS,
  BAND_FLOOR,
  BANDS,
  DATA_SYMBOLS,
  FEATURE_CLIP_DB,
  HOP,
  LAYOUT,
  level,
  PERIOD_CELLS,
  PERIOD_FRAMES,
  PERIOD_TILES,
  SYMBOLS,
  synthesiseChange,
  TILE_FRAMES,
  tileEnergies,
  whiten,
} from './watermark-layout.js';
import { concatSamples } from '../speech/concat.js';

export { detectWatermark, type WatermarkDetection } from './watermark-detect.js';
export { WATERMARK_SAMPLE_RATE } from './watermark-layout.js';

/** Mean whitened feature, dB, each symbol's tiles should show in the direction of their chips (before any codec). */
const TARGET_DB = 0.45;
/** Every tile moves at least this much, so a symbol the speech already favours still gains some margin. */
const MIN_GAIN_DB = 0.2;
/** No tile moves more than this (before the band normalisation), whatever the speech does against its symbol. */
const MAX_GAIN_DB = 2;
/** Gain updates per design pass; the symbols' readings settle well within this. */
const ITERATIONS = 8;
/** A symbol with fewer tiles than this share able to move (silent or clipped) is left at its current gain. */
const MIN_RESPONSIVE = 0.05;

/** Input one block needs: its frames, one tile-time more for the whitening of its last tiles, and the frame reaching past that. */
const BLOCK_INPUT = (PERIOD_FRAMES + TILE_FRAMES + 1) * HOP;
/** Output samples a block finishes; the frame after them overlaps the next block. */
const BLOCK_OUTPUT = PERIOD_FRAMES * HOP;

export interface WatermarkOptions {
  /** Scales the tile gains (default 1): below 1 is fainter and less robust, above 1 the reverse. */
  strength?: number;
}

/**
 * Streaming embedder. process() returns fewer samples than it is given (it holds about 4.1 s to look ahead over a period) and
 * flush() the rest: the outputs of process() then flush(), concatenated, are exactly as long as all the input. Memory stays
 * flat: one period of samples and its spectra. Samples are clamped to [-1, 1]. The output depends only on the mark, the options
 * and the input samples, not on how they are chunked.
 */
export class WatermarkEmbedder {
  /** Per cell of the period, chip × the sign its symbol carries for this mark. */
  private readonly direction = new Float64Array(PERIOD_CELLS);
  private readonly targetDb: number;
  private readonly minGainDb: number;
  private readonly maxGainDb: number;

  /** Input from absolute sample bufferStart; it starts with HOP zeros so frame 0 is centred on sample 0. */
  private readonly buffer = new Float32Array(BLOCK_INPUT);
  private bufferStart = -HOP;
  private filled = HOP;
  private received = 0;
  private emitted = 0;
  private flushed = false;
  /** The last frame's change that overlaps the next block's first frame. */
  private readonly tail = new Float64Array(HOP);
  /** Levels of the previous block's last tile-time as marked (null before the first block): its tiles' time neighbours. */
  private previousLevels: Float64Array | null = null;

  private readonly spectra = new Float64Array((PERIOD_FRAMES + TILE_FRAMES) * 2 * BAND_BINS);
  private readonly frameEnergies = new Float64Array((PERIOD_FRAMES + TILE_FRAMES) * BANDS);
  /** Host tile energies of the block, then of the first tile-time after it. */
  private readonly host = new Float64Array((PERIOD_TILES + 1) * BANDS);
  private readonly nextLevels = new Float64Array(BANDS);
  private readonly amplitude = new Float64Array(SYMBOLS);
  private readonly target = new Float64Array(SYMBOLS);
  private readonly gainDb = new Float64Array(PERIOD_CELLS);
  /** Linear amplitude gain minus one, as synthesiseChange takes it. */
  private readonly gainChange = new Float64Array(PERIOD_CELLS);
  /** Predicted tile energies, levels and features at the current gains. */
  private readonly marked = new Float64Array(PERIOD_CELLS);
  private readonly levels = new Float64Array(PERIOD_CELLS);
  private readonly features = new Float64Array(PERIOD_CELLS);
  /** The same as measured on a trial synthesis. */
  private readonly measuredLevels = new Float64Array(PERIOD_CELLS);
  private readonly measured = new Float64Array(PERIOD_CELLS);
  private readonly reading = new Float64Array(SYMBOLS);
  private readonly responsive = new Float64Array(SYMBOLS);
  private readonly change = new Float64Array(BLOCK_OUTPUT + HOP);
  private readonly trial = new Float32Array(BLOCK_OUTPUT + HOP);

  constructor(mark: Uint8Array, options: WatermarkOptions = {}) {
    const coded = convolve(infoBits(mark));
    const strength = options.strength ?? 1;
    if (!(strength > 0) || !Number.isFinite(strength)) throw new RangeError(`strength must be a positive number, got ${strength}.`);
    this.targetDb = TARGET_DB * strength;
    this.minGainDb = MIN_GAIN_DB * strength;
    this.maxGainDb = MAX_GAIN_DB * strength;
    for (let cell = 0; cell < PERIOD_CELLS; cell++) {
      const symbol = LAYOUT.symbol[cell]!;
      const sign = symbol < DATA_SYMBOLS ? (coded[symbol] ? 1 : -1) : 1;
      this.direction[cell] = LAYOUT.chip[cell]! * sign;
    }
  }

  /** Marks the next chunk; returns the output that is final so far (possibly empty). */
  process(chunk: Float32Array): Float32Array {
    if (this.flushed) throw new Error('WatermarkEmbedder: process() after flush().');
    this.received += chunk.length;
    const outputs: Float32Array[] = [];
    for (let at = 0; at < chunk.length; ) {
      const take = Math.min(chunk.length - at, BLOCK_INPUT - this.filled);
      this.buffer.set(chunk.subarray(at, at + take), this.filled);
      this.filled += take;
      at += take;
      if (this.filled === BLOCK_INPUT) outputs.push(this.runBlock());
    }
    return concatSamples(outputs);
  }

  /** The rest of the output, so that everything returned is as long as everything given. */
  flush(): Float32Array {
    if (this.flushed) return new Float32Array(0);
    this.flushed = true;
    const outputs: Float32Array[] = [];
    while (this.emitted < this.received) {
      this.buffer.fill(0, this.filled);
      this.filled = BLOCK_INPUT;
      outputs.push(this.runBlock());
    }
    return concatSamples(outputs);
  }

  /** Designs, synthesises and emits one period; then keeps the input the next block's first frame needs. */
  private runBlock(): Float32Array {
    analyseFrames(this.buffer, 0, PERIOD_FRAMES + TILE_FRAMES, this.frameEnergies, this.spectra);
    tileEnergies(this.frameEnergies, 0, PERIOD_TILES + 1, this.host);
    for (let b = 0; b < BANDS; b++) this.nextLevels[b] = level(this.host[PERIOD_CELLS + b]!, b);

    this.amplitude.fill(this.minGainDb);
    this.target.fill(this.targetDb);
    this.design();
    // Check the tile-level prediction against what the synthesis really gives (frames overlap tiles and bands leak), and aim
    // each symbol's target off by the difference.
    this.synthesise();
    for (let i = 0; i < this.trial.length; i++) this.trial[i] = this.buffer[i]! + this.change[i]!;
    analyseFrames(this.trial, 0, PERIOD_FRAMES, this.frameEnergies);
    tileEnergies(this.frameEnergies, 0, PERIOD_TILES, this.measuredLevels);
    for (let cell = 0; cell < PERIOD_CELLS; cell++) this.measuredLevels[cell] = level(this.measuredLevels[cell]!, cell % BANDS);
    whiten(this.measuredLevels, PERIOD_TILES, this.previousLevels, this.nextLevels, this.measured);
    this.reading.fill(0);
    for (let cell = 0; cell < PERIOD_CELLS; cell++) {
      const d = this.direction[cell]!;
      this.reading[LAYOUT.symbol[cell]!]! += d * (this.features[cell]! - this.measured[cell]!);
    }
    for (let j = 0; j < SYMBOLS; j++) this.target[j]! += this.reading[j]! / LAYOUT.cells[j]!;
    this.design();
    this.synthesise();

    const start = Math.max(this.emitted, this.bufferStart);
    const end = Math.min(this.received, this.bufferStart + BLOCK_OUTPUT);
    const out = new Float32Array(Math.max(0, end - start));
    for (let i = 0; i < out.length; i++) {
      const at = start + i - this.bufferStart;
      const v = this.buffer[at]! + this.change[at]!;
      out[i] = v > 1 ? 1 : v < -1 ? -1 : v;
    }
    this.emitted = Math.max(this.emitted, end);

    this.tail.set(this.change.subarray(BLOCK_OUTPUT, BLOCK_OUTPUT + HOP));
    this.previousLevels = this.levels.slice(PERIOD_CELLS - BANDS);
    this.buffer.copyWithin(0, BLOCK_OUTPUT, BLOCK_INPUT);
    this.filled = BLOCK_INPUT - BLOCK_OUTPUT;
    this.bufferStart += BLOCK_OUTPUT;
    return out;
  }

  /** Overlap-adds the previous tail and this block's change at the current gains into `change`. */
  private synthesise(): void {
    for (let cell = 0; cell < PERIOD_CELLS; cell++) this.gainChange[cell] = 10 ** (this.gainDb[cell]! / 20) - 1;
    this.change.fill(0);
    this.change.set(this.tail);
    synthesiseChange(this.spectra, this.gainChange, PERIOD_FRAMES, this.change, 0);
  }

  /**
   * Informed embedding: moves each symbol's amplitude until the predicted mean feature of its tiles, in its chips' direction,
   * reaches its target, within [minGainDb, maxGainDb]. Leaves gainDb, levels and features at the final amplitudes.
   */
  private design(): void {
    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      this.shape();
      this.reading.fill(0);
      this.responsive.fill(0);
      for (let cell = 0; cell < PERIOD_CELLS; cell++) {
        const j = LAYOUT.symbol[cell]!;
        const f = this.features[cell]!;
        this.reading[j]! += this.direction[cell]! * f;
        // A clipped feature or a tile at the floor does not follow its gain.
        if (f < FEATURE_CLIP_DB && f > -FEATURE_CLIP_DB && this.marked[cell]! > BAND_FLOOR[cell % BANDS]!) this.responsive[j]!++;
      }
      for (let j = 0; j < SYMBOLS; j++) {
        const share = this.responsive[j]! / LAYOUT.cells[j]!;
        if (share < MIN_RESPONSIVE) continue;
        const step = (this.target[j]! - this.reading[j]! / LAYOUT.cells[j]!) / Math.max(share, 0.2);
        this.amplitude[j] = Math.min(this.maxGainDb, Math.max(this.minGainDb, this.amplitude[j]! + step));
      }
    }
    this.shape();
  }

  /** Gains from the amplitudes, normalised per band to keep its energy over the period; then the predicted levels and features. */
  private shape(): void {
    for (let cell = 0; cell < PERIOD_CELLS; cell++) {
      this.gainDb[cell] = this.direction[cell]! * this.amplitude[LAYOUT.symbol[cell]!]!;
      this.marked[cell] = this.host[cell]! * 10 ** (this.gainDb[cell]! / 10);
    }
    for (let b = 0; b < BANDS; b++) {
      let before = 0;
      let after = 0;
      for (let cell = b; cell < PERIOD_CELLS; cell += BANDS) {
        before += this.host[cell]!;
        after += this.marked[cell]!;
      }
      const correction = before > 0 ? before / after : 1;
      const correctionDb = 10 * Math.log10(correction);
      for (let cell = b; cell < PERIOD_CELLS; cell += BANDS) {
        this.gainDb[cell]! += correctionDb;
        this.marked[cell]! *= correction;
        this.levels[cell] = level(this.marked[cell]!, b);
      }
    }
    whiten(this.levels, PERIOD_TILES, this.previousLevels, this.nextLevels, this.features);
  }
}


/** Marks a whole 48 kHz mono buffer; the result has the same length. */
export function embedWatermark(samples: Float32Array, mark: Uint8Array, options?: WatermarkOptions): Float32Array {
  const embedder = new WatermarkEmbedder(mark, options);
  return concatSamples([embedder.process(samples), embedder.flush()]);
}

