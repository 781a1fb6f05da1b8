// Layout archives: deterministic export, byte-identical round trip, and an import that refuses hostile archives and writes nothing.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, symlinkSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OciLayout } from '../../../../main/core/twin/oci/layout.js';
import { TarImportError, exportLayoutTar, importLayoutTar, type TarImportLimits, type TarImportReason } from '../../../../main/core/twin/oci/tar.js';
import { EMPTY_DESCRIPTOR, INDEX_MEDIA_TYPE, MANIFEST_MEDIA_TYPE } from '../../../../main/core/twin/oci/types.js';
import { tempDir } from '../../../support/tmp.js';
import { rawHeader, rawTar } from '../../../support/raw-tar.js';
import type { RawEntry } from '../../../support/raw-tar.js';

function sha(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

const LAYOUT_JSON = Buffer.from('{"imageLayoutVersion":"1.0.0"}');
const EMPTY_INDEX = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: INDEX_MEDIA_TYPE, manifests: [] }));
const BLOB = Buffer.from('a blob');
const BLOB_NAME = `blobs/sha256/${sha(BLOB).slice(7)}`;

/** A minimal valid archive plus extra entries after its directories. */
function layoutTar(extra: RawEntry[], options: { index?: Buffer } = {}): Buffer {
  return rawTar([
    { name: 'blobs/', type: '5' },
    { name: 'blobs/sha256/', type: '5' },
    { name: BLOB_NAME, content: BLOB },
    ...extra,
    { name: 'index.json', content: options.index ?? EMPTY_INDEX },
    { name: 'oci-layout', content: LAYOUT_JSON },
  ]);
}

// --- fixtures ---

async function sampleLayout(dir: string): Promise<{ layout: OciLayout; root: string }> {
  const layout = await OciLayout.create(dir);
  const config = await layout.putJson({ owner: '0xabc', rules: { purposes: ['education'] } }, 'application/vnd.example.twin.config.v1+json');
  const weights = await layout.putBlob(Buffer.alloc(3 * 1024 * 1024 + 123, 0x5a), 'application/vnd.example.weights');
  const voice = await layout.putBlob(Buffer.from('voice assets'), 'application/vnd.example.voice');
  const root = await layout.putJson({ schemaVersion: 2, mediaType: MANIFEST_MEDIA_TYPE, artifactType: 'application/vnd.example.twin.v1', config, layers: [weights, voice] }, MANIFEST_MEDIA_TYPE);
  layout.addToIndex({ ...root, artifactType: 'application/vnd.example.twin.v1' });
  await layout.putJson({}, 'application/vnd.oci.empty.v1+json');
  const envelope = await layout.putBlob(Buffer.from('wrapped content key'), 'application/vnd.example.envelope');
  const referrer = await layout.putJson(
    { schemaVersion: 2, mediaType: MANIFEST_MEDIA_TYPE, artifactType: 'application/vnd.example.key', config: EMPTY_DESCRIPTOR, layers: [envelope], subject: root },
    MANIFEST_MEDIA_TYPE,
  );
  layout.addToIndex(referrer);
  return { layout, root: root.digest };
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = join(dir, rel, name);
      if (statSync(path).isDirectory()) walk(join(rel, name));
      else out[join(rel, name)] = sha(readFileSync(path));
    }
  };
  walk('');
  return out;
}

/** Imports `archive` into a fresh parent and checks the refusal and that the parent is exactly as before. */
async function expectRefused(archive: Buffer | string, reason: TarImportReason, limits?: TarImportLimits): Promise<TarImportError> {
  const file = typeof archive === 'string' ? archive : join(tempDir('likeness-tar-in-'), 'twin.tar');
  if (typeof archive !== 'string') writeFileSync(file, archive);
  const parent = tempDir('likeness-tar-parent-');
  writeFileSync(join(parent, 'unrelated.txt'), 'keep me');
  const before = readdirSync(parent).sort();
  const target = join(parent, 'imported');
  const error = await importLayoutTar(file, target, limits).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TarImportError);
  const refusal = error as TarImportError;
  expect({ reason: refusal.reason, message: refusal.message }).toMatchObject({ reason });
  expect(readdirSync(parent).sort()).toEqual(before);
  expect(existsSync(target)).toBe(false);
  expect(readFileSync(join(parent, 'unrelated.txt'), 'utf8')).toBe('keep me');
  return refusal;
}

