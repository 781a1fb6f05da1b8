// Blob store: content addressing, streaming, deduplication, malicious names, failed writes, verification and garbage collection.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openStudio } from '../../../main/core/studio.js';
import { tempDir } from '../../support/tmp.js';

function sha(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

async function studioIn(dir = tempDir()) {
  const studio = openStudio(dir);
  return { studio, dir, [Symbol.asyncDispose]: () => studio.close() };
}

function ageFile(path: string, hours: number): void {
  const past = new Date(Date.now() - hours * 3600_000);
  utimesSync(path, past, past);
}

describe('blob store', () => {
  it('names a blob by the sha256 of its bytes and reads it back', async () => {
    await using s = await studioIn();
    const bytes = Buffer.from('a voice take, in principle');
    const info = await s.studio.blobs.put(bytes, { mediaType: 'audio/wav', owner: 'take:1' });
    expect(info.digest).toBe(sha(bytes));
    expect(info.size).toBe(bytes.length);
    expect(await s.studio.blobs.read(info.digest)).toEqual(bytes);
    expect(s.studio.blobs.info(info.digest)?.mediaType).toBe('audio/wav');
  });

  it('streams large input without holding it and stores identical content once', async () => {
    await using s = await studioIn();
    const chunk = Buffer.alloc(256 * 1024, 3);
    const whole = Buffer.concat(Array.from({ length: 20 }, () => chunk));
    const a = await s.studio.blobs.put(Readable.from(Array.from({ length: 20 }, () => chunk)), { mediaType: 'x', owner: 'a' });
    const b = await s.studio.blobs.put(whole, { mediaType: 'x', owner: 'b' });
    expect(a.digest).toBe(b.digest);
    expect(a.size).toBe(whole.length);
    expect(s.studio.blobs.stats().blobCount).toBe(1);
    expect(s.studio.blobs.refCount(a.digest)).toBe(2);
  });

  it('stores empty content as a valid blob', async () => {
    await using s = await studioIn();
    const info = await s.studio.blobs.put(Buffer.alloc(0), { mediaType: 'x', owner: 'o' });
    expect(info.digest).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect((await s.studio.blobs.read(info.digest)).length).toBe(0);
  });

  it('rejects names that are not digests, so no path can escape the store', async () => {
    await using s = await studioIn();
    for (const bad of ['sha256:../../etc/passwd', '../studio.db', 'sha256:ABC', `sha256:${'g'.repeat(64)}`]) {
      expect(() => s.studio.blobs.pathOf(bad)).toThrow(/Not a sha256 digest/);
      await expect(s.studio.blobs.read(bad)).rejects.toThrow();
    }
  });

  it('a source that fails midway leaves no blob and no temp file, and older blobs stay', async () => {
    await using s = await studioIn();
    const kept = await s.studio.blobs.put(Buffer.from('kept'), { mediaType: 'x', owner: 'o' });
    async function* failing() {
      yield Buffer.alloc(1024, 1);
      throw new Error('camera unplugged');
    }
    await expect(s.studio.blobs.put(failing(), { mediaType: 'x' })).rejects.toThrow('camera unplugged');
    expect(readdirSync(join(s.dir, 'blobs', 'tmp'))).toEqual([]);
    expect(s.studio.blobs.stats().blobCount).toBe(1);
    expect((await s.studio.blobs.read(kept.digest)).toString()).toBe('kept');
  });

  it('verify notices bytes that changed on disk', async () => {
    await using s = await studioIn();
    const info = await s.studio.blobs.put(Buffer.from('original'), { mediaType: 'x', owner: 'o' });
    expect(await s.studio.blobs.verify(info.digest)).toBe(true);
    writeFileSync(s.studio.blobs.pathOf(info.digest), 'tampered');
    expect(await s.studio.blobs.verify(info.digest)).toBe(false);
  });

  it('gc removes what nobody references, crash leftovers and stale temp files, and keeps the rest', async () => {
    await using s = await studioIn();
    const blobs = s.studio.blobs;
    const referenced = await blobs.put(Buffer.from('referenced'), { mediaType: 'x', owner: 'take:1' });
    const dropped = await blobs.put(Buffer.from('dropped'), { mediaType: 'x', owner: 'take:2' });
    const fresh = await blobs.put(Buffer.from('just written'), { mediaType: 'x' });
    blobs.removeRef(dropped.digest, 'take:2');
    ageFile(blobs.pathOf(dropped.digest), 2);
    // A crash between rename and insert leaves a file the database does not know.
    const orphanBytes = Buffer.from('orphan');
    const orphanPath = blobs.pathOf(sha(orphanBytes));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(orphanPath, '..'), { recursive: true });
    writeFileSync(orphanPath, orphanBytes);
    ageFile(orphanPath, 2);
    const staleTemp = join(s.dir, 'blobs', 'tmp', 'interrupted');
    writeFileSync(staleTemp, 'partial');
    ageFile(staleTemp, 2);

    const result = blobs.gc();
    expect(result).toEqual({ removedBlobs: 2, removedBytes: 'dropped'.length + orphanBytes.length, removedTemps: 1 });
    expect(blobs.has(referenced.digest)).toBe(true);
    expect(blobs.has(fresh.digest)).toBe(true);
    expect(blobs.has(dropped.digest)).toBe(false);
    expect(existsSync(orphanPath)).toBe(false);
    expect(existsSync(staleTemp)).toBe(false);
  });

  it('refuses a reference to a blob that does not exist', async () => {
    await using s = await studioIn();
    expect(() => s.studio.blobs.addRef(`sha256:${'0'.repeat(64)}`, 'x')).toThrow(/No blob/);
  });
});
