// Feeds raw RGB frames to an ffmpeg encoder process with backpressure; the MP4 appears under its name only when complete; main process and workers.
import { type ChildProcess, spawn } from 'node:child_process';
import { renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncDirectory, tempPathFor } from '../store/atomic.js';
import { type EncodeVideoArgsOptions, encodeVideoArgs } from './encode-args.js';
import { MediaError, resolveBinary } from './ffmpeg.js';

export class VideoEncoder {
  private readonly child: ChildProcess;
  private readonly done: Promise<void>;
  private readonly temp: string;
  private stderr = '';
  private failed: Error | undefined;
  readonly frameBytes: number;
  frames = 0;

  constructor(
    private readonly options: Omit<EncodeVideoArgsOptions, 'output'> & {
      output: string;
      ffmpeg?: string;
      /** Another command line for the same frames (it must read RGB24 width×height from stdin), given the file it writes. */
      argsFor?: (output: string) => string[];
    },
  ) {
    this.frameBytes = options.width * options.height * 3;
    this.temp = tempPathFor(options.output);
    this.child = spawn(resolveBinary(options.ffmpeg, 'ffmpeg'), options.argsFor ? options.argsFor(this.temp) : encodeVideoArgs({ ...options, output: this.temp }), { stdio: ['pipe', 'ignore', 'pipe'] });
    this.child.stderr?.on('data', (d: Buffer) => {
      if (this.stderr.length < 16_384) this.stderr += d.toString();
    });
    // A dead encoder shows as EPIPE on the next write: keep the error for a clear message instead.
    this.child.stdin?.on('error', (e) => (this.failed ??= e));
    this.done = new Promise<void>((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code, signal) =>
        code === 0 ? resolve() : reject(new MediaError('failed', `the video encoder stopped (${signal ?? `exit ${code}`}): ${this.stderr.trim().split('\n').at(-1) ?? ''}`, this.stderr)),
      );
    });
    this.done.catch(() => undefined);
  }

  /** Resolves when the encoder can take more (the pipe's backpressure keeps at most a few frames in memory). */
  async write(rgb: Uint8Array): Promise<void> {
    if (rgb.length !== this.frameBytes) throw new RangeError(`a frame is ${this.frameBytes} bytes, got ${rgb.length}`);
    if (this.failed) throw this.failed;
    const stdin = this.child.stdin!;
    this.frames++;
    if (stdin.write(rgb)) return;
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      stdin.once('error', onError);
      stdin.once('drain', () => {
        stdin.off('error', onError);
        resolve();
      });
      this.done.catch(reject);
    });
  }

  async finish(): Promise<void> {
    this.child.stdin!.end();
    try {
      await this.done;
      renameSync(this.temp, this.options.output);
      fsyncDirectory(dirname(this.options.output));
    } catch (error) {
      rmSync(this.temp, { force: true });
      throw error;
    }
  }

  async abort(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.done.catch(() => undefined);
    rmSync(this.temp, { force: true });
  }
}
