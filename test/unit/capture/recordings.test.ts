// Recordings streamed from the app: chunks flushed in order, retries accepted once, gaps and oversize refused, empty recordings refused.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_CHUNK_BYTES, Recordings } from '../../../main/core/capture/recordings.js';
import { tempDir } from '../../support/tmp.js';

const meta = { kind: 'voice', language: 'en', promptId: 'en-001', purpose: 'take', fileName: 'take.webm' } as const;

describe('recordings', () => {
  it('appends chunks in order to a file on disk as they arrive', () => {
    const dir = tempDir();
    const recordings = new Recordings(dir);
    const { id } = recordings.start(meta);
    recordings.append(id, 0, Buffer.from('one '));
    // The chunk is on disk before the recording ends: a crash keeps it.
    expect(readFileSync(`${dir}/${id}.webm`, 'utf8')).toBe('one ');
    recordings.append(id, 1, Buffer.from('two'));
    expect(recordings.append(id, 1, Buffer.from('two'))).toEqual({ bytes: 7 });
    const finished = recordings.finish(id);
    expect(readFileSync(finished.path, 'utf8')).toBe('one two');
    recordings.discard(id, finished.path);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a gap, an oversized chunk, an unknown id and an empty recording', () => {
    const recordings = new Recordings(tempDir());
    const { id } = recordings.start(meta);
    expect(() => recordings.append(id, 1, Buffer.from('x'))).toThrow(/expected chunk 0, got 1/);
    expect(() => recordings.append(id, 0, Buffer.alloc(MAX_CHUNK_BYTES + 1))).toThrow(/at most/);
    expect(() => recordings.append('rec_0000000000000000', 0, Buffer.from('x'))).toThrow(/No recording/);
    expect(() => recordings.append('../../etc/passwd', 0, Buffer.from('x'))).toThrow(/No recording/);
    expect(() => recordings.finish(id)).toThrow(/empty/);
    expect(recordings.leftovers()).toEqual([]);
  });

  it('keeps what a crashed session had flushed, for recovery', () => {
    const dir = tempDir();
    const first = new Recordings(dir);
    const { id } = first.start(meta);
    first.append(id, 0, Buffer.from('saved before the crash'));
    const after = new Recordings(dir);
    expect(after.leftovers()).toEqual([{ id, meta: { ...meta, id }, file: `${dir}/${id}.webm`, bytes: 22, modifiedAt: expect.any(String) }]);
    expect(after.leftover(id).meta).toEqual({ ...meta, id });
    first.closeAll();
    after.discard(id);
    expect(readdirSync(dir)).toEqual([]);
    expect(() => after.leftover(id)).toThrow(/No interrupted recording/);
  });

  it('lists a leftover whose details file was lost with no details, and never mistakes a .json upload for details', () => {
    const dir = tempDir();
    const first = new Recordings(dir);
    const lost = first.start(meta);
    first.append(lost.id, 0, Buffer.from('x'));
    rmSync(join(dir, `${lost.id}.json`));
    const json = first.start({ ...meta, purpose: 'import', fileName: 'notes.json' });
    first.append(json.id, 0, Buffer.from('{}'));
    first.closeAll();
    const after = new Recordings(dir);
    expect(after.leftover(lost.id).meta).toBeNull();
    expect(after.leftover(json.id)).toMatchObject({ meta: { fileName: 'notes.json' }, file: join(dir, `${json.id}.bin`) });
  });
});
