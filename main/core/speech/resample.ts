// Pure 48 kHz → 16 kHz decimation for the speech-activity model (studio process and workers).
//
// Takes are stored at 48 kHz; Silero VAD wants 16 kHz. Dropping two of every three samples would fold
// everything between 8 and 24 kHz back into the speech band, so the signal first goes through a
// linear-phase FIR lowpass (windowed sinc, Blackman window, 193 taps at 48 kHz, cutoff 7.2 kHz:
// passband flat to about 6.5 kHz, at least ~70 dB down above about 7.9 kHz). The filter is centred,
// so the output has no delay: output sample m lines up with input sample 3m.

export const DECIMATION = 3;
export const FILTER_TAPS = 193;
const HALF = (FILTER_TAPS - 1) / 2;
const CUTOFF_HZ = 7200;
const INPUT_RATE = 48_000;

function lowpassTaps(): Float32Array {
  const taps = new Float32Array(FILTER_TAPS);
  const fc = CUTOFF_HZ / INPUT_RATE;
  let sum = 0;
  for (let k = 0; k < FILTER_TAPS; k++) {
    const n = k - HALF;
    const sinc = n === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * n) / (Math.PI * n);
    const window = 0.42 - 0.5 * Math.cos((2 * Math.PI * k) / (FILTER_TAPS - 1)) + 0.08 * Math.cos((4 * Math.PI * k) / (FILTER_TAPS - 1));
    taps[k] = sinc * window;
    sum += taps[k]!;
  }
  // Unity gain at DC.
  for (let k = 0; k < FILTER_TAPS; k++) taps[k]! /= sum;
  return taps;
}

const TAPS = lowpassTaps();
/** The first HALF + 1 taps as doubles (the rest mirror them), for the folded inner loop. */
const FOLDED = Float64Array.from(TAPS.subarray(0, HALF + 1));
/** Outputs computed together (see decimate); streaming emits whole groups, flush drops the surplus of the last. */
const GROUP = 4;

/**
 * Fills `values` (a multiple of GROUP long) with the filtered, decimated signal: output o's window is
 * buffer[first + 3o, first + 3o + FILTER_TAPS). A function of its own with no rarely taken path, so V8 optimizes
 * it once, early, and keeps it: an import analyses one take at a time, so the first takes run it barely warmed.
 */
function decimate(buffer: Float64Array, first: number, values: Float32Array): void {
  // Module constants as locals: a module binding is read through its context, with a TDZ check, on every use.
  const taps = FOLDED;
  const half = HALF;
  const span = FILTER_TAPS - 1;
  const step = DECIMATION;
  const centre = taps[half]!;
  // The taps are symmetric: fold the window around its centre to halve the multiplications. Output j of a group
  // reads buffer[first + 3j + k] and buffer[last + 3j - k] at folded tap k, so stepping k by 3 moves each read to
  // the next (or previous) output's: the taps go in three interleaved passes (k = r, r + 3, …) and the four outputs
  // share every tap load and all but one sample load per side.
  for (let o = 0; o < values.length; o += 4, first += 4 * step) {
    const last = first + span;
    const mid = first + half;
    let acc0 = centre * buffer[mid]!;
    let acc1 = centre * buffer[mid + 3]!;
    let acc2 = centre * buffer[mid + 6]!;
    let acc3 = centre * buffer[mid + 9]!;
    for (let r = 0; r < step; r++) {
      let lo0 = buffer[first + r]!;
      let lo1 = buffer[first + r + 3]!;
      let lo2 = buffer[first + r + 6]!;
      let hi1 = buffer[last - r + 3]!;
      let hi2 = buffer[last - r + 6]!;
      let hi3 = buffer[last - r + 9]!;
      for (let k = r; k < half; k += step) {
        const t = taps[k]!;
        const lo3 = buffer[first + k + 9]!;
        const hi0 = buffer[last - k]!;
        acc0 += t * (lo0 + hi0);
        acc1 += t * (lo1 + hi1);
        acc2 += t * (lo2 + hi2);
        acc3 += t * (lo3 + hi3);
        lo0 = lo1;
        lo1 = lo2;
        lo2 = lo3;
        hi3 = hi2;
        hi2 = hi1;
        hi1 = hi0;
      }
    }
    values[o] = acc0;
    values[o + 1] = acc1;
    values[o + 2] = acc2;
    values[o + 3] = acc3;
  }
}

