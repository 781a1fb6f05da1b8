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

/**
 * Streaming 48 kHz → 16 kHz decimator: feed chunks of any length in order with `push`, then `flush`
 * once at the end. The concatenated outputs equal `downsample48kTo16k` of the whole signal
 * (ceil(n / 3) samples for n input samples; the signal is taken as zero outside its ends).
 */
export class Downsampler48kTo16k {
  /** Input not yet fully used, starting at absolute input index `bufferStart` (may be negative: leading zeros). */
  private buffer = new Float32Array(HALF);
  private bufferStart = -HALF;
  private received = 0;
  private nextOutput = 0;

  push(chunk: Float32Array): Float32Array {
    const joined = new Float32Array(this.buffer.length + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, this.buffer.length);
    this.buffer = joined;
    this.received += chunk.length;
    return this.drain(this.received);
  }

  /** Emits the outputs that needed input past the end (treated as zeros) and resets. */
  flush(): Float32Array {
    const outputs = Math.ceil(this.received / DECIMATION) - this.nextOutput;
    const tail = new Float32Array(this.buffer.length + HALF + DECIMATION);
    tail.set(this.buffer);
    this.buffer = tail;
    const result = this.drain(this.received + HALF + DECIMATION, outputs);
    this.reset();
    return result;
  }

  reset(): void {
    this.buffer = new Float32Array(HALF);
    this.bufferStart = -HALF;
    this.received = 0;
    this.nextOutput = 0;
  }

  /** Computes every output whose filter window ends before `available`, at most `limit` of them. */
  private drain(available: number, limit = Number.POSITIVE_INFINITY): Float32Array {
    const possible = Math.max(0, Math.ceil((available - HALF) / DECIMATION) - this.nextOutput);
    const values = new Float32Array(Math.min(limit, possible));
    const buffer = this.buffer;
    for (let o = 0; o < values.length; o++) {
      const first = DECIMATION * this.nextOutput - HALF - this.bufferStart;
      // The taps are symmetric: fold the window around its centre to halve the multiplications.
      const last = first + FILTER_TAPS - 1;
      let acc = TAPS[HALF]! * buffer[first + HALF]!;
      for (let k = 0; k < HALF; k++) acc += TAPS[k]! * (buffer[first + k]! + buffer[last - k]!);
      values[o] = acc;
      this.nextOutput++;
    }
    // Keep only what the next output's window still needs.
    const keepFrom = DECIMATION * this.nextOutput - HALF;
    const drop = Math.max(0, Math.min(keepFrom - this.bufferStart, this.buffer.length));
    if (drop > 0) {
      this.buffer = this.buffer.slice(drop);
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
