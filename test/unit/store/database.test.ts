// Database: WAL mode, numbered migrations applied once and atomically, and refusal of a newer schema.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion } from '../../../main/core/store/database.js';
import { migrations } from '../../../main/core/store/migrations.js';
import { tempDir } from '../../support/tmp.js';

describe('database', () => {
  it('opens in WAL mode with every migration applied', () => {
    const db = openDatabase(join(tempDir(), 'studio.db'), migrations);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['settings', 'blobs', 'blob_refs', 'jobs']));
    db.close();
  });

  it('applies each migration once across reopenings', () => {
    const path = join(tempDir(), 'studio.db');
    openDatabase(path, migrations).close();
    const db = openDatabase(path, migrations);
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version);
    db.close();
  });

  it('rolls a failing migration back whole and keeps the old schema', () => {
    const db = new Database(join(tempDir(), 'studio.db'));
    migrate(db, migrations);
    const latest = migrations.at(-1)!.version;
    const broken = [...migrations, { version: latest + 1, name: 'broken', sql: 'CREATE TABLE half (x INTEGER); INSERT INTO nowhere VALUES (1);' }];
    expect(() => migrate(db, broken)).toThrow(/no such table: nowhere/);
    expect(schemaVersion(db)).toBe(latest);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    db.close();
  });

  it('refuses a database written by a newer version without touching it', () => {
    const path = join(tempDir(), 'studio.db');
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    expect(() => openDatabase(path, migrations)).toThrow(/newer Likeness Studio \(schema 99/);
    const again = new Database(path);
    expect(schemaVersion(again)).toBe(99);
    again.close();
  });
});
