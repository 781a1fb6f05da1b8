// eSpeak NG runner (studio process): keeps one long-lived eSpeak NG child process (espeak-child.mjs) and queues requests to it.
// eSpeak NG is GPL-3.0, so it only ever runs in that separate Node process and is never imported here.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildEspeakArgs,
  cleanPhonemes,
  ESPEAK_FILES,
  EspeakError,
  espeakFailure,
  parseVoiceList,
  validateOptions,
  validateText,
} from './espeak-args.js';
import type { EspeakOptions, EspeakVoice } from './espeak-args.js';
import { parseWav } from './wav.js';

export { EspeakError, ESPEAK_MAX_TEXT_LENGTH } from './espeak-args.js';
export type { EspeakErrorCode, EspeakOptions, EspeakVoice, PhonemeFormat } from './espeak-args.js';

export const ESPEAK_SAMPLE_RATE = 22050;

export interface EspeakSynthesis {
  /** A RIFF/WAVE file: 22050 Hz, mono, 16-bit PCM. */
  wav: Uint8Array;
  sampleRate: typeof ESPEAK_SAMPLE_RATE;
  /** eSpeak's phonemes for the same text and voice (IPA by default), one line per clause. */
  phonemes: string;
  durationSeconds: number;
}

export interface EspeakRunnerOptions {
  /** The child script; default espeak-child.mjs next to this module (next to the bundle once bundled). */
  childPath?: string;
  /** The folder with espeak-ng.js and espeak-ng.wasm; default the installed espeak-ng package (its unpacked copy in an asar). */
  espeakDir?: string;
  /** Per-request limit; the child is killed (and restarted on the next request) when a request runs longer. Default 30 s. */
  requestTimeoutMs?: number;
  /** Limit for the child to load the WASM module. Default 60 s. */
  startTimeoutMs?: number;
}

/** In a packaged app, files listed in asarUnpack live beside the archive: prefer that copy when it exists. */
function preferUnpacked(path: string): string {
  const marker = `${sep}app.asar${sep}`;
  if (!path.includes(marker)) return path;
  const unpacked = path.replace(marker, `${sep}app.asar.unpacked${sep}`);
  return existsSync(unpacked) ? unpacked : path;
}

export function defaultEspeakChildPath(): string {
  return preferUnpacked(fileURLToPath(new URL('./espeak-child.mjs', import.meta.url)));
}

export function defaultEspeakDir(): string {
  return preferUnpacked(dirname(createRequire(import.meta.url).resolve('espeak-ng')));
}

interface RunRequest {
  args: string[];
  input: string;
  outputs: string[];
}

interface RunReply {
  exitStatus: number;
  stdout: string[];
  stderr: string[];
  files: Record<string, Uint8Array>;
  ms: number;
}

type ChildMessage =
  | { type: 'ready'; pid: number; compileMs: number }
  | { type: 'fatal'; error: string }
  | { type: 'started'; id: number }
  | ({ type: 'result'; id: number; error?: string } & Partial<RunReply>);

interface Pending {
  started: boolean;
  resolve: (reply: RunReply) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** A crash before the child began the request: nothing ran, so it is safe to send it again to a fresh child. */
class NotStartedError extends EspeakError {}

/** One started child process and its requests. */
class EspeakChild {
  readonly proc: ChildProcess;
  readonly ready: Promise<void>;
  exited = false;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stderrTail = '';
  private exitReason: string | undefined;

