// OCI layout on disk: blobs in and out, index.json upkeep, referrers by subject, verification, and the strict parsers.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OciLayout, OciLayoutError } from '../../../../main/core/twin/oci/layout.js';
import {
  EMPTY_DESCRIPTOR,
  EMPTY_MEDIA_TYPE,
  INDEX_MEDIA_TYPE,
  MANIFEST_MEDIA_TYPE,
  OciFormatError,
  isDigest,
  parseIndex,
  parseManifest,
  type ImageManifest,
} from '../../../../main/core/twin/oci/types.js';
import { tempDir } from '../../../support/tmp.js';

function sha(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function formatError(fn: () => unknown): OciFormatError {
  try {
    fn();
  } catch (error) {
    if (error instanceof OciFormatError) return error;
    throw error;
  }
  throw new Error('expected an OciFormatError');
}

describe('OCI types', () => {
  it('knows the digest of the empty descriptor', () => {
    expect(EMPTY_DESCRIPTOR.digest).toBe(sha(Buffer.from('{}')));
    expect(EMPTY_DESCRIPTOR.size).toBe(2);
    expect(EMPTY_DESCRIPTOR.mediaType).toBe(EMPTY_MEDIA_TYPE);
  });

  it('accepts only sha256 digests in lowercase hex', () => {
    expect(isDigest(`sha256:${'a'.repeat(64)}`)).toBe(true);
    expect(isDigest(`sha256:${'A'.repeat(64)}`)).toBe(false);
    expect(isDigest(`sha512:${'a'.repeat(128)}`)).toBe(false);
    expect(isDigest(`sha256:${'a'.repeat(63)}`)).toBe(false);
  });

  it('parses a manifest and names the bad field otherwise', () => {
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MANIFEST_MEDIA_TYPE,
      artifactType: 'application/vnd.example.twin.v1',
      config: { ...EMPTY_DESCRIPTOR },
      layers: [{ mediaType: 'application/octet-stream', digest: EMPTY_DESCRIPTOR.digest, size: 2, annotations: { a: 'b' } }],
      subject: { mediaType: MANIFEST_MEDIA_TYPE, digest: EMPTY_DESCRIPTOR.digest, size: 2 },
    };
    expect(parseManifest({ ...manifest, unknown: true })).toEqual(manifest);
    expect(formatError(() => parseManifest({ ...manifest, schemaVersion: 1 })).field).toBe('schemaVersion');
    expect(formatError(() => parseManifest({ ...manifest, mediaType: INDEX_MEDIA_TYPE })).field).toBe('mediaType');
    expect(formatError(() => parseManifest({ ...manifest, layers: [{ ...manifest.layers[0], digest: 'sha256:xyz' }] })).field).toBe('layers[0].digest');
    expect(formatError(() => parseManifest({ ...manifest, config: { ...manifest.config, size: -1 } })).field).toBe('config.size');
    expect(formatError(() => parseManifest({ ...manifest, annotations: { k: 1 } })).field).toBe('annotations.k');
    expect(formatError(() => parseManifest({ ...manifest, artifactType: 'not a type' })).field).toBe('artifactType');
    expect(formatError(() => parseManifest([])).field).toBe('manifest');
  });

  it('parses an index and names the bad field otherwise', () => {
    const index = { schemaVersion: 2, mediaType: INDEX_MEDIA_TYPE, manifests: [{ mediaType: MANIFEST_MEDIA_TYPE, digest: EMPTY_DESCRIPTOR.digest, size: 2 }] };
    expect(parseIndex(index)).toEqual(index);
    expect(formatError(() => parseIndex({ ...index, manifests: {} })).field).toBe('manifests');
    expect(formatError(() => parseIndex({ ...index, manifests: [{ mediaType: MANIFEST_MEDIA_TYPE, digest: EMPTY_DESCRIPTOR.digest }] })).field).toBe('manifests[0].size');
  });
});

