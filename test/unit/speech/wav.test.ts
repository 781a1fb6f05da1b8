// Unit tests of the WAV helpers used by the eSpeak NG runner.
import { describe, expect, it } from 'vitest';
import { parseWav, rms, wavSamples } from '../../../main/core/speech/wav.js';

function wav(samples: number[], options: { sampleRate?: number; channels?: number; dataSize?: number; extraChunk?: boolean } = {}): Uint8Array {
  const sampleRate = options.sampleRate ?? 22050;
  const channels = options.channels ?? 1;
  const extra = options.extraChunk ? 12 : 0;
  const bytes = new Uint8Array(44 + extra + samples.length * 2);
  const view = new DataView(bytes.buffer);
  const text = (offset: number, value: string) => [...value].forEach((char, i) => view.setUint8(offset + i, char.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, bytes.length - 8, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * 2, true);
  view.setUint16(32, channels * 2, true);
  view.setUint16(34, 16, true);
  let offset = 36;
  if (options.extraChunk) {
    text(offset, 'LIST');
    view.setUint32(offset + 4, 4, true);
    offset += 12;
  }
  text(offset, 'data');
  view.setUint32(offset + 4, options.dataSize ?? samples.length * 2, true);
  samples.forEach((sample, i) => view.setInt16(offset + 8 + i * 2, sample, true));
  return bytes;
}

describe('wav', () => {
  it('parses a mono 16-bit header', () => {
    expect(parseWav(wav(new Array(22050).fill(0)))).toEqual({
      sampleRate: 22050, channels: 1, bitsPerSample: 16, dataOffset: 44, dataLength: 44100, frames: 22050, durationSeconds: 1,
    });
  });

  it('skips extra chunks and clamps a placeholder data size', () => {
    const info = parseWav(wav([1, 2, 3, 4], { extraChunk: true, dataSize: 0x7fffffff }));
    expect(info).toMatchObject({ dataOffset: 56, dataLength: 8, frames: 4 });
    expect(parseWav(wav([1, 2, 3, 4], { channels: 2 })).frames).toBe(2);
  });

  it('rejects what is not a PCM WAV', () => {
    expect(() => parseWav(new Uint8Array(4))).toThrow(/Not a WAV/);
    expect(() => parseWav(new TextEncoder().encode('RIFF....AVI LIST'))).toThrow(/RIFF\/WAVE/);
    expect(() => parseWav(wav([]).subarray(0, 36))).toThrow(/no data chunk/);
  });

  it('reads samples and their RMS', () => {
    const samples = wavSamples(wav([16384, -16384, 16384, -16384]));
    expect([...samples]).toEqual([0.5, -0.5, 0.5, -0.5]);
    expect(rms(samples)).toBeCloseTo(0.5, 9);
    expect(rms(new Float32Array())).toBe(0);
  });
});

describe('encodeWav', () => {
  it('writes a 16-bit mono WAV that parses back to the same samples within one step', async () => {
    const { encodeWav } = await import('../../../main/core/speech/wav.js');
    const samples = Float32Array.from({ length: 4800 }, (_, i) => 0.8 * Math.sin((2 * Math.PI * 440 * i) / 48000));
    const bytes = encodeWav(Float32Array.from([...samples, 2, -2]), 48000);
    const info = parseWav(bytes);
    expect(info).toMatchObject({ sampleRate: 48000, channels: 1, bitsPerSample: 16, frames: 4802 });
    const back = wavSamples(bytes);
    for (let i = 0; i < samples.length; i++) expect(Math.abs(back[i]! - samples[i]!)).toBeLessThanOrEqual(0.5 / 32768);
    expect(back[4800]).toBeCloseTo(1, 4);
    expect(back[4801]).toBe(-1);
  });
});
