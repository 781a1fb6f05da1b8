// Pure helpers for PCM WAV bytes (studio process): header parsing, 16-bit samples, duration and loudness.

export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Byte offset of the PCM data. */
  dataOffset: number;
  /** Bytes of PCM data (clamped to what the buffer holds). */
  dataLength: number;
  /** Frames (samples per channel). */
  frames: number;
  durationSeconds: number;
}

function tag(view: DataView, offset: number): string {
  return String.fromCharCode(view.getUint8(offset), view.getUint8(offset + 1), view.getUint8(offset + 2), view.getUint8(offset + 3));
}

/** Parses a RIFF/WAVE PCM file; walks the chunks, so extra chunks before "data" are fine. */
export function parseWav(bytes: Uint8Array): WavInfo {
  if (bytes.length < 12) throw new Error(`Not a WAV file: ${bytes.length} bytes.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (tag(view, 0) !== 'RIFF' || tag(view, 8) !== 'WAVE') throw new Error('Not a WAV file: no RIFF/WAVE header.');
  let offset = 12;
  let format: { audioFormat: number; channels: number; sampleRate: number; bitsPerSample: number } | undefined;
  while (offset + 8 <= bytes.length) {
    const id = tag(view, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) throw new Error('WAV fmt chunk is truncated.');
      format = {
        audioFormat: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bitsPerSample: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!format) throw new Error('WAV data chunk comes before its fmt chunk.');
      if (format.audioFormat !== 1) throw new Error(`WAV is not PCM (format ${format.audioFormat}).`);
      if (format.channels < 1 || format.sampleRate < 1 || format.bitsPerSample % 8 !== 0 || format.bitsPerSample === 0) {
        throw new Error('WAV fmt chunk has impossible values.');
      }
      const frameBytes = format.channels * (format.bitsPerSample / 8);
      // Streaming writers may leave a placeholder size; trust the buffer then.
      const available = bytes.length - body;
      const dataLength = Math.floor(Math.min(size, available) / frameBytes) * frameBytes;
      const frames = dataLength / frameBytes;
      return {
        sampleRate: format.sampleRate,
        channels: format.channels,
        bitsPerSample: format.bitsPerSample,
        dataOffset: body,
        dataLength,
        frames,
        durationSeconds: frames / format.sampleRate,
      };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAV file has no data chunk.');
}

/** The 16-bit PCM samples of a WAV (interleaved when several channels), as floats in [-1, 1). */
export function wavSamples(bytes: Uint8Array): Float32Array {
  const info = parseWav(bytes);
  if (info.bitsPerSample !== 16) throw new Error(`Only 16-bit WAV is supported, got ${info.bitsPerSample}-bit.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + info.dataOffset, info.dataLength);
  const samples = new Float32Array(info.dataLength / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true) / 32768;
  return samples;
}

/** Root mean square of samples (0 for none). */
export function rms(samples: Float32Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / samples.length);
}

export const WAV_HEADER_BYTES = 44;

/** The 44-byte header of a mono 16-bit PCM WAV holding `dataLength` bytes of samples. */
export function wavHeader(sampleRate: number, dataLength: number): Uint8Array {
  const bytes = new Uint8Array(WAV_HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  const text = (offset: number, value: string) => {
    for (let i = 0; i < value.length; i++) view.setUint8(offset + i, value.charCodeAt(i));
  };
  text(0, 'RIFF');
  view.setUint32(4, 36 + dataLength, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, dataLength, true);
  return bytes;
}

/** 16-bit PCM of the samples, scaled by 32768 like wavSamples reads them, rounded and clamped to the 16-bit range. */
export function pcm16(samples: Float32Array, out = new Uint8Array(samples.length * 2), offset = 0): Uint8Array {
  const view = new DataView(out.buffer, out.byteOffset);
  for (let i = 0; i < samples.length; i++) view.setInt16(offset + 2 * i, Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32768))), true);
  return out;
}

/** A mono 16-bit PCM WAV of the samples. */
export function encodeWav(samples: Float32Array, sampleRate: number): Uint8Array {
  const bytes = new Uint8Array(WAV_HEADER_BYTES + samples.length * 2);
  bytes.set(wavHeader(sampleRate, samples.length * 2));
  return pcm16(samples, bytes, WAV_HEADER_BYTES);
}
