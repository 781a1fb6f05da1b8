// Geometry the audio watermark's embedder and detector share: STFT frames, bands, time-frequency tiles, the period's chip and symbol layout and the whitened tile feature (pure; render workers and CLI).
import { fftOf } from '../speech/fft.js';
import { CODED_BITS } from './watermark-code.js';
import { mulberry32 } from '../platform/seeded-random.js';

export const WATERMARK_SAMPLE_RATE = 48_000;
/** 10.7 ms sqrt-Hann frames at 50% overlap: short, so a tile's gain change reaches at most 10 ms ahead of an onset (inside premasking). */
export const FRAME = 512;
export const HOP = FRAME / 2;
/** A tile is 4 frames (21.3 ms) by one band; its chip raises or lowers the band's level there by about a decibel. */
export const TILE_FRAMES = 4;
/** The layout repeats every 192 tile-times (4.1 s), so any 4.1 s of audio holds every symbol at least once. */
export const PERIOD_TILES = 192;
export const PERIOD_FRAMES = PERIOD_TILES * TILE_FRAMES;
/** Known symbols (always +1) the detector synchronises on; the rest carry the coded mark. */
const PILOT_SYMBOLS = 28;
export const DATA_SYMBOLS = CODED_BITS;
export const SYMBOLS = DATA_SYMBOLS + PILOT_SYMBOLS;
/** Whitened features are clipped here so onsets and speech/silence edges do not swamp the correlation. */
export const FEATURE_CLIP_DB = 6;

/**
 * Band edges in FFT bins (93.75 Hz each), about a fifth of an octave wide from 190 Hz to 8.4 kHz: where speech has its energy
 * and both AAC at 96 kbit/s and Opus at 48 kbit/s (SILK codes up to 8 kHz in hybrid mode) keep the spectral envelope.
 */
const BAND_EDGES: readonly number[] = (() => {
  const edges = [2];
  while (edges[edges.length - 1]! * (WATERMARK_SAMPLE_RATE / FRAME) < 8000) {
    const low = edges[edges.length - 1]!;
    edges.push(low + Math.max(2, Math.round(low * 0.18)));
  }
  return edges;
})();
export const BANDS = BAND_EDGES.length - 1;
const FIRST_BIN = BAND_EDGES[0]!;
/** Bins from FIRST_BIN that belong to a band: the only ones the mark touches. */
export const BAND_BINS = BAND_EDGES[BANDS]! - FIRST_BIN;
export const PERIOD_CELLS = PERIOD_TILES * BANDS;

/** Periodic sqrt-Hann: analysis and synthesis windows whose squares overlap-add to exactly one. */
const WINDOW: Float64Array = Float64Array.from({ length: FRAME }, (_, n) => Math.sqrt(0.5 - 0.5 * Math.cos((2 * Math.PI * n) / FRAME)));

/**
 * Per band, the tile energy of noise at -80 dBFS, added before taking logs: quieter tiles (fades, dither, what a codec leaves of
 * silence) then all read as the same level, so they neither carry nor fake a chip.
 */
export const BAND_FLOOR: Float64Array = Float64Array.from({ length: BANDS }, (_, b) => (BAND_EDGES[b + 1]! - BAND_EDGES[b]!) * TILE_FRAMES * (FRAME / 2) * 1e-8);

interface Layout {
  /** ±1 per cell (tile-time × BANDS + band) of a period. */
  chip: Float64Array;
  /** Symbol per cell: < DATA_SYMBOLS a coded bit, otherwise a pilot. */
  symbol: Int32Array;
  /** Cells per symbol in one period. */
  cells: Float64Array;
}