describe('OciLayout', () => {
  it('creates a layout that opens again', async () => {
    const dir = join(tempDir(), 'layout');
    await OciLayout.create(dir);
    expect(JSON.parse(readFileSync(join(dir, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    expect(JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'))).toEqual({ schemaVersion: 2, mediaType: INDEX_MEDIA_TYPE, manifests: [] });
    const layout = await OciLayout.open(dir);
    expect(layout.index().manifests).toEqual([]);
    await expect(OciLayout.create(dir)).rejects.toThrow(OciLayoutError);
  });

  it('refuses to open a folder that is not a layout, and an oversized or deep index.json', async () => {
    const dir = tempDir();
    await expect(OciLayout.open(dir)).rejects.toThrow('is not an OCI layout');
    await OciLayout.create(dir);
    writeFileSync(join(dir, 'index.json'), `{"schemaVersion":2,"mediaType":"${INDEX_MEDIA_TYPE}","manifests":[],"x":"${'a'.repeat(1 << 20)}"}`);
    await expect(OciLayout.open(dir)).rejects.toThrow('larger than the limit');
    writeFileSync(join(dir, 'index.json'), `${'['.repeat(100)}${']'.repeat(100)}`);
    await expect(OciLayout.open(dir)).rejects.toThrow('deeper than the limit of 32');
  });

  it('stores blobs from bytes and streams under their digest, keeping an identical one', async () => {
    const dir = tempDir();
    const layout = await OciLayout.create(dir);
    const bytes = Buffer.from('twin weights');
    const fromBytes = await layout.putBlob(bytes, 'application/octet-stream', { annotations: { role: 'weights' } });
    expect(fromBytes).toEqual({ mediaType: 'application/octet-stream', digest: sha(bytes), size: bytes.length, annotations: { role: 'weights' } });
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    const fromStream = await layout.putBlob(Readable.from([big.subarray(0, 1000), big.subarray(1000)]), 'application/octet-stream', { artifactType: 'application/x' });
    expect(fromStream.digest).toBe(sha(big));
    expect(fromStream.artifactType).toBe('application/x');
    expect(readFileSync(layout.blobPath(fromStream.digest)).equals(big)).toBe(true);
    expect(await layout.putBlob(bytes, 'application/octet-stream')).toMatchObject({ digest: sha(bytes) });
    expect(layout.listBlobs()).toEqual([sha(bytes), sha(big)].sort());
    // No temp files left behind.
    expect(readdirSync(join(dir, 'blobs', 'sha256')).sort()).toEqual([sha(bytes), sha(big)].map((d) => d.slice(7)).sort());
    const streamed: Buffer[] = [];
    for await (const chunk of layout.openBlob(sha(bytes))) streamed.push(chunk as Buffer);
    expect(Buffer.concat(streamed).equals(bytes)).toBe(true);
  });

  it('writes JSON compactly and reads it back verified', async () => {
    const layout = await OciLayout.create(tempDir());
    const descriptor = await layout.putJson({ a: 1, b: [true] }, 'application/json');
    expect(readFileSync(layout.blobPath(descriptor.digest), 'utf8')).toBe('{"a":1,"b":[true]}');
    expect(await layout.readJson(descriptor)).toEqual({ a: 1, b: [true] });
    expect(await layout.readJson(descriptor.digest)).toEqual({ a: 1, b: [true] });
    await expect(layout.readJson({ ...descriptor, size: 3 })).rejects.toThrow('not the 3 its descriptor declares');
    writeFileSync(layout.blobPath(descriptor.digest), '{"a":2,"b":[true]}');
    await expect(layout.readJson(descriptor)).rejects.toThrow('does not match its digest');
    const deep = await layout.putBlob(Buffer.from(`${'['.repeat(100)}${']'.repeat(100)}`), 'application/json');
    await expect(layout.readJson(deep, { maxBytes: 1000, maxDepth: 10 })).rejects.toThrow('deeper than the limit');
  });

  it('verifyBlob detects a flipped byte, a wrong size and a missing blob', async () => {
    const layout = await OciLayout.create(tempDir());
    const bytes = Buffer.from('some layer content');
    const descriptor = await layout.putBlob(bytes, 'application/octet-stream');
    expect(await layout.verifyBlob(descriptor)).toEqual({ ok: true });
    const flipped = Buffer.from(bytes);
    flipped[3]! ^= 0x01;
    writeFileSync(layout.blobPath(descriptor.digest), flipped);
    expect(await layout.verifyBlob(descriptor)).toEqual({ ok: false, reason: 'digest' });
    writeFileSync(layout.blobPath(descriptor.digest), Buffer.concat([bytes, Buffer.from('x')]));
    expect(await layout.verifyBlob(descriptor)).toEqual({ ok: false, reason: 'size' });
    await layout.deleteBlob(descriptor.digest);
    expect(layout.hasBlob(descriptor.digest)).toBe(false);
    expect(await layout.verifyBlob(descriptor)).toEqual({ ok: false, reason: 'missing' });
  });

  it('keeps index.json idempotent by digest, and finds referrers by subject', async () => {
    const dir = tempDir();
    const layout = await OciLayout.create(dir);
    const config = await layout.putJson({}, EMPTY_MEDIA_TYPE);
    expect(config.digest).toBe(EMPTY_DESCRIPTOR.digest);
    const layer = await layout.putBlob(Buffer.from('weights'), 'application/vnd.example.layer');
    const root = await layout.putJson(
      { schemaVersion: 2, mediaType: MANIFEST_MEDIA_TYPE, artifactType: 'application/vnd.example.twin', config, layers: [layer] },
      MANIFEST_MEDIA_TYPE,
    );
    const rootEntry = { ...root, artifactType: 'application/vnd.example.twin' };
    layout.addToIndex(rootEntry);
    layout.addToIndex(rootEntry);
    expect(layout.index().manifests).toEqual([rootEntry]);

    const subject = { mediaType: MANIFEST_MEDIA_TYPE, digest: root.digest, size: root.size };
    const envelope = await layout.putBlob(Buffer.from('wrapped key'), 'application/vnd.example.envelope');
    const keyRef = await layout.putJson(
      { schemaVersion: 2, mediaType: MANIFEST_MEDIA_TYPE, artifactType: 'application/vnd.example.key', config: EMPTY_DESCRIPTOR, layers: [envelope], subject },
      MANIFEST_MEDIA_TYPE,
    );
    const rules = await layout.putJson(
      { schemaVersion: 2, mediaType: MANIFEST_MEDIA_TYPE, artifactType: 'application/vnd.example.rules', config: EMPTY_DESCRIPTOR, layers: [envelope], subject },
      MANIFEST_MEDIA_TYPE,
    );
    layout.addToIndex(keyRef);
    layout.addToIndex(rules);

    const found = await layout.referrers(root.digest);
    expect(found.map((r) => r.descriptor.digest).sort()).toEqual([keyRef.digest, rules.digest].sort());
    expect(found.every((r) => r.manifest.subject?.digest === root.digest)).toBe(true);
    const filtered = await layout.referrers(root.digest, 'application/vnd.example.rules');
    expect(filtered.map((r) => r.descriptor.digest)).toEqual([rules.digest]);
    expect(await layout.referrers(keyRef.digest)).toEqual([]);

    const reopened = await OciLayout.open(dir);
    expect(reopened.index().manifests.map((m) => m.digest)).toEqual([root.digest, keyRef.digest, rules.digest]);
    reopened.removeFromIndex(keyRef.digest);
    expect((await OciLayout.open(dir)).index().manifests.map((m) => m.digest)).toEqual([root.digest, rules.digest]);
    expect(() => reopened.addToIndex({ mediaType: MANIFEST_MEDIA_TYPE, digest: `sha256:${'0'.repeat(64)}`, size: 1 })).toThrow('not in the layout');
  });

  it('stages a blob and names it only on commit; a mismatch leaves nothing', async () => {
    const dir = tempDir();
    const layout = await OciLayout.create(dir);
    const bytes = Buffer.from('expected content');
    const descriptor = { mediaType: 'application/octet-stream', digest: sha(bytes), size: bytes.length };
    const staged = await layout.stageBlob(descriptor, async (sink) => {
      sink.end(bytes);
    });
    expect(layout.hasBlob(descriptor.digest)).toBe(false);
    staged.commit();
    expect(layout.hasBlob(descriptor.digest)).toBe(true);
    const other = { ...descriptor, digest: sha(Buffer.from('something else')) };
    await expect(layout.stageBlob(other, async (sink) => void sink.end(bytes))).rejects.toThrow('does not match its digest');
    await expect(layout.stageBlob({ ...descriptor, size: 4 }, async (sink) => void sink.end(bytes))).rejects.toThrow('larger than the 4 bytes');
    expect(readdirSync(join(dir, 'blobs', 'sha256'))).toEqual([descriptor.digest.slice(7)]);
    expect(existsSync(layout.blobPath(other.digest))).toBe(false);
  });
});
