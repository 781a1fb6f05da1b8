// Audio watermark detector: tries every alignment of the tile grid and period, synchronises on the pilots, then decodes the coded mark and checks its CRC (pure; render workers and CLI).
import { CODED_BITS, convolve, markOf, viterbi } from './watermark-code.js';
import {
  analyseFrames,
  BANDS,
  DATA_SYMBOLS,
  HOP,
  LAYOUT,
  level,
  PERIOD_CELLS,
  PERIOD_TILES,
  SYMBOLS,
  TILE_FRAMES,
  tileEnergies,
  WATERMARK_SAMPLE_RATE,
  whiten,
} from './watermark-layout.js';

export interface WatermarkDetection {
  mark: Uint8Array;
  /**
   * How much of the soft evidence agrees with the decoded mark, 0..1: near 1 for a clear mark. Whatever the value, a mark is
   * only reported when its CRC-16 matches.
   */
  confidence: number;
}

/**
 * Grid offsets tried within a hop. The worst misalignment is then HOP / 4 (64 samples, 1.3 ms), which blurs a tile's reading by
 * about a third of a decibel; trying four offsets instead costs twice the time and was no better after either codec.
 */
const SUB_HOP_PHASES = 2;
/** Alignments decoded per grid offset, best pilot score first. Each has a 2^-16 chance of passing the CRC on unmarked audio. */
const CANDIDATES = 4;
/** Fewer tile-times than this cannot hold a mark worth looking for. */
const MIN_TILES = 8;

/** One way of laying the period over the audio: features folded onto the period, and how the period is shifted. */
interface Alignment {
  score: number;
  /** Sum of the whitened features of the tiles at each period cell. */
  folded: Float64Array;
  /** Tiles folded onto each tile-time of the period. */
  counts: Float64Array;
  /** Mean square feature: the variance of one tile's reading when no mark is there. */
  variance: number;
  /** Tile k of the audio sits at tile-time (k + shift) mod PERIOD_TILES of the period. */
  shift: number;
}

/** The pilot cells of the period: their tile-time, band and chip. */
const PILOTS = (() => {
  const cells = Array.from({ length: PERIOD_CELLS }, (_, cell) => cell).filter((cell) => LAYOUT.symbol[cell]! >= DATA_SYMBOLS);
  return {
    tile: Int32Array.from(cells, (cell) => Math.floor(cell / BANDS)),
    band: Int32Array.from(cells, (cell) => cell % BANDS),
    chip: Float64Array.from(cells, (cell) => LAYOUT.chip[cell]!),
  };
})();

/**
 * Looks for a mark in 48 kHz mono audio (decode re-encoded files at 48 kHz; other rates are refused), starting anywhere in the
 * stream and with any codec delay. Returns null when none is found. Works from about 10 s of speech; 30 s is reliable.
 */
export function detectWatermark(samples: Float32Array, sampleRate: number): WatermarkDetection | null {
  if (sampleRate !== WATERMARK_SAMPLE_RATE) throw new RangeError(`detectWatermark needs ${WATERMARK_SAMPLE_RATE} Hz audio, got ${sampleRate} Hz.`);
  // The grid offsets one after the other, best pilot scores first within each: a mark usually decodes at the first.
  for (let phase = 0; phase < SUB_HOP_PHASES; phase++) {
    const offset = (phase * HOP) / SUB_HOP_PHASES;
    // Frame f starts at offset + (f - 1)·HOP, like the embedder's frame f at (f - 1)·HOP.
    const frames = Math.max(0, Math.floor((samples.length - offset) / HOP));
    if (frames < MIN_TILES * TILE_FRAMES) return null;
    const energies = new Float64Array(frames * BANDS);
    analyseFrames(samples, offset - HOP, frames, energies);
    const alignments: Alignment[] = [];
    for (let first = 0; first < TILE_FRAMES; first++) alignments.push(...alignmentsOf(energies, first, Math.floor((frames - first) / TILE_FRAMES)));
    alignments.sort((a, b) => b.score - a.score);
    for (const alignment of alignments.slice(0, CANDIDATES)) {
      const found = decode(alignment);
      if (found) return found;
    }
  }
  return null;
}

/** Folds the tiles starting at frame `first` onto the period and scores every shift by its pilots. */
function alignmentsOf(energies: Float64Array, first: number, tiles: number): Alignment[] {
  const levels = new Float64Array(tiles * BANDS);
  tileEnergies(energies, first, tiles, levels);
  for (let i = 0; i < levels.length; i++) levels[i] = level(levels[i]!, i % BANDS);
  const features = new Float64Array(tiles * BANDS);
  whiten(levels, tiles, null, null, features);
  const folded = new Float64Array(PERIOD_CELLS);
  const counts = new Float64Array(PERIOD_TILES);
  let variance = 0;
  for (let k = 0; k < tiles; k++) {
    const row = (k % PERIOD_TILES) * BANDS;
    counts[k % PERIOD_TILES]!++;
    for (let b = 0; b < BANDS; b++) {
      const f = features[k * BANDS + b]!;
      folded[row + b]! += f;
      variance += f * f;
    }
  }
  variance /= features.length;
  const out: Alignment[] = [];
  for (let shift = 0; shift < PERIOD_TILES; shift++) {
    let sum = 0;
    let weight = 0;
    for (let i = 0; i < PILOTS.chip.length; i++) {
      let tile = PILOTS.tile[i]! - shift;
      if (tile < 0) tile += PERIOD_TILES;
      sum += PILOTS.chip[i]! * folded[tile * BANDS + PILOTS.band[i]!]!;
      weight += counts[tile]!;
    }
    if (weight > 0 && variance > 0) out.push({ score: sum / Math.sqrt(variance * weight), folded, counts, variance, shift });
  }
  return out;
}

/** Soft symbols at the alignment, Viterbi-decoded; the mark when its CRC matches. */
function decode({ folded, counts, variance, shift }: Alignment): WatermarkDetection | null {
  const sums = new Float64Array(SYMBOLS);
  const weights = new Float64Array(SYMBOLS);
  for (let cell = 0; cell < PERIOD_CELLS; cell++) {
    const tile = (Math.floor(cell / BANDS) - shift + PERIOD_TILES) % PERIOD_TILES;
    const j = LAYOUT.symbol[cell]!;
    sums[j]! += LAYOUT.chip[cell]! * folded[tile * BANDS + (cell % BANDS)]!;
    weights[j]! += counts[tile]!;
  }
  const soft = new Float64Array(CODED_BITS);
  for (let j = 0; j < CODED_BITS; j++) soft[j] = weights[j]! > 0 ? sums[j]! / Math.sqrt(variance * weights[j]!) : 0;
  const bits = viterbi(soft);
  const mark = markOf(bits);
  if (!mark) return null;
  return { mark, confidence: agreement(soft, bits) };
}

/** Σ soft·sign over |soft|, with the signs of the decoded bits re-encoded. */
function agreement(soft: Float64Array, bits: Uint8Array): number {
  const coded = convolve(bits);
  let agree = 0;
  let total = 0;
  for (let j = 0; j < soft.length; j++) {
    agree += coded[j] ? soft[j]! : -soft[j]!;
    total += Math.abs(soft[j]!);
  }
  return total > 0 ? Math.max(0, agree / total) : 0;
}
