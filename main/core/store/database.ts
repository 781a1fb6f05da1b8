// Opens the studio's SQLite database in WAL mode and brings its schema up to date; main process.
import Database from 'better-sqlite3';
import { LikenessError } from '../../contract/errors.js';
import { translateFsError } from './fs-errors.js';
import type { Migration } from './migrations.js';

export type Db = Database.Database;

export function schemaVersion(db: Db): number {
  return Number(db.pragma('user_version', { simple: true }));
}

/** Applies every migration newer than the database; a failing one rolls back whole and leaves the old schema intact. */
export function migrate(db: Db, list: readonly Migration[]): number {
  const latest = list.reduce((max, m) => Math.max(max, m.version), 0);
  const current = schemaVersion(db);
  if (current > latest) {
    throw new LikenessError(
      'conflict',
      `This data home was written by a newer Likeness Studio (schema ${current}; this version knows up to ${latest}). Update the app; nothing was changed.`,
    );
  }
  const pending = [...list].filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  for (const migration of pending) {
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return schemaVersion(db);
}

export function openDatabase(path: string, list: readonly Migration[]): Db {
  let db: Db;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
  } catch (error) {
    throw translateFsError(error, 'the database', path);
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  try {
    migrate(db, list);
  } catch (error) {
    db.close();
    throw error instanceof LikenessError ? error : translateFsError(error, 'the database upgrade', path);
  }
  return db;
}
