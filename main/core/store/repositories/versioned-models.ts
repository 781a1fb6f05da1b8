// A typed repository of trained models, each a numbered version with a report and the blobs it holds references on; main process.
import { randomBytes } from 'node:crypto';
import { LikenessError } from '../../../contract/errors.js';
import type { BlobStore } from '../blobs.js';
import type { Db } from '../database.js';

interface Row {
  id: string;
  version: number;
  model: string;
  report: string;
  extra: string | null;
  job_id: string;
  created_at: string;
}

/** What every stored model has; the rest of its fields live in `report` and one JSON column of the stage's own. */
export interface StoredModel {
  id: string;
  version: number;
  model: string;
  jobId: string;
  createdAt: string;
}

export interface VersionedModelsSpec<T extends StoredModel> {
  table: 'voice_models' | 'face_models';
  /** The stage's own JSON column (e.g. the A/B/C samples, the idle loop). */
  extraColumn: 'samples' | 'assets';
  idPrefix: 'voice' | 'face';
  /** Validates a stored model (the contract's schema). */
  parse(value: unknown): T;
  /** The model's fields stored in the extra column, and how they are put back. */
  extra(model: Omit<T, keyof StoredModel> & Pick<T, 'model' | 'jobId'>): unknown;
  fromRow(base: StoredModel & { report: unknown; extra: unknown }): unknown;
  /** Every blob the model needs kept. */
  digests(model: T): string[];
  /** Said when there is no model yet. */
  none: string;
}

export class VersionedModels<T extends StoredModel> {
  constructor(
    private readonly db: Db,
    private readonly blobs: BlobStore,
    private readonly spec: VersionedModelsSpec<T>,
  ) {}

  private toModel(row: Row): T {
    return this.spec.parse(
      this.spec.fromRow({
        id: row.id,
        version: row.version,
        model: row.model,
        jobId: row.job_id,
        createdAt: row.created_at,
        report: JSON.parse(row.report) as unknown,
        extra: row.extra === null ? null : (JSON.parse(row.extra) as unknown),
      }),
    );
  }

  private select(where = '', order = 'ORDER BY version'): string {
    return `SELECT id, version, model, report, ${this.spec.extraColumn} AS extra, job_id, created_at FROM ${this.spec.table} ${where} ${order}`;
  }

  /** Adds the model as the next version, with its blob references, in one transaction. */
  add(model: Omit<T, 'id' | 'version' | 'createdAt'> & { report: unknown }): T {
    const id = `${this.spec.idPrefix}_${randomBytes(8).toString('hex')}`;
    return this.db.transaction(() => {
      const { next } = this.db.prepare(`SELECT coalesce(max(version), 0) + 1 AS next FROM ${this.spec.table}`).get() as { next: number };
      const row = this.spec.parse({ ...model, id, version: next, createdAt: new Date().toISOString() });
      for (const digest of this.spec.digests(row)) this.blobs.addRef(digest, `${this.spec.idPrefix}:${id}`);
      const extra = this.spec.extra(row);
      this.db
        .prepare(`INSERT INTO ${this.spec.table} (id, version, model, report, ${this.spec.extraColumn}, job_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(id, row.version, row.model, JSON.stringify(model.report), extra === null ? null : JSON.stringify(extra), row.jobId, row.createdAt);
      return row;
    })();
  }

  list(): T[] {
    return (this.db.prepare(this.select()).all() as Row[]).map((r) => this.toModel(r));
  }

  /** The newest model, or null before the first training. */
  current(): T | null {
    const row = this.db.prepare(this.select('', 'ORDER BY version DESC LIMIT 1')).get() as Row | undefined;
    return row ? this.toModel(row) : null;
  }

  require(id?: string): T {
    const row = (id === undefined ? this.db.prepare(this.select('', 'ORDER BY version DESC LIMIT 1')).get() : this.db.prepare(this.select('WHERE id = ?', '')).get(id)) as Row | undefined;
    if (!row) throw new LikenessError('not-found', id === undefined ? this.spec.none : `No model ${id}.`);
    return this.toModel(row);
  }
}