describe('exportLayoutTar and importLayoutTar', () => {
  it('round-trips a layout with byte-identical blobs, index and oci-layout', async () => {
    const source = join(tempDir(), 'layout');
    const { root } = await sampleLayout(source);
    const out = join(tempDir(), 'twin.tar');
    const { bytes } = await exportLayoutTar(source, out);
    expect(statSync(out).size).toBe(bytes);
    expect(bytes % 512).toBe(0);

    const target = join(tempDir(), 'copy');
    await importLayoutTar(out, target);
    expect(snapshot(target)).toEqual(snapshot(source));
    const copy = await OciLayout.open(target);
    expect((await copy.referrers(root)).length).toBe(1);
    for (const digest of copy.listBlobs()) {
      expect(readFileSync(copy.blobPath(digest)).equals(readFileSync(join(source, 'blobs', 'sha256', digest.slice(7))))).toBe(true);
    }
  });

  it('exports deterministically, sorted, with zero times and owners, readable by tar(1)', async () => {
    const source = join(tempDir(), 'layout');
    await sampleLayout(source);
    // A temp file of an interrupted write is not part of the layout.
    writeFileSync(join(source, 'blobs', 'sha256', '.incoming.1.abcd.tmp'), 'partial');
    const first = join(tempDir(), 'a.tar');
    const second = join(tempDir(), 'b.tar');
    await exportLayoutTar(source, first);
    const copy = join(tempDir(), 'copy');
    await importLayoutTar(first, copy);
    await exportLayoutTar(copy, second);
    expect(readFileSync(first).equals(readFileSync(second))).toBe(true);

    const listing = execFileSync('tar', ['--numeric-owner', '-tvf', first], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } }).trim().split('\n');
    const names = listing.map((line) => line.split(/\s+/).at(-1)!);
    expect(names.slice(0, 2)).toEqual(['blobs/', 'blobs/sha256/']);
    expect(names.slice(-2)).toEqual(['index.json', 'oci-layout']);
    expect(names).toEqual([...names].sort());
    expect(names.some((n) => n.includes('.tmp'))).toBe(false);
    for (const line of listing) expect(line).toMatch(/^(drwxr-xr-x|-rw-r--r--) 0\/0 .* 1970-01-01 00:00 /);
  });

  it('refuses to export a layout with a damaged blob, and leaves no partial file', async () => {
    const source = join(tempDir(), 'layout');
    const { layout } = await sampleLayout(source);
    const victim = layout.listBlobs()[0]!;
    const bytes = readFileSync(layout.blobPath(victim));
    bytes[0]! ^= 1;
    writeFileSync(layout.blobPath(victim), bytes);
    const outDir = tempDir();
    await expect(exportLayoutTar(source, join(outDir, 'twin.tar'))).rejects.toThrow(/does not match its digest/);
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('accepts a hand-written minimal archive', async () => {
    const file = join(tempDir(), 'min.tar');
    writeFileSync(file, layoutTar([]));
    const target = join(tempDir(), 'min');
    await importLayoutTar(file, target);
    expect((await OciLayout.open(target)).listBlobs()).toEqual([sha(BLOB)]);
  });

  it('will not import over an existing non-empty folder', async () => {
    const file = join(tempDir(), 'min.tar');
    writeFileSync(file, layoutTar([]));
    const target = tempDir();
    writeFileSync(join(target, 'mine'), 'precious');
    await expect(importLayoutTar(file, target)).rejects.toThrow('will not import over an existing folder');
    expect(readdirSync(target)).toEqual(['mine']);
  });
});

