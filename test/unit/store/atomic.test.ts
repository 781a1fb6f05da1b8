// Atomic writes: readers see the old file or the new one, and a failed write leaves no temp file behind.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../main/core/store/atomic.js';
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
