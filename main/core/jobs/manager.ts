// Runs long jobs off the request path: progress with ETA, live metrics, cancel, pause, checkpoints and resume after a crash; main process.
import { randomBytes } from 'node:crypto';
import { LikenessError } from '../../contract/errors.js';
import type { Job, JobKind, JobProgress, LossPoint, TrainingMetrics } from '../../contract/models.js';
import type { StudioEvents } from '../events.js';
import type { JobsRepository } from '../store/repositories/jobs.js';

/** Why a job's signal was aborted: pause keeps it resumable, cancel ends it. */
export type StopReason = 'pause' | 'cancel' | 'shutdown';

export interface JobContext {
  readonly id: string;
  readonly signal: AbortSignal;
  /** The last checkpoint saved by an earlier run of this job, or null on a first run. */
  readonly checkpoint: unknown;
  report(done: number, total: number, message: string): void;
  saveCheckpoint(value: unknown): void;
  metrics(value: TrainingMetrics): void;
  point(value: LossPoint): void;
  /** Drops curve points past a step (a resumed job replays from its checkpoint). */
  rewindPoints(afterStep: number): void;
}

export interface JobRunner {
  /** Shown on the job card; may depend on the job's input (e.g. the recipe being trained). */
  readonly title: string | ((input: unknown) => string);
  run(context: JobContext, input: unknown): Promise<Job['result']>;
}

export type JobRunners = Record<JobKind, JobRunner>;

const PROGRESS_INTERVAL_MS = 100;

export function estimateEta(fraction: number, elapsedMs: number): number | null {
  if (fraction <= 0.01 || fraction >= 1 || elapsedMs < 500) return null;
  return Math.round(((elapsedMs / fraction) * (1 - fraction)) / 1000);
}

export function stopReasonOf(signal: AbortSignal): StopReason | undefined {
  if (!signal.aborted) return undefined;
  return signal.reason === 'pause' || signal.reason === 'shutdown' ? signal.reason : 'cancel';
}

interface Running {
  kind: JobKind;
  controller: AbortController;
  done: Promise<void>;
}

interface Waiting {
  id: string;
  kind: JobKind;
  /** Resolves when the job leaves the queue (launched or cancelled). */
  left: Promise<void>;
  leave: () => void;
}

function waitingEntry(id: string, kind: JobKind): Waiting {
  let leave: () => void = () => undefined;
  const left = new Promise<void>((resolve) => (leave = resolve));
  return { id, kind, left, leave };
}

/** How many jobs of a kind may run at once; the rest wait in order. Training takes every core, so one at a time. */
export const DEFAULT_CONCURRENCY: Partial<Record<JobKind, number>> = { train: 1, 'voice.train': 1, 'voice.say': 1, 'face.train': 1, 'face.render': 1 };

export class JobManager {
  private readonly running = new Map<string, Running>();
  private readonly waiting: Waiting[] = [];

  constructor(
    private readonly repo: JobsRepository,
    private readonly events: StudioEvents,
    private readonly runners: JobRunners,
    private readonly concurrency: Partial<Record<JobKind, number>> = DEFAULT_CONCURRENCY,
  ) {}

  list(limit: number): Job[] {
    return this.repo.list(limit);
  }

  get(id: string): Job {
    const found = this.repo.find(id);
    if (!found) throw new LikenessError('not-found', `No job ${id}.`);
    return found.job;
  }

  history(id: string): LossPoint[] {
    this.get(id);
    return this.repo.points(id);
  }

  start(kind: JobKind, input: unknown = null): Job {
    const id = `job_${randomBytes(8).toString('hex')}`;
    const { title } = this.runners[kind];
    const job = this.repo.create(id, kind, typeof title === 'function' ? title(input) : title, input);
    this.events.emit('job.updated', job);
    this.launch(id);
    return this.get(id);
  }

  /** Cancels a running or waiting job, or abandons a paused or interrupted one; cancelled jobs cannot be resumed. */
  cancel(id: string): Job {
    const job = this.get(id);
    const queued = this.waiting.findIndex((w) => w.id === id);
    if (queued >= 0) {
      this.waiting.splice(queued, 1)[0]!.leave();
      return this.publish(this.repo.update(id, { state: 'cancelled', progress: { ...job.progress, message: 'Cancelled', etaSeconds: null } }));
    }
    const running = this.running.get(id);
    if (running) {
      running.controller.abort('cancel');
      return job;
    }
    if (job.resumable) return this.publish(this.repo.update(id, { state: 'cancelled', progress: { ...job.progress, message: 'Cancelled', etaSeconds: null } }));
    throw new LikenessError('conflict', `Job ${id} is ${job.state}; only a running, paused or interrupted job can be cancelled.`);
  }