describe('importLayoutTar refuses hostile archives', () => {
  const evil = Buffer.from('evil');

  it('a ".." path', async () => {
    const error = await expectRefused(layoutTar([{ name: '../evil', content: evil }]), 'unsafe-path');
    expect(error.entry).toBe('../evil');
    expect(error.message).toContain('".." segments');
  });

  it('an absolute path', async () => {
    const error = await expectRefused(layoutTar([{ name: '/etc/evil', content: evil }]), 'unsafe-path');
    expect(error.message).toContain('absolute');
    expect(existsSync('/etc/evil')).toBe(false);
  });

  it('a ".." hidden inside a blob path, also through the ustar prefix', async () => {
    expect((await expectRefused(layoutTar([{ name: 'blobs/../../x', content: evil }]), 'unsafe-path')).entry).toBe('blobs/../../x');
    expect((await expectRefused(layoutTar([{ name: 'x', prefix: 'blobs/../..', content: evil }]), 'unsafe-path')).entry).toBe('blobs/../../x');
  });

  it('a backslash and a NUL-smuggled name', async () => {
    await expectRefused(layoutTar([{ name: 'blobs\\..\\evil', content: evil }]), 'unsafe-path');
    const nameBytes = Buffer.concat([Buffer.from('index.json\0../../evil')]);
    const error = await expectRefused(layoutTar([{ name: '', nameBytes, content: evil }]), 'unsafe-path');
    expect(error.message).toContain('NUL');
  });

  it('a symbolic link', async () => {
    const error = await expectRefused(layoutTar([{ name: `blobs/sha256/${'b'.repeat(64)}`, type: '2', linkname: '/etc/passwd' }]), 'link');
    expect(error.message).toContain('symbolic link');
  });

  it('a hard link', async () => {
    const error = await expectRefused(layoutTar([{ name: `blobs/sha256/${'b'.repeat(64)}`, type: '1', linkname: BLOB_NAME }]), 'link');
    expect(error.message).toContain('hard link');
  });

  it('a character device, a block device and a FIFO', async () => {
    expect((await expectRefused(layoutTar([{ name: 'oci-layout', type: '3' }]), 'device')).message).toContain('character device');
    expect((await expectRefused(layoutTar([{ name: 'oci-layout', type: '4' }]), 'device')).message).toContain('block device');
    expect((await expectRefused(layoutTar([{ name: 'oci-layout', type: '6' }]), 'fifo')).message).toContain('FIFO');
  });

  it('a duplicate name', async () => {
    const error = await expectRefused(layoutTar([{ name: BLOB_NAME, content: BLOB }]), 'duplicate');
    expect(error.entry).toBe(BLOB_NAME);
  });

  it('a name outside the layout', async () => {
    const error = await expectRefused(layoutTar([{ name: 'run-me.sh', content: evil }]), 'not-in-layout');
    expect(error.entry).toBe('run-me.sh');
    await expectRefused(layoutTar([{ name: `blobs/sha512/${'a'.repeat(128)}`, content: evil }]), 'not-in-layout');
    await expectRefused(layoutTar([{ name: './oci-layout', content: LAYOUT_JSON }]), 'not-in-layout');
  });

  it('a blob whose content does not hash to its name', async () => {
    const name = `blobs/sha256/${sha(Buffer.from('the real thing')).slice(7)}`;
    const error = await expectRefused(layoutTar([{ name, content: evil }]), 'digest-mismatch');
    expect(error.entry).toBe(name);
  });

  it('pax extended and global headers, and GNU extensions', async () => {
    const pax = Buffer.from('30 path=blobs/sha256/../../evil\n');
    expect((await expectRefused(layoutTar([{ name: 'PaxHeaders/x', type: 'x', content: pax }]), 'pax')).message).toContain('pax');
    await expectRefused(layoutTar([{ name: 'pax_global_header', type: 'g', content: pax }]), 'pax');
    await expectRefused(layoutTar([{ name: '././@LongLink', type: 'L', content: Buffer.from('../../evil\0') }]), 'gnu-extension');
    await expectRefused(layoutTar([{ name: 'oci-layout', type: 'S' }]), 'gnu-extension');
  });

  it('a bad header checksum', async () => {
    const error = await expectRefused(layoutTar([{ name: 'index.json', content: EMPTY_INDEX, badChecksum: true }]), 'bad-checksum');
    expect(error.entry).toBe('index.json');
  });

  it('garbage and space-padded numeric fields', async () => {
    const garbage = await expectRefused(layoutTar([{ name: 'oci-layout', content: LAYOUT_JSON, patch: (h) => h.write('0000003x\0', 124, 9, 'latin1') }]), 'bad-number');
    expect(garbage.message).toContain('size');
    await expectRefused(layoutTar([{ name: 'oci-layout', content: LAYOUT_JSON, patch: (h) => h.write('    644\0', 100, 8, 'latin1') }]), 'bad-number');
    await expectRefused(layoutTar([{ name: 'oci-layout', content: LAYOUT_JSON, patch: (h) => h.writeUInt8(0x80, 124) }]), 'bad-number');
  });

  it('a 10 GB entry declared in a tiny file', async () => {
    const archive = rawTar([{ name: BLOB_NAME, size: 10 * 1024 ** 3 }], false);
    const error = await expectRefused(Buffer.concat([archive, Buffer.alloc(1024)]), 'truncated');
    expect(error.message).toContain('declares 10737418240 bytes but only');
  });

  it('a 10 GB entry in a sparse 10 GB file, refused by the limits before anything is written', async () => {
    const file = join(tempDir('likeness-tar-sparse-'), 'sparse.tar');
    const header = rawHeader({ name: BLOB_NAME, size: 10 * 1024 ** 3 });
    const fd = openSync(file, 'w');
    writeSync(fd, header);
    closeSync(fd);
    truncateSync(file, 512 + 10 * 1024 ** 3 + 1024);
    // The file is sparse: it claims 10 GB and occupies almost nothing.
    expect(statSync(file).blocks * 512).toBeLessThan(1024 * 1024);
    const entry = await expectRefused(file, 'too-large', { maxEntryBytes: 1024 ** 3 });
    expect(entry.message).toContain('over the limit of 1073741824');
    await expectRefused(file, 'too-large', { maxTotalBytes: 1024 ** 3 });
  });

  it('more entries than allowed', async () => {
    await expectRefused(layoutTar([]), 'too-many-entries', { maxEntries: 2 });
  });

  it('a giant index.json', async () => {
    const giant = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: INDEX_MEDIA_TYPE, manifests: [], annotations: { pad: 'x'.repeat(2 * 1024 * 1024) } }));
    const error = await expectRefused(layoutTar([], { index: giant }), 'too-large');
    expect(error.entry).toBe('index.json');
  });

  it('a deeply nested index.json', async () => {
    const deep = Buffer.from('['.repeat(1_000_000));
    const error = await expectRefused(layoutTar([], { index: deep }), 'bad-json');
    expect(error.message).toContain('deeper than the limit');
  });

  it('an index.json that is not an OCI index, and an index naming a blob the archive lacks', async () => {
    await expectRefused(layoutTar([], { index: Buffer.from('{"schemaVersion":2}') }), 'bad-json');
    const missing = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: INDEX_MEDIA_TYPE, manifests: [{ mediaType: MANIFEST_MEDIA_TYPE, digest: `sha256:${'c'.repeat(64)}`, size: 10 }] }));
    expect((await expectRefused(layoutTar([], { index: missing }), 'incomplete-layout')).message).toContain('not in the layout');
  });

  it('an archive cut short in the middle of an entry or before its end marker', async () => {
    const whole = layoutTar([]);
    await expectRefused(whole.subarray(0, 512 * 3 + 100), 'truncated');
    await expectRefused(whole.subarray(0, whole.length - 1024), 'truncated');
  });

  it('an entry that should be a file but is a directory', async () => {
    await expectRefused(layoutTar([{ name: 'oci-layout/', type: '5' }]), 'bad-header');
  });

  it('does not follow a symlink planted where the target should go', async () => {
    const file = join(tempDir(), 'min.tar');
    writeFileSync(file, layoutTar([]));
    const parent = tempDir();
    const elsewhere = tempDir();
    mkdirSync(join(elsewhere, 'inside'));
    symlinkSync(join(elsewhere, 'inside'), join(parent, 'imported'));
    await expect(importLayoutTar(file, join(parent, 'imported'))).rejects.toThrow('will not import over an existing folder');
    expect(readdirSync(join(elsewhere, 'inside'))).toEqual([]);
  });
});