/** Chips at random, and the cells dealt to the symbols in a random order so each symbol is spread over all times and bands. */
export const LAYOUT: Layout = (() => {
  const next = mulberry32(0x4c4b4e53);
  const chip = Float64Array.from({ length: PERIOD_CELLS }, () => (next() < 0.5 ? -1 : 1));
  const order = Int32Array.from({ length: PERIOD_CELLS }, (_, i) => i);
  for (let i = PERIOD_CELLS - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const symbol = new Int32Array(PERIOD_CELLS);
  const cells = new Float64Array(SYMBOLS);
  order.forEach((cell, i) => {
    symbol[cell] = i % SYMBOLS;
    cells[i % SYMBOLS]!++;
  });
  return { chip, symbol, cells };
})();

/** Band of each bin from FIRST_BIN. */
const BAND_OF_BIN = Int32Array.from({ length: BAND_BINS }, (_, i) => BAND_EDGES.findIndex((edge) => edge > FIRST_BIN + i) - 1);

/** Windowed samples source[start, start + FRAME) into `into`, zero outside the source. */
function windowed(source: Float32Array, start: number, into: Float64Array): void {
  if (start >= 0 && start + FRAME <= source.length) {
    for (let n = 0; n < FRAME; n++) into[n] = source[start + n]! * WINDOW[n]!;
    return;
  }
  for (let n = 0; n < FRAME; n++) {
    const at = start + n;
    into[n] = at >= 0 && at < source.length ? source[at]! * WINDOW[n]! : 0;
  }
}

/**
 * One real frame's band bins out of a packed transform Z = FFT(a + ib): a's spectrum is (Z[k] + conj Z[N-k]) / 2 and b's
 * (Z[k] - conj Z[N-k]) / 2i; `second` picks b. Band energies go to energies[at, at + BANDS), band bins (when given) to
 * spectra[spectrumAt, ...) as re, im pairs.
 */
function untangle(re: Float64Array, im: Float64Array, second: boolean, energies: Float64Array, at: number, spectra: Float64Array | undefined, spectrumAt: number): void {
  energies.fill(0, at, at + BANDS);
  for (let i = 0; i < BAND_BINS; i++) {
    const k = FIRST_BIN + i;
    const zr = re[k]!;
    const zi = im[k]!;
    const wr = re[FRAME - k]!;
    const wi = im[FRAME - k]!;
    const xr = second ? (zi + wi) / 2 : (zr + wr) / 2;
    const xi = second ? (wr - zr) / 2 : (zi - wi) / 2;
    energies[at + BAND_OF_BIN[i]!]! += xr * xr + xi * xi;
    if (spectra) {
      spectra[spectrumAt + 2 * i] = xr;
      spectra[spectrumAt + 2 * i + 1] = xi;
    }
  }
}

/**
 * Frame analysis, two real frames per complex FFT. Frame i of a call starts at first + i·HOP in `source` (zero outside it);
 * `energies` gets its band energies (i·BANDS + band) and, when given, `spectra` its band bins (re, im interleaved,
 * i·2·BAND_BINS + 2·(bin - FIRST_BIN)).
 */
export function analyseFrames(source: Float32Array, first: number, count: number, energies: Float64Array, spectra?: Float64Array): void {
  const fft = fftOf(FRAME);
  const re = new Float64Array(FRAME);
  const im = new Float64Array(FRAME);
  for (let i = 0; i < count; i += 2) {
    const pair = i + 1 < count;
    windowed(source, first + i * HOP, re);
    if (pair) windowed(source, first + (i + 1) * HOP, im);
    else im.fill(0);
    fft.forward(re, im);
    untangle(re, im, false, energies, i * BANDS, spectra, i * 2 * BAND_BINS);
    if (pair) untangle(re, im, true, energies, (i + 1) * BANDS, spectra, (i + 1) * 2 * BAND_BINS);
  }
}

/**
 * Overlap-adds into `out` the change the tile gains make to `count` frames whose band bins are in `spectra` (as analyseFrames
 * writes them): frame i, in tile floor(i / TILE_FRAMES), lands at out[offset + i·HOP]. `gain` holds, per tile and band, the
 * linear amplitude gain minus one, so out accumulates only the difference from the host.
 */
export function synthesiseChange(spectra: Float64Array, gain: Float64Array, count: number, out: Float64Array, offset: number): void {
  const fft = fftOf(FRAME);
  const re = new Float64Array(FRAME);
  const im = new Float64Array(FRAME);
  for (let i = 0; i < count; i += 2) {
    const pair = i + 1 < count;
    re.fill(0);
    im.fill(0);
    // Z = A + iB with A and B Hermitian, so the inverse transform's real part is frame A and its imaginary part frame B.
    const gainA = Math.floor(i / TILE_FRAMES) * BANDS;
    const gainB = Math.floor((i + 1) / TILE_FRAMES) * BANDS;
    const atA = i * 2 * BAND_BINS;
    const atB = atA + 2 * BAND_BINS;
    for (let j = 0; j < BAND_BINS; j++) {
      const k = FIRST_BIN + j;
      const band = BAND_OF_BIN[j]!;
      const g = gain[gainA + band]!;
      const ar = spectra[atA + 2 * j]! * g;
      const ai = spectra[atA + 2 * j + 1]! * g;
      let br = 0;
      let bi = 0;
      if (pair) {
        const h = gain[gainB + band]!;
        br = spectra[atB + 2 * j]! * h;
        bi = spectra[atB + 2 * j + 1]! * h;
      }
      re[k] = ar - bi;
      im[k] = ai + br;
      re[FRAME - k] = ar + bi;
      im[FRAME - k] = br - ai;
    }
    fft.inverse(re, im);
    const base = offset + i * HOP;
    for (let n = 0; n < FRAME; n++) out[base + n]! += re[n]! * WINDOW[n]!;
    if (pair) for (let n = 0; n < FRAME; n++) out[base + HOP + n]! += im[n]! * WINDOW[n]!;
  }
}

/** Tile energies (tile × BANDS + band) from frame band energies: tile k sums frames first + k·TILE_FRAMES onwards. */
export function tileEnergies(frames: Float64Array, first: number, tiles: number, out: Float64Array): void {
  out.fill(0, 0, tiles * BANDS);
  for (let k = 0; k < tiles; k++) {
    for (let f = 0; f < TILE_FRAMES; f++) {
      const from = (first + k * TILE_FRAMES + f) * BANDS;
      for (let b = 0; b < BANDS; b++) out[k * BANDS + b]! += frames[from + b]!;
    }
  }
}

/** Tile level in dB over the band floor. */
export function level(energy: number, band: number): number {
  return 10 * Math.log10(energy + BAND_FLOOR[band]!);
}

/**
 * The feature a chip is read from: each tile's level minus the mean of its four neighbours in time and frequency, clipped to
 * ±FEATURE_CLIP_DB. That removes the speech's own slow envelope and spectral tilt, which would otherwise drown the chips.
 * `levels` holds `tiles` rows of BANDS; `before`/`after` are the rows just outside (null: repeat the edge row).
 */
export function whiten(levels: Float64Array, tiles: number, before: Float64Array | null, after: Float64Array | null, out: Float64Array): void {
  for (let k = 0; k < tiles; k++) {
    for (let b = 0; b < BANDS; b++) {
      const at = k * BANDS + b;
      const here = levels[at]!;
      const previous = k > 0 ? levels[at - BANDS]! : before ? before[b]! : here;
      const following = k + 1 < tiles ? levels[at + BANDS]! : after ? after[b]! : here;
      const below = b > 0 ? levels[at - 1]! : here;
      const above = b + 1 < BANDS ? levels[at + 1]! : here;
      const f = here - (previous + following + below + above) / 4;
      out[at] = f > FEATURE_CLIP_DB ? FEATURE_CLIP_DB : f < -FEATURE_CLIP_DB ? -FEATURE_CLIP_DB : f;
    }
  }
}
