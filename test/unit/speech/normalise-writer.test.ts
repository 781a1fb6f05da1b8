// Finished speech: normalised to -16 LUFS under a -1 dBTP ceiling, and written as a WAV that appears only when complete.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyseAudio } from '../../../main/core/speech/loudness.js';
import { normaliseLoudness } from '../../../main/core/speech/normalise.js';
import { parseWav, wavSamples } from '../../../main/core/speech/wav.js';
import { WavWriter } from '../../../main/core/speech/wav-writer.js';
import { tempDir } from '../../support/tmp.js';

const RATE = 24_000;
const sine = (amplitude: number, seconds = 3, hz = 997) => Float32Array.from({ length: RATE * seconds }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / RATE));

describe('loudness normalisation', () => {
  it('brings a quiet signal to -16 LUFS', () => {
    const out = normaliseLoudness(sine(0.01), RATE);
    expect(out.inputLufs!).toBeLessThan(-40);
    expect(analyseAudio(out.samples, RATE).integratedLufs!).toBeCloseTo(-16, 1);
    expect(out.outputLufs!).toBeCloseTo(-16, 1);
  });

  it('reaches the target with brief peaks limited under -1 dBTP', () => {
    // Speech-like: a tone with short bursts 12 dB over it.
    const x = sine(0.05);
    for (let i = 0; i < x.length; i += 4800) for (let k = 0; k < 48; k++) x[i + k] = x[i + k]! * 4;
    const out = normaliseLoudness(x, RATE);
    const measured = analyseAudio(out.samples, RATE);
    expect(measured.truePeakDbtp).toBeLessThanOrEqual(-1);
    expect(measured.integratedLufs!).toBeCloseTo(-16, 0);
  });

  it('stops short of the target rather than limit more than 10 dB', () => {
    // A click train: all peak, no body.
    const clicks = new Float32Array(RATE * 3);
    for (let i = 0; i < clicks.length; i += 2400) clicks[i] = 0.5;
    const out = normaliseLoudness(clicks, RATE);
    expect(analyseAudio(out.samples, RATE).truePeakDbtp).toBeLessThanOrEqual(-0.99);
    expect(out.outputLufs!).toBeLessThan(-16);
  });

  it('leaves silence alone', () => {
    const out = normaliseLoudness(new Float32Array(RATE), RATE);
    expect(out).toMatchObject({ gainDb: 0, inputLufs: null, outputLufs: null });
  });
});

describe('WAV writer', () => {
  it('writes chunks as they come and shows the file only when closed', () => {
    const dir = tempDir();
    const target = join(dir, 'out.wav');
    const writer = new WavWriter(target, RATE);
    writer.write(sine(0.5, 1));
    writer.write(sine(0.25, 1));
    expect(existsSync(target)).toBe(false);
    expect(writer.seconds).toBe(2);
    writer.close();
    const bytes = new Uint8Array(readFileSync(target));
    expect(parseWav(bytes)).toMatchObject({ sampleRate: RATE, channels: 1 });
    const samples = wavSamples(bytes);
    expect(samples.length).toBe(2 * RATE);
    expect(Math.max(...samples.subarray(0, RATE))).toBeCloseTo(0.5, 3);
    expect(readdirSync(dir)).toEqual(['out.wav']);
  });

  it('leaves nothing behind when aborted', () => {
    const dir = tempDir();
    const writer = new WavWriter(join(dir, 'out.wav'), RATE);
    writer.write(sine(0.5, 1));
    writer.abort();
    expect(readdirSync(dir)).toEqual([]);
  });
});
