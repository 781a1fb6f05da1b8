// Runs long jobs off the request path: progress with ETA, cancellation, checkpoints and resume after a crash; main process.
import { randomBytes } from 'node:crypto';
import { LikenessError } from '../../contract/errors.js';
import type { Job, JobKind, JobProgress } from '../../contract/models.js';
import type { StudioEvents } from '../events.js';
import type { JobsRepository } from '../store/repositories/jobs.js';

export interface JobContext {
  readonly signal: AbortSignal;
  /** The last checkpoint saved by an earlier run of this job, or null on a first run. */
  readonly checkpoint: unknown;
  report(done: number, total: number, message: string): void;
  saveCheckpoint(value: unknown): void;
}

export interface JobRunner {
  readonly title: string;
  run(context: JobContext, input: unknown): Promise<Job['result']>;
}

export type JobRunners = Record<JobKind, JobRunner>;

const PROGRESS_INTERVAL_MS = 100;

export function estimateEta(fraction: number, elapsedMs: number): number | null {
  if (fraction <= 0.01 || fraction >= 1 || elapsedMs < 500) return null;
  return Math.round(((elapsedMs / fraction) * (1 - fraction)) / 1000);
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

export class JobManager {
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly repo: JobsRepository,
    private readonly events: StudioEvents,
    private readonly runners: JobRunners,
  ) {}

  list(limit: number): Job[] {
    return this.repo.list(limit);
  }

  get(id: string): Job {
    const found = this.repo.find(id);
    if (!found) throw new LikenessError('not-found', `No job ${id}.`);
    return found.job;
  }

  start(kind: JobKind, input: unknown = null): Job {
    const id = `job_${randomBytes(8).toString('hex')}`;
    const job = this.repo.create(id, kind, this.runners[kind].title, input);
    this.events.emit('job.updated', job);
    this.launch(id);
    return this.get(id);
  }

  cancel(id: string): Job {
    const job = this.get(id);
    const running = this.running.get(id);
    if (!running) throw new LikenessError('conflict', `Job ${id} is ${job.state}; only a running job can be cancelled.`);
    running.controller.abort();
    return job;
  }

  resume(id: string): Job {
    const job = this.get(id);
    if (!job.resumable || this.running.has(id)) throw new LikenessError('conflict', `Job ${id} is ${job.state} and cannot be resumed.`);
    this.publish(this.repo.update(id, { state: 'queued', error: null }));
    this.launch(id);
    return this.get(id);
  }

  /** Waits for one job to settle; used by the CLI and tests, which wait for events rather than sleeping. */
  async settled(id: string): Promise<Job> {
    await this.running.get(id)?.done;
    return this.get(id);
  }

  async close(): Promise<void> {
    for (const { controller } of this.running.values()) controller.abort();
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  private publish(job: Job): Job {
    this.events.emit('job.updated', job);
    return job;
  }

  private launch(id: string): void {
    const controller = new AbortController();
    const done = this.execute(id, controller.signal).finally(() => this.running.delete(id));
    this.running.set(id, { controller, done });
  }

  private async execute(id: string, signal: AbortSignal): Promise<void> {
    // Let the caller receive the queued job before the first progress event.
    await Promise.resolve();
    const stored = this.repo.require(id);
    const runner = this.runners[stored.job.kind];
    const started = Date.now();
    let lastSent = 0;
    let progress: JobProgress = { fraction: stored.job.progress.fraction, message: 'Starting', etaSeconds: null };
    this.publish(this.repo.update(id, { state: 'running', progress }));
    const context: JobContext = {
      signal,
      checkpoint: stored.checkpoint,
      report: (done, total, message) => {
        const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
        progress = { fraction, message, etaSeconds: estimateEta(fraction, Date.now() - started) };
        const now = Date.now();
        if (now - lastSent < PROGRESS_INTERVAL_MS && fraction < 1) return;
        lastSent = now;
        this.publish(this.repo.update(id, { progress }));
      },
      saveCheckpoint: (value) => {
        this.repo.update(id, { checkpoint: value });
      },
    };
    try {
      const result = await runner.run(context, stored.input);
      signal.throwIfAborted();
      this.publish(this.repo.update(id, { state: 'completed', result, progress: { fraction: 1, message: 'Done', etaSeconds: 0 } }));
    } catch (error) {
      if (signal.aborted) {
        this.publish(this.repo.update(id, { state: 'cancelled', progress: { ...progress, message: 'Cancelled', etaSeconds: null } }));
      } else {
        const message = error instanceof Error ? error.message : String(error);
        this.publish(this.repo.update(id, { state: 'failed', error: message, progress: { ...progress, etaSeconds: null } }));
      }
    }
  }
}
