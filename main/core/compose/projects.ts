// Compose projects (saved scripts) and the outputs rendered from them, in SQLite; main process.
import { randomBytes } from 'node:crypto';
import type { ComposeOutput, ComposeProject } from '../../contract/compose.js';
import { LikenessError } from '../../contract/errors.js';
import type { Db } from '../store/database.js';
import { parseScript } from './script.js';

interface ProjectRow {
  id: string;
  script: string;
  created_at: string;
  updated_at: string;
}

function toProject(row: ProjectRow): ComposeProject {
  return { id: row.id, script: parseScript(JSON.parse(row.script)), createdAt: row.created_at, updatedAt: row.updated_at };
}

export class ComposeProjects {
  constructor(private readonly db: Db) {}

  create(script: unknown, now = new Date()): ComposeProject {
    const checked = parseScript(script);
    const id = `proj_${randomBytes(6).toString('hex')}`;
    const at = now.toISOString();
    this.db.prepare('INSERT INTO compose_projects (id, script, created_at, updated_at) VALUES (?, ?, ?, ?)').run(id, JSON.stringify(checked), at, at);
    return { id, script: checked, createdAt: at, updatedAt: at };
  }

  save(id: string, script: unknown, now = new Date()): ComposeProject {
    const checked = parseScript(script);
    const changed = this.db.prepare('UPDATE compose_projects SET script = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(checked), now.toISOString(), id);
    if (changed.changes === 0) throw new LikenessError('not-found', `No project ${id} in this studio.`);
    return this.require(id);
  }

  find(id: string): ComposeProject | undefined {
    const row = this.db.prepare('SELECT * FROM compose_projects WHERE id = ?').get(id) as ProjectRow | undefined;
    return row ? toProject(row) : undefined;
  }

  require(id: string): ComposeProject {
    const project = this.find(id);
    if (!project) throw new LikenessError('not-found', `No project ${id} in this studio.`);
    return project;
  }

  list(): ComposeProject[] {
    return (this.db.prepare('SELECT * FROM compose_projects ORDER BY updated_at DESC, id').all() as ProjectRow[]).map(toProject);
  }

  /** Deletes the project; the videos rendered from it stay, with their receipts. */
  remove(id: string): void {
    const gone = this.db.prepare('DELETE FROM compose_projects WHERE id = ?').run(id);
    if (gone.changes === 0) throw new LikenessError('not-found', `No project ${id} in this studio.`);
  }

  /** Keeps an output and, in the same transaction, its receipt (`recordReceipt`): neither is ever kept without the other. */
  keepOutput(output: ComposeOutput, recordReceipt: () => void): void {
    this.db.transaction(() => {
      recordReceipt();
      this.db
        .prepare('INSERT INTO compose_outputs (id, project_id, twin_id, receipt_id, mark, record, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(output.id, output.project, output.twinId, output.receiptId, output.mark, JSON.stringify(output), output.createdAt);
    })();
  }

  outputs(filter: { project?: string } = {}): ComposeOutput[] {
    const rows = (filter.project === undefined
      ? this.db.prepare('SELECT record FROM compose_outputs ORDER BY created_at DESC, id').all()
      : this.db.prepare('SELECT record FROM compose_outputs WHERE project_id = ? ORDER BY created_at DESC, id').all(filter.project)) as { record: string }[];
    return rows.map((row) => JSON.parse(row.record) as ComposeOutput);
  }

  output(id: string): ComposeOutput | undefined {
    const row = this.db.prepare('SELECT record FROM compose_outputs WHERE id = ?').get(id) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as ComposeOutput) : undefined;
  }

  /** The outputs whose audio watermark carries `mark` (16 hex digits). */
  byMark(mark: string): ComposeOutput[] {
    return (this.db.prepare('SELECT record FROM compose_outputs WHERE mark = ?').all(mark.toLowerCase()) as { record: string }[]).map((row) => JSON.parse(row.record) as ComposeOutput);
  }
}

