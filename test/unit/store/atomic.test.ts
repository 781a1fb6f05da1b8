// Atomic writes, one file or a batch: readers see the old files or the new ones, and a failed write leaves no temp file behind.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { abandonStaged, commitStaged, stageFile, writeFileAtomic } from '../../../main/core/store/atomic.js';
import { tempDir } from '../../support/tmp.js';

describe('writeFileAtomic', () => {
  it('replaces a file whole', () => {
    const dir = tempDir();
    const file = join(dir, 'settings.json');
    writeFileSync(file, 'old');
    writeFileAtomic(file, 'new content');
    expect(readFileSync(file, 'utf8')).toBe('new content');
    expect(readdirSync(dir)).toEqual(['settings.json']);
  });

  it('keeps the old content and cleans up when the rename fails', () => {
    const dir = tempDir();
    const target = join(dir, 'occupied');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'x');
    expect(() => writeFileAtomic(target, 'data')).toThrow();
    expect(readdirSync(dir)).toEqual(['occupied']);
    expect(readFileSync(join(target, 'inside'), 'utf8')).toBe('x');
  });
});

describe('commitStaged', () => {
  it('puts a batch of files in place, group by group, and leaves no temp file', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'blobs'));
    writeFileSync(join(dir, 'index.json'), 'old index');
    const blobs = [stageFile(join(dir, 'blobs', 'a'), 'first blob', 0o644), stageFile(join(dir, 'blobs', 'b'), new Uint8Array([1, 2, 3]), 0o644)];
    const index = stageFile(join(dir, 'index.json'), 'new index');
    expect(readFileSync(join(dir, 'index.json'), 'utf8')).toBe('old index');
    await commitStaged([blobs, [index]]);
    expect(readFileSync(join(dir, 'blobs', 'a'), 'utf8')).toBe('first blob');
    expect([...readFileSync(join(dir, 'blobs', 'b'))]).toEqual([1, 2, 3]);
    expect(readFileSync(join(dir, 'index.json'), 'utf8')).toBe('new index');
    expect(readdirSync(join(dir, 'blobs')).sort()).toEqual(['a', 'b']);
    expect(readdirSync(dir).sort()).toEqual(['blobs', 'index.json']);
  });

  it('keeps a later group as it was when an earlier one cannot be placed', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'blobs'));
    mkdirSync(join(dir, 'blobs', 'occupied'));
    writeFileSync(join(dir, 'blobs', 'occupied', 'inside'), 'x');
    writeFileSync(join(dir, 'index.json'), 'old index');
    const blob = stageFile(join(dir, 'blobs', 'occupied'), 'blob');
    const index = stageFile(join(dir, 'index.json'), 'index naming the blob');
    await expect(commitStaged([[blob], [index]])).rejects.toThrow();
    expect(readFileSync(join(dir, 'index.json'), 'utf8')).toBe('old index');
    expect(readdirSync(join(dir, 'blobs'))).toEqual(['occupied']);
    expect(readdirSync(dir).sort()).toEqual(['blobs', 'index.json']);
  });

  it('abandons staged files without touching their targets', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'kept'), 'old');
    abandonStaged([stageFile(join(dir, 'kept'), 'new'), stageFile(join(dir, 'never'), 'data')]);
    expect(readdirSync(dir)).toEqual(['kept']);
    expect(readFileSync(join(dir, 'kept'), 'utf8')).toBe('old');
  });
});
