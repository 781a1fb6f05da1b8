// Renders sentences in voice lane threads, each with its own copy of the model, so several sentences convert at once; main process and training worker.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SentenceRendering } from './sentence-render.js';

/** Lanes by default: one per core, two at most (eSpeak NG's process and the caller need little beside them). */
export function defaultLaneCount(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

export interface LaneStart {
  model: Uint8Array;
  threads?: number;
}

export type ToLane = { type: 'render'; id: number; reading: Float32Array; leadSamples: number } | { type: 'close' };

export type FromLane =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'rendered'; id: number; samples: Float32Array }
  | { type: 'failed'; id: number; message: string };

interface Job {
  id: number;
  reading: Float32Array;
  leadSamples: number;
  resolve: (samples: Float32Array) => void;
  reject: (error: Error) => void;
}

/** The lane thread's entry: the bundled file in a packaged app, the TypeScript source (through tsx) in development. */
function laneUrl(): URL {
  return new URL(import.meta.url.endsWith('.cjs') ? './voice-lane.cjs' : './sentence-lane.dev.mjs', import.meta.url);
}

/**
 * How long a closing lane may take to finish its sentence and release its model before it is stopped. Stopping a
 * thread whose onnxruntime session is still open can abort the whole process as the session is torn down.
 */
const LANE_CLOSE_GRACE_MS = 10_000;

class Lane {
  busy: Job | undefined;
  private failure: Error | undefined;
  private exited = false;

  private constructor(
    private readonly worker: Worker,
    private readonly done: (lane: Lane) => void,
  ) {}

  static open(start: LaneStart, done: (lane: Lane) => void): Promise<Lane> {
    const worker = new Worker(laneUrl(), { workerData: start satisfies LaneStart });
    const lane = new Lane(worker, done);
    return new Promise<Lane>((resolve, reject) => {
      worker.on('message', (message: FromLane) => {
        if (message.type === 'ready') resolve(lane);
        else if (message.type === 'fatal') lane.fail(new Error(`voice lane: ${message.message}`), reject);
        else lane.settle(message);
      });
      worker.on('error', (error) => lane.fail(error, reject));
      worker.on('exit', (code) => {
        lane.exited = true;
        lane.fail(new Error(`a voice lane stopped unexpectedly (exit code ${code})`), reject);
      });
    });
  }

  get broken(): Error | undefined {
    return this.failure;
  }

  start(job: Job): void {
    this.busy = job;
    this.worker.postMessage({ type: 'render', id: job.id, reading: job.reading, leadSamples: job.leadSamples } satisfies ToLane, [job.reading.buffer as ArrayBuffer]);
  }

  /** Asks the lane to finish, release its model and end; stops it only if it has not within the grace period. */
  async close(): Promise<void> {
    this.failure ??= new Error('the voice lanes are closed');
    this.busy?.reject(this.failure);
    this.busy = undefined;
    if (this.exited) return;
    const ended = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ type: 'close' } satisfies ToLane);
    const timer = setTimeout(() => void this.worker.terminate(), LANE_CLOSE_GRACE_MS);
    await ended;
    clearTimeout(timer);
  }

  private settle(message: Extract<FromLane, { id: number }>): void {
    const job = this.busy;
    if (!job || job.id !== message.id) return;
    this.busy = undefined;
    if (message.type === 'rendered') job.resolve(message.samples);
    else job.reject(new Error(message.message));
    this.done(this);
  }

  private fail(error: Error, reject: (error: Error) => void): void {
    if (this.failure) return;
    this.failure = error;
    reject(error);
    this.busy?.reject(error);
    this.busy = undefined;
    this.done(this);
  }
}

/**
 * Sentences rendered in lane threads, first come first served. Each render is independent (synthesis noise is seeded per
 * sentence), so which lane takes a sentence never changes its samples.
 */
export class SentenceLanes implements SentenceRendering {
  private readonly queue: Job[] = [];
  private nextId = 1;
  private lanes: Lane[] = [];

  private constructor() {}

  static async open(model: Uint8Array, options: { lanes?: number; threads?: number } = {}): Promise<SentenceLanes> {
    const count = options.lanes ?? defaultLaneCount();
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`voice lanes: the lane count must be a positive integer, not ${count}`);
    const pool = new SentenceLanes();
    const opening = Array.from({ length: count }, () => Lane.open({ model, threads: options.threads }, (lane) => pool.next(lane)));
    const opened = await Promise.allSettled(opening);
    pool.lanes = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const failed = opened.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) {
      await pool.close();
      throw failed.reason;
    }
    return pool;
  }

  /** `reading` is handed over to the lane (its buffer is transferred). */
  render(reading: Float32Array, leadSamples: number): Promise<Float32Array> {
    return new Promise<Float32Array>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, reading, leadSamples, resolve, reject });
      const idle = this.lanes.find((lane) => !lane.busy && !lane.broken);
      if (idle) this.next(idle);
      else if (this.lanes.every((lane) => lane.broken)) this.failAll(this.lanes[0]?.broken ?? new Error('the voice lanes are closed'));
    });
  }

  async close(): Promise<void> {
    this.failAll(new Error('the voice lanes are closed'));
    await Promise.all(this.lanes.map((lane) => lane.close()));
  }

  private next(lane: Lane): void {
    if (lane.broken) {
      if (this.lanes.every((l) => l.broken)) this.failAll(lane.broken);
      return;
    }
    const job = this.queue.shift();
    if (job) lane.start(job);
  }

  private failAll(error: Error): void {
    for (const job of this.queue.splice(0)) job.reject(error);
  }
}