/**
 * Streaming 48 kHz → 16 kHz decimator: feed chunks of any length in order with `push`, then `flush`
 * once at the end. The concatenated outputs equal `downsample48kTo16k` of the whole signal
 * (ceil(n / 3) samples for n input samples; the signal is taken as zero outside its ends).
 */
export class Downsampler48kTo16k {
  /**
   * Input not yet fully used: `length` samples from absolute input index `bufferStart` (may be negative: leading zeros).
   * Held as doubles, the type the sums are formed in, so the inner loop loads without converting.
   */
  private buffer = new Float64Array(HALF + 8192);
  private length = HALF;
  private bufferStart = -HALF;
  private received = 0;
  private nextOutput = 0;

  push(chunk: Float32Array): Float32Array {
    this.append(chunk, chunk.length);
    this.received += chunk.length;
    return this.drain(this.received);
  }

  /** Emits the outputs that needed input past the end (treated as zeros) and resets. */
  flush(): Float32Array {
    const outputs = Math.ceil(this.received / DECIMATION) - this.nextOutput;
    // Outputs come in groups of GROUP: enough zeros for the last group, whose surplus outputs are dropped.
    const zeros = HALF + GROUP * DECIMATION;
    this.append(undefined, zeros);
    const result = this.drain(this.received + zeros).slice(0, outputs);
    this.reset();
    return result;
  }

  reset(): void {
    this.buffer.fill(0, 0, HALF);
    this.length = HALF;
    this.bufferStart = -HALF;
    this.received = 0;
    this.nextOutput = 0;
  }

  /** Appends `count` samples of `chunk` (zeros when undefined) behind the kept input, growing the buffer when needed. */
  private append(chunk: Float32Array | undefined, count: number): void {
    const needed = this.length + count;
    if (needed > this.buffer.length) {
      const grown = new Float64Array(Math.max(needed, 2 * this.buffer.length));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    if (chunk) this.buffer.set(chunk, this.length);
    else this.buffer.fill(0, this.length, needed);
    this.length = needed;
  }

  /** Computes the outputs whose filter windows end before `available`, in whole groups of GROUP. */
  private drain(available: number): Float32Array {
    const possible = Math.max(0, Math.ceil((available - HALF) / DECIMATION) - this.nextOutput);
    const count = possible - (possible % GROUP);
    const values = new Float32Array(count);
    decimate(this.buffer, DECIMATION * this.nextOutput - HALF - this.bufferStart, values);
    this.nextOutput += count;
    // Keep only what the next output's window still needs.
    const keepFrom = DECIMATION * this.nextOutput - HALF;
    const drop = Math.max(0, Math.min(keepFrom - this.bufferStart, this.length));
    if (drop > 0) {
      this.buffer.copyWithin(0, drop, this.length);
      this.length -= drop;
      this.bufferStart += drop;
    }
    return values;
  }
}

/** Decimates a whole 48 kHz signal to 16 kHz with the anti-alias lowpass above. */
export function downsample48kTo16k(samples: Float32Array): Float32Array {
  const resampler = new Downsampler48kTo16k();
  const head = resampler.push(samples);
  const tail = resampler.flush();
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

/** Brings samples to the VAD's 16 kHz: 16 kHz passes through, 48 kHz is decimated, other rates are refused. */
export function toVadRate(samples: Float32Array, sampleRate: number): Float32Array {
  if (sampleRate === 16_000) return samples;
  if (sampleRate === 48_000) return downsample48kTo16k(samples);
  throw new Error(`Speech activity needs 16 kHz or 48 kHz audio, got ${sampleRate} Hz.`);
}
