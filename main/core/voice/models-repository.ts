// Typed repository of trained voice models: each holds references on its model and A/B/C sample blobs; main process.
import { randomBytes } from 'node:crypto';
import { LikenessError } from '../../contract/errors.js';
import { VoiceModel } from '../../contract/models.js';
import type { BlobStore } from '../store/blobs.js';
import type { Db } from '../store/database.js';

interface Row {
  id: string;
  version: number;
  model: string;
  report: string;
  samples: string | null;
  job_id: string;
  created_at: string;
}

function toModel(row: Row): VoiceModel {
  return VoiceModel.parse({
    id: row.id,
    version: row.version,
    model: row.model,
    report: JSON.parse(row.report) as unknown,
    samples: row.samples === null ? null : (JSON.parse(row.samples) as unknown),
    jobId: row.job_id,
    createdAt: row.created_at,
  });
}

export class VoiceModelsRepository {
  constructor(
    private readonly db: Db,
    private readonly blobs: BlobStore,
  ) {}

  /** Adds the model as the next version, with its blob references, in one transaction. */
  add(model: Omit<VoiceModel, 'id' | 'version' | 'createdAt'>): VoiceModel {
    const id = `voice_${randomBytes(8).toString('hex')}`;
    return this.db.transaction(() => {
      const { next } = this.db.prepare('SELECT coalesce(max(version), 0) + 1 AS next FROM voice_models').get() as { next: number };
      const row = VoiceModel.parse({ ...model, id, version: next, createdAt: new Date().toISOString() });
      for (const digest of [row.model, ...(row.samples ? [row.samples.source, row.samples.converted, row.samples.real] : [])]) this.blobs.addRef(digest, `voice:${id}`);
      this.db
        .prepare('INSERT INTO voice_models (id, version, model, report, samples, job_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(id, row.version, row.model, JSON.stringify(row.report), row.samples === null ? null : JSON.stringify(row.samples), row.jobId, row.createdAt);
      return row;
    })();
  }

  list(): VoiceModel[] {
    return (this.db.prepare('SELECT * FROM voice_models ORDER BY version').all() as Row[]).map(toModel);
  }

  /** The newest model, or null before the first training. */
  current(): VoiceModel | null {
    const row = this.db.prepare('SELECT * FROM voice_models ORDER BY version DESC LIMIT 1').get() as Row | undefined;
    return row ? toModel(row) : null;
  }

  require(id?: string): VoiceModel {
    const model = id === undefined ? this.current() : ((row) => (row ? toModel(row) : null))(this.db.prepare('SELECT * FROM voice_models WHERE id = ?').get(id) as Row | undefined);
    if (!model) throw new LikenessError('not-found', id === undefined ? 'No voice model yet: train one first (Train → Voice, or `likeness voice train`).' : `No voice model ${id}.`);
    return model;
  }
}