  constructor(childPath: string, espeakDir: string, startTimeoutMs: number) {
    // execArgv: [] so the child is plain Node (no tsx or test-runner loaders); in Electron, fork runs it as Node (ELECTRON_RUN_AS_NODE).
    this.proc = fork(childPath, [espeakDir], { serialization: 'advanced', execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.proc.stderr?.setEncoding('utf8');
    this.proc.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-2000);
    });
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new EspeakError('timeout', `eSpeak NG child process did not load within ${startTimeoutMs} ms.`));
        this.kill();
      }, startTimeoutMs);
      this.proc.on('message', (message: ChildMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve();
          this.idle();
        } else if (message.type === 'fatal') {
          clearTimeout(timer);
          reject(new EspeakError('failed', `eSpeak NG child process could not load espeak-ng from ${espeakDir}: ${message.error}`));
        } else {
          this.onMessage(message);
        }
      });
      this.proc.on('error', (error) => {
        clearTimeout(timer);
        this.exitReason = error.message;
        reject(new EspeakError('failed', `eSpeak NG child process could not start: ${error.message}`));
      });
      this.proc.on('exit', (code, signal) => {
        clearTimeout(timer);
        this.exited = true;
        const how = this.exitReason ?? (signal ? `killed by ${signal}` : `exit code ${String(code)}`);
        const detail = this.stderrTail.trim() ? `; its stderr: ${this.stderrTail.trim()}` : '';
        reject(new EspeakError('crashed', `eSpeak NG child process exited before it was ready (${how})${detail}.`));
        for (const [id, entry] of this.pending) {
          clearTimeout(entry.timer);
          this.pending.delete(id);
          entry.reject(
            entry.started
              ? new EspeakError('crashed', `eSpeak NG child process exited during the request (${how}); it is restarted on the next request.`)
              : new NotStartedError('crashed', `eSpeak NG child process exited (${how}) before the request began.`),
          );
        }
      });
    });
    this.ready.catch(() => undefined);
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  request(request: RunRequest, timeoutMs: number): Promise<RunReply> {
    return new Promise<RunReply>((resolve, reject) => {
      if (this.exited || !this.proc.connected) {
        reject(new NotStartedError('crashed', 'eSpeak NG child process is gone.'));
        return;
      }
      const id = this.nextId++;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.exitReason = `stopped after the ${timeoutMs} ms request timeout`;
        this.kill();
        reject(new EspeakError('timeout', `eSpeak NG request timed out after ${timeoutMs} ms; the child process is restarted on the next request.`));
      }, timeoutMs);
      this.pending.set(id, { started: false, resolve, reject, timer });
      this.busy();
      this.proc.send({ type: 'run', id, ...request }, (error) => {
        if (!error) return;
        const entry = this.pending.get(id);
        if (!entry) return;
        clearTimeout(entry.timer);
        this.pending.delete(id);
        reject(new NotStartedError('crashed', `eSpeak NG child process did not take the request: ${error.message}`));
      });
    });
  }

  private onMessage(message: ChildMessage): void {
    if (message.type !== 'started' && message.type !== 'result') return;
    const entry = this.pending.get(message.id);
    if (!entry) return;
    if (message.type === 'started') {
      entry.started = true;
      return;
    }
    clearTimeout(entry.timer);
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.idle();
    if (message.error !== undefined) {
      entry.reject(new EspeakError('failed', `espeak-ng failed in the child process: ${message.error}`));
      return;
    }
    entry.resolve({
      exitStatus: message.exitStatus ?? 0,
      stdout: message.stdout ?? [],
      stderr: message.stderr ?? [],
      files: message.files ?? {},
      ms: message.ms ?? 0,
    });
  }

  /** While idle the child does not keep the studio's event loop alive. */
  private idle(): void {
    this.proc.unref();
    this.proc.channel?.unref();
  }

  private busy(): void {
    this.proc.ref();
    this.proc.channel?.ref();
  }

  kill(): void {
    if (!this.exited) this.proc.kill('SIGKILL');
  }

  /** Asks the child to leave (it exits when the IPC channel closes); kills it if it has not within graceMs. */
  async stop(graceMs = 2000): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    if (this.proc.connected) this.proc.disconnect();
    else this.kill();
    const timer = setTimeout(() => this.kill(), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

export class EspeakRunner {
  private child: EspeakChild | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private voiceList: Promise<EspeakVoice[]> | undefined;
  private starts = 0;
  private readonly childPath: string;
  private readonly espeakDir: string;
  private readonly requestTimeoutMs: number;
  private readonly startTimeoutMs: number;

  private constructor(options: EspeakRunnerOptions) {
    this.childPath = options.childPath ?? defaultEspeakChildPath();
    this.espeakDir = options.espeakDir ?? defaultEspeakDir();
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.startTimeoutMs = options.startTimeoutMs ?? 60_000;
  }

  /** Starts the child process and waits until it has compiled the WASM module. */
  static async start(options: EspeakRunnerOptions = {}): Promise<EspeakRunner> {
    const runner = new EspeakRunner(options);
    await runner.ensureChild();
    return runner;
  }

  /** The child's process id (undefined before the first start or after close). */
  get pid(): number | undefined {
    return this.child && !this.child.exited ? this.child.pid : undefined;
  }

  /** How many child processes this runner has started (1 + restarts). */
  get startCount(): number {
    return this.starts;
  }

  /** Speaks the text: a 22050 Hz mono 16-bit WAV plus eSpeak's phonemes for it. */
  async synthesize(text: string, options: EspeakOptions = {}): Promise<EspeakSynthesis> {
    validateText(text);
    const valid = validateOptions(options);
    const reply = await this.run({ args: buildEspeakArgs(valid, { wav: true }), input: text, outputs: [ESPEAK_FILES.wav, ESPEAK_FILES.phonemes] });
    const wav = reply.files[ESPEAK_FILES.wav];
    if (reply.exitStatus !== 0 || !wav) throw espeakFailure(valid.voice, reply.exitStatus, reply.stderr);
    const info = parseWav(wav);
    if (info.sampleRate !== ESPEAK_SAMPLE_RATE || info.channels !== 1 || info.bitsPerSample !== 16) {
      throw new EspeakError('failed', `espeak-ng wrote ${info.sampleRate} Hz, ${info.channels} channel(s), ${info.bitsPerSample}-bit audio; expected 22050 Hz mono 16-bit.`);
    }
    return { wav, sampleRate: ESPEAK_SAMPLE_RATE, phonemes: decodePhonemes(reply.files[ESPEAK_FILES.phonemes]), durationSeconds: info.durationSeconds };
  }

  /** eSpeak's phonemes for the text (IPA by default, or its ASCII mnemonics), without synthesising audio. */
  async phonemes(text: string, options: EspeakOptions = {}): Promise<string> {
    validateText(text);
    const valid = validateOptions(options);
    const reply = await this.run({ args: buildEspeakArgs(valid, { wav: false }), input: text, outputs: [ESPEAK_FILES.phonemes] });
    if (reply.exitStatus !== 0) throw espeakFailure(valid.voice, reply.exitStatus, reply.stderr);
    return decodePhonemes(reply.files[ESPEAK_FILES.phonemes]);
  }

  /** The voices eSpeak NG offers (asked once, then cached). */
  voices(): Promise<EspeakVoice[]> {
    this.voiceList ??= this.run({ args: ['--voices'], input: '', outputs: [] }).then((reply) => {
      if (reply.exitStatus !== 0) throw espeakFailure('', reply.exitStatus, reply.stderr);
      return parseVoiceList(reply.stdout);
    });
    this.voiceList.catch(() => {
      this.voiceList = undefined;
    });
    return this.voiceList;
  }

  /** Stops the child process; later requests fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const child = this.child;
    this.child = undefined;
    await child?.stop();
  }

  /** Queues one espeak-ng command: one request at a time; a dead child is replaced first. */
  private run(request: RunRequest): Promise<RunReply> {
    const task = this.queue.then(async () => {
      try {
        return await this.send(request);
      } catch (error) {
        // The child died before it began this request (e.g. it was killed while idle): nothing ran, so try once on a fresh one.
        if (error instanceof NotStartedError) return await this.send(request);
        throw error;
      }
    });
    this.queue = task.catch(() => undefined);
    return task;
  }

  private async send(request: RunRequest): Promise<RunReply> {
    const child = await this.ensureChild();
    return child.request(request, this.requestTimeoutMs);
  }

  private async ensureChild(): Promise<EspeakChild> {
    if (this.closed) throw new EspeakError('closed', 'The eSpeak NG runner is closed.');
    if (!this.child || this.child.exited) {
      this.child = new EspeakChild(this.childPath, this.espeakDir, this.startTimeoutMs);
      this.starts++;
    }
    const child = this.child;
    try {
      await child.ready;
    } catch (error) {
      child.kill();
      if (this.child === child) this.child = undefined;
      throw error;
    }
    if (this.closed) {
      await child.stop();
      throw new EspeakError('closed', 'The eSpeak NG runner is closed.');
    }
    return child;
  }
}

function decodePhonemes(bytes: Uint8Array | undefined): string {
  return bytes ? cleanPhonemes(new TextDecoder().decode(bytes)) : '';
}
