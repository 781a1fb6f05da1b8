// Typed repository of capture takes; each take holds references on its audio (and video) blobs; main process.
import { randomBytes } from 'node:crypto';
import { LikenessError } from '../../contract/errors.js';
import { Take, type TakeKind } from '../../contract/models.js';
import type { BlobStore } from '../store/blobs.js';
import type { Db } from '../store/database.js';

interface TakeRow {
  id: string;
  kind: string;
  language: string;
  prompt_id: string | null;
  transcript: string | null;
  source: string;
  source_name: string;
  audio: string;
  video: string | null;
  metrics: string;
  video_metrics: string | null;
  status: string;
  reasons: string;
  created_at: string;
}

function toTake(row: TakeRow): Take {
  return Take.parse({
    id: row.id,
    kind: row.kind,
    language: row.language,
    promptId: row.prompt_id,
    transcript: row.transcript,
    source: row.source,
    sourceName: row.source_name,
    audio: row.audio,
    video: row.video,
    metrics: JSON.parse(row.metrics) as unknown,
    videoMetrics: row.video_metrics === null ? null : (JSON.parse(row.video_metrics) as unknown),
    status: row.status,
    reasons: JSON.parse(row.reasons) as unknown,
    createdAt: row.created_at,
  });
}

export type NewTake = Omit<Take, 'id' | 'createdAt'>;

export function newTakeId(): string {
  return `take_${randomBytes(8).toString('hex')}`;
}

export class TakesRepository {
  constructor(
    private readonly db: Db,
    private readonly blobs: BlobStore,
  ) {}

  /** Adds the take and its blob references in one transaction, so a take never points at a collectable blob. */
  add(take: NewTake, id = newTakeId()): Take {
    const row = Take.parse({ ...take, id, createdAt: new Date().toISOString() });
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO takes (id, kind, language, prompt_id, transcript, source, source_name, audio, video, metrics, video_metrics, status, reasons, created_at)
           VALUES (@id, @kind, @language, @promptId, @transcript, @source, @sourceName, @audio, @video, @metrics, @videoMetrics, @status, @reasons, @createdAt)`,
        )
        .run({
          ...row,
          metrics: JSON.stringify(row.metrics),
          videoMetrics: row.videoMetrics === null ? null : JSON.stringify(row.videoMetrics),
          reasons: JSON.stringify(row.reasons),
        });
      this.blobs.addRef(row.audio, `take:${id}`);
      if (row.video) this.blobs.addRef(row.video, `take:${id}`);
    })();
    return row;
  }

  find(id: string): Take | undefined {
    const row = this.db.prepare('SELECT * FROM takes WHERE id = ?').get(id) as TakeRow | undefined;
    return row ? toTake(row) : undefined;
  }

  require(id: string): Take {
    const take = this.find(id);
    if (!take) throw new LikenessError('not-found', `No take ${id}.`);
    return take;
  }

  list(filter: { kind?: TakeKind; language?: string } = {}): Take[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM takes WHERE (@kind IS NULL OR kind = @kind) AND (@language IS NULL OR language = @language) ORDER BY created_at, rowid`,
      )
      .all({ kind: filter.kind ?? null, language: filter.language ?? null }) as TakeRow[];
    return rows.map(toTake);
  }

  /** Removes the take and its references; the media go at the next garbage collection. */
  delete(id: string): Take {
    const take = this.require(id);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM takes WHERE id = ?').run(id);
      this.blobs.removeRef(take.audio, `take:${id}`);
      if (take.video) this.blobs.removeRef(take.video, `take:${id}`);
    })();
    return take;
  }
}
