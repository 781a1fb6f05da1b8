// A 16-bit PCM WAV file written as audio arrives, renamed into place only when complete; main process and workers.
import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncDirectory, tempPathFor } from '../store/atomic.js';
import { translateFsError } from '../store/fs-errors.js';
import { WAV_HEADER_BYTES, pcm16, wavHeader } from './wav.js';

/** Mono 16-bit WAV. Nothing appears under `target` until close(): a crash or abort leaves no half file. */
export class WavWriter {
  private readonly temp: string;
  private readonly fd: number;
  private dataBytes = 0;
  private closed = false;

  constructor(
    private readonly target: string,
    readonly sampleRate: number,
  ) {
    this.temp = tempPathFor(target);
    try {
      this.fd = openSync(this.temp, 'wx+', 0o600);
      writeSync(this.fd, wavHeader(sampleRate, 0));
    } catch (error) {
      throw translateFsError(error, 'the audio file', dirname(target));
    }
  }

  get seconds(): number {
    return this.dataBytes / 2 / this.sampleRate;
  }

  write(samples: Float32Array): void {
    const pcm = pcm16(samples);
    if (this.dataBytes + pcm.length > 0xffffffff - 36) throw new RangeError('a WAV file holds at most 4 GiB of audio');
    try {
      writeSync(this.fd, pcm);
    } catch (error) {
      throw translateFsError(error, 'the audio file', dirname(this.target));
    }
    this.dataBytes += pcm.length;
  }

  /** Finishes the file; `gain` (linear) scales everything written, in place and in chunks, before it appears. */
  close(gain = 1): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (gain !== 1) this.scale(gain);
      writeSync(this.fd, wavHeader(this.sampleRate, this.dataBytes), 0, WAV_HEADER_BYTES, 0);
      fsyncSync(this.fd);
      closeSync(this.fd);
      renameSync(this.temp, this.target);
      fsyncDirectory(dirname(this.target));
    } catch (error) {
      rmSync(this.temp, { force: true });
      throw translateFsError(error, 'the audio file', dirname(this.target));
    }
  }

  private scale(gain: number): void {
    const chunk = Buffer.alloc(64 * 1024);
    for (let at = 0; at < this.dataBytes; at += chunk.length) {
      const bytes = readSync(this.fd, chunk, 0, Math.min(chunk.length, this.dataBytes - at), WAV_HEADER_BYTES + at);
      for (let i = 0; i + 1 < bytes; i += 2) chunk.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(chunk.readInt16LE(i) * gain))), i);
      writeSync(this.fd, chunk, 0, bytes, WAV_HEADER_BYTES + at);
    }
  }

  abort(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    rmSync(this.temp, { force: true });
  }
}
