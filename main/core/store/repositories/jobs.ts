// Typed jobs repository: job rows with their progress, checkpoint and result; main process.
import { Job, type JobKind, type JobProgress, type JobState, type LossPoint, type TrainingMetrics } from '../../../contract/models.js';
import type { Db } from '../database.js';

interface JobRow {
  id: string;
  kind: string;
  title: string;
  state: string;
  progress: string;
  input: string;
  checkpoint: string | null;
  result: string | null;
  error: string | null;
  metrics: string | null;
  created_at: string;
  updated_at: string;
}

export interface StoredJob {
  job: Job;
  input: unknown;
  checkpoint: unknown;
}

/** Cancelled is final: the creator chose to abandon the job. */
const RESUMABLE: readonly JobState[] = ['interrupted', 'paused', 'failed'];

function toJob(row: JobRow): Job {
  return Job.parse({
    id: row.id,
    kind: row.kind,
    title: row.title,
    state: row.state,
    progress: JSON.parse(row.progress) as unknown,
    result: row.result === null ? null : (JSON.parse(row.result) as unknown),
    error: row.error,
    resumable: RESUMABLE.includes(row.state as JobState),
    metrics: row.metrics === null ? null : (JSON.parse(row.metrics) as unknown),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

export class JobsRepository {
  constructor(private readonly db: Db) {}

  create(id: string, kind: JobKind, title: string, input: unknown): Job {
    const now = new Date().toISOString();
    const progress: JobProgress = { fraction: 0, message: 'Waiting to start', etaSeconds: null };
    this.db
      .prepare(
        `INSERT INTO jobs (id, kind, title, state, progress, input, checkpoint, result, error, created_at, updated_at)
         VALUES (?, ?, ?, 'queued', ?, ?, NULL, NULL, NULL, ?, ?)`,
      )
      .run(id, kind, title, JSON.stringify(progress), JSON.stringify(input ?? null), now, now);
    return this.require(id).job;
  }

  find(id: string): StoredJob | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    if (!row) return undefined;
    return {
      job: toJob(row),
      input: JSON.parse(row.input) as unknown,
      checkpoint: row.checkpoint === null ? null : (JSON.parse(row.checkpoint) as unknown),
    };
  }

  require(id: string): StoredJob {
    const found = this.find(id);
    if (!found) throw new Error(`job ${id} vanished from the database`);
    return found;
  }

  list(limit: number): Job[] {
    return (this.db.prepare('SELECT * FROM jobs ORDER BY created_at DESC, id LIMIT ?').all(limit) as JobRow[]).map(toJob);
  }

  update(
    id: string,
    patch: {
      state?: JobState;
      progress?: JobProgress;
      checkpoint?: unknown;
      result?: Job['result'];
      error?: string | null;
      metrics?: TrainingMetrics;
    },
  ): Job {
    const sets: string[] = ['updated_at = @updated_at'];
    const params: Record<string, unknown> = { id, updated_at: new Date().toISOString() };
    const columns: Record<string, unknown> = {
      state: patch.state,
      progress: patch.progress === undefined ? undefined : JSON.stringify(patch.progress),
      checkpoint: patch.checkpoint === undefined ? undefined : JSON.stringify(patch.checkpoint),
      result: patch.result === undefined ? undefined : patch.result === null ? null : JSON.stringify(patch.result),
      error: patch.error,
      metrics: patch.metrics === undefined ? undefined : JSON.stringify(patch.metrics),
    };
    for (const [column, value] of Object.entries(columns)) {
      if (value === undefined) continue;
      sets.push(`${column} = @${column}`);
      params[column] = value;
    }
    this.db.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = @id`).run(params);
    return this.require(id).job;
  }

  addPoint(id: string, point: LossPoint): void {
    this.db
      .prepare(
        `INSERT INTO job_points (job_id, seq, step, epoch, train_loss, val_loss)
         VALUES (@id, (SELECT coalesce(max(seq), 0) + 1 FROM job_points WHERE job_id = @id), @step, @epoch, @trainLoss, @valLoss)`,
      )
      .run({ id, ...point });
  }

  /** A resumed job rewinds its curve to the checkpoint it resumes from, so replayed steps are not drawn twice. */
  truncatePoints(id: string, afterStep: number): void {
    this.db.prepare('DELETE FROM job_points WHERE job_id = ? AND step > ?').run(id, afterStep);
  }

  points(id: string): LossPoint[] {
    return this.db
      .prepare('SELECT step, epoch, train_loss AS trainLoss, val_loss AS valLoss FROM job_points WHERE job_id = ? ORDER BY seq')
      .all(id) as LossPoint[];
  }

  /** After a crash or kill, jobs that were running can only be resumed, never silently continued. */
  markInterrupted(): number {
    return this.db
      .prepare(`UPDATE jobs SET state = 'interrupted', updated_at = ? WHERE state IN ('running', 'queued')`)
      .run(new Date().toISOString()).changes;
  }
}