  /** Asks a running job to checkpoint and stop; it can be resumed later. */
  pause(id: string): Job {
    const job = this.get(id);
    const running = this.running.get(id);
    if (!running) throw new LikenessError('conflict', `Job ${id} is ${job.state}; only a running job can be paused.`);
    running.controller.abort('pause');
    return job;
  }

  resume(id: string): Job {
    const job = this.get(id);
    if (!job.resumable || this.running.has(id) || this.waiting.some((w) => w.id === id)) throw new LikenessError('conflict', `Job ${id} is ${job.state} and cannot be resumed.`);
    this.publish(this.repo.update(id, { state: 'queued', error: null }));
    this.launch(id);
    return this.get(id);
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  /** Waits for one job to settle; used by the CLI and tests, which wait for events rather than sleeping. */
  async settled(id: string): Promise<Job> {
    await this.waiting.find((w) => w.id === id)?.left;
    await this.running.get(id)?.done;
    return this.get(id);
  }

  /** Stops every running job so it can be resumed by the next start of the studio; waiting jobs stay queued on disk and resume as interrupted. */
  async close(): Promise<void> {
    for (const entry of this.waiting.splice(0)) entry.leave();
    for (const { controller } of this.running.values()) controller.abort('shutdown');
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  private publish(job: Job): Job {
    this.events.emit('job.updated', job);
    return job;
  }

  private launch(id: string): void {
    const kind = this.get(id).kind;
    const limit = this.concurrency[kind] ?? Number.POSITIVE_INFINITY;
    const busy = [...this.running.values()].filter((r) => r.kind === kind).length;
    if (busy >= limit) {
      this.waiting.push(waitingEntry(id, kind));
      this.publish(this.repo.update(id, { progress: { ...this.get(id).progress, message: 'Waiting for the running job to finish', etaSeconds: null } }));
      return;
    }
    const controller = new AbortController();
    const done = this.execute(id, controller.signal).finally(() => {
      this.running.delete(id);
      const next = this.waiting.findIndex((w) => w.kind === kind);
      if (next >= 0) {
        const [waiting] = this.waiting.splice(next, 1);
        this.launch(waiting!.id);
        waiting!.leave();
      }
    });
    this.running.set(id, { kind, controller, done });
  }

  private async execute(id: string, signal: AbortSignal): Promise<void> {
    // Let the caller receive the queued job before the first progress event.
    await Promise.resolve();
    const stored = this.repo.require(id);
    const runner = this.runners[stored.job.kind];
    const started = Date.now();
    const startFraction = stored.job.progress.fraction;
    let lastSent = 0;
    let progress: JobProgress = { fraction: startFraction, message: 'Starting', etaSeconds: null };
    this.publish(this.repo.update(id, { state: 'running', progress }));
    const context: JobContext = {
      id,
      signal,
      checkpoint: stored.checkpoint,
      report: (done, total, message) => {
        const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
        // The ETA only counts this run's share, so a resumed job does not look faster than it is.
        const ran = fraction - startFraction;
        const eta = ran > 0 ? estimateEta(ran / (1 - startFraction), Date.now() - started) : null;
        const news = message !== progress.message;
        progress = { fraction, message, etaSeconds: eta };
        const now = Date.now();
        if (!news && now - lastSent < PROGRESS_INTERVAL_MS && fraction < 1) return;
        lastSent = now;
        this.publish(this.repo.update(id, { progress }));
      },
      saveCheckpoint: (value) => {
        this.repo.update(id, { checkpoint: value });
      },
      metrics: (value) => {
        this.publish(this.repo.update(id, { metrics: value }));
      },
      point: (value) => {
        this.repo.addPoint(id, value);
        this.events.emit('job.point', { id, point: value });
      },
      rewindPoints: (afterStep) => this.repo.truncatePoints(id, afterStep),
    };
    try {
      const result = await runner.run(context, stored.input);
      signal.throwIfAborted();
      this.publish(this.repo.update(id, { state: 'completed', result, progress: { fraction: 1, message: 'Done', etaSeconds: 0 } }));
    } catch (error) {
      const reason = stopReasonOf(signal);
      if (reason === 'cancel') {
        this.publish(this.repo.update(id, { state: 'cancelled', progress: { ...progress, message: 'Cancelled', etaSeconds: null } }));
      } else if (reason === 'pause') {
        this.publish(this.repo.update(id, { state: 'paused', progress: { ...progress, message: 'Paused', etaSeconds: null } }));
      } else if (reason === 'shutdown') {
        this.publish(this.repo.update(id, { state: 'interrupted', progress: { ...progress, message: 'Stopped with the studio', etaSeconds: null } }));
      } else {
        const message = error instanceof Error ? error.message : String(error);
        this.publish(this.repo.update(id, { state: 'failed', error: message, progress: { ...progress, etaSeconds: null } }));
      }
    }
  }
}
