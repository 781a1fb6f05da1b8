// Data home: where it resolves, the lock against a second process, and a read-only or full disk.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LikenessError } from '../../../main/contract/errors.js';
import { defaultHome, lockHome, prepareHome, resolveHome } from '../../../main/core/store/home.js';
import { openStudio } from '../../../main/core/studio.js';
import { serve } from '../../support/serve.js';
import { canMount, remountReadOnly, tempDir, tmpfs } from '../../support/tmp.js';

describe('data home', () => {
  it('takes --home before LIKENESS_HOME before the platform default', () => {
    expect(resolveHome('/a/b', { LIKENESS_HOME: '/c' })).toBe('/a/b');
    expect(resolveHome(undefined, { LIKENESS_HOME: '/c' })).toBe('/c');
    expect(resolveHome(undefined, { XDG_CONFIG_HOME: '/x' })).toBe('/x/Likeness Studio');
    expect(defaultHome({ APPDATA: 'C:\\Users\\me\\AppData\\Roaming' }, 'win32')).toContain('Likeness Studio');
  });

  it('refuses a second process with the PID of the first, and leaves its database intact', async () => {
    const home = tempDir();
    const first = await serve(['--home', home]);
    let caught: unknown;
    try {
      openStudio(home);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LikenessError);
    expect((caught as LikenessError).code).toBe('home-locked');
    expect((caught as LikenessError).message).toContain(`already open by PID ${first.child.pid}`);
    const info = await fetch(`${first.origin}/api/call/store.stats`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${first.token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(info.status).toBe(200);
    expect(await first.stop()).toBe(0);
    expect(existsSync(join(home, 'studio.lock'))).toBe(false);
  });

  it('takes over a lock left by a process that died', async () => {
    const home = tempDir();
    const dead = spawn(process.execPath, ['-e', '']);
    await once(dead, 'exit');
    writeFileSync(join(home, 'studio.lock'), `${dead.pid}\n`);
    const studio = openStudio(home);
    await studio.close();
  });

  it('a lock taken twice in one process is refused too', () => {
    const home = tempDir();
    const lock = lockHome(home);
    expect(() => lockHome(home)).toThrow(/already open by PID/);
    lock.release();
  });

  it.skipIf(!canMount)('says a read-only home cannot be written', () => {
    const dir = tmpfs(1024, { readOnly: true })!;
    expect(() => prepareHome(join(dir, 'home'))).toThrow(expect.objectContaining({ code: 'home-read-only' }));
  });

  it.skipIf(!canMount)('a home that became read-only refuses to open and keeps what was saved', async () => {
    const dir = tmpfs(4096)!;
    const studio = openStudio(dir);
    const saved = await studio.blobs.put(Buffer.from('keep me'), { mediaType: 'text/plain', owner: 'test' });
    await studio.close();
    remountReadOnly(dir);
    expect(() => openStudio(dir)).toThrow(expect.objectContaining({ code: 'home-read-only' }));
    remountReadOnly(dir, false);
    const again = openStudio(dir);
    expect((await again.blobs.read(saved.digest)).toString()).toBe('keep me');
    await again.close();
  });

  it.skipIf(!canMount)('a full disk fails the write with a clear message, removes the partial file and keeps older blobs', async () => {
    const dir = tmpfs(2048)!;
    const studio = openStudio(dir);
    const saved = await studio.blobs.put(Buffer.from('small and safe'), { mediaType: 'text/plain', owner: 'test' });
    const huge = Buffer.alloc(8 * 1024 * 1024, 7);
    await expect(studio.blobs.put(huge, { mediaType: 'application/octet-stream' })).rejects.toThrow(/disk .* is full/);
    expect(readdirSync(join(dir, 'blobs', 'tmp'))).toEqual([]);
    expect((await studio.blobs.read(saved.digest)).toString()).toBe('small and safe');
    expect(studio.blobs.stats().blobCount).toBe(1);
    await studio.close();
  });
});
