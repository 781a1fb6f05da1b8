// Tests of C2PA signing and verification of rendered videos, with real MP4/WebM files from the shipped ffmpeg and the real c2pa-wasm.
import { execFileSync, spawnSync } from 'node:child_process';
import { webcrypto, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installCertificates, type InstallCertificates } from '../../../main/core/compose/c2pa/certificates.js';
import { coseSign1, encodeCbor } from '../../../main/core/compose/c2pa/cose.js';
import { CLAIM_GENERATOR, manifestDefinition, type RenderProvenance } from '../../../main/core/compose/c2pa/manifest.js';
import { signDeterministic } from '../../../main/core/compose/c2pa/p256.js';
import { bmffTruncation, ProvenanceReadError, readProvenance } from '../../../main/core/compose/c2pa/read.js';
import { signSidecar, signVideo } from '../../../main/core/compose/c2pa/sign.js';
import { C2PA_INPUT_LIMIT } from '../../../main/core/compose/c2pa/wasm.js';
import { ffmpegPath } from '../../../main/core/media/binaries.js';

const SEED = new Uint8Array(32).map((_, i) => i + 1);
const OTHER_SEED = new Uint8Array(32).fill(9);
const INSTALLED = new Date('2025-06-15T13:45:10Z');

const render: RenderProvenance = {
  title: 'Quarterly update',
  twin: `sha256:${'ab'.repeat(32)}`,
  licence: 'owner',
  receiptId: `0x${'12'.repeat(32)}`,
  receipt: { kind: 'render', seconds: 2.5, parts: [{ n: 1 }, { n: 2 }], note: null },
  receiptSignature: `0x${'cd'.repeat(65)}`,
  mark: '0123456789abcdef',
  language: ['en', 'fr'],
  createdAt: '2025-06-16T09:00:00.000Z',
};

let dir: string;
let ffmpeg: string;
let mp4: Uint8Array;
let webm: Uint8Array;
let certs: InstallCertificates;
let otherCerts: InstallCertificates;
let signedMp4: Uint8Array;

function encode(args: string[], file: string): Uint8Array {
  const out = join(dir, file);
  execFileSync(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=128x128:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '2', ...args, out]);
  return new Uint8Array(readFileSync(out));
}

/** Offset of the first byte of the mdat payload, to tamper with the media rather than the container. */
function mdatPayload(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at + 8 <= bytes.length; at += view.getUint32(at)) {
    if (Buffer.from(bytes.subarray(at + 4, at + 8)).toString('latin1') === 'mdat') return at + 8;
  }
  throw new Error('no mdat box');
}

beforeAll(async () => {
  const found = ffmpegPath();
  if (!found) throw new Error('The shipped ffmpeg is missing.');
  ffmpeg = found;
  dir = mkdtempSync(join(tmpdir(), 'likeness-c2pa-'));
  mp4 = encode(['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-movflags', '+faststart'], 'in.mp4');
  webm = encode(['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-c:a', 'libopus'], 'in.webm');
  [certs, otherCerts] = await Promise.all([installCertificates(SEED, INSTALLED), installCertificates(OTHER_SEED, INSTALLED)]);
  signedMp4 = await signVideo(mp4, 'video/mp4', render, certs);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('installCertificates', () => {
  it('derives byte-identical certificates from the same seed and creation time', async () => {
    const again = await installCertificates(SEED, new Date('2025-06-15T23:59:59Z'));
    expect(again.caPem).toBe(certs.caPem);
    expect(again.signerPem).toBe(certs.signerPem);
    expect(again.chainPem).toBe(`${certs.signerPem}\n${certs.caPem}`);
    expect(otherCerts.caPem).not.toBe(certs.caPem);
  });

  it('issues a signing certificate under the CA, not a self-signed one, with the C2PA profile', () => {
    const ca = new X509Certificate(certs.caPem);
    const signer = new X509Certificate(certs.signerPem);
    expect(ca.ca).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(signer.ca).toBe(false);
    expect(signer.subject).not.toBe(signer.issuer);
    expect(signer.issuer).toBe(ca.subject);
    expect(signer.checkIssued(ca)).toBe(true);
    expect(signer.verify(ca.publicKey)).toBe(true);
    expect(signer.verify(new X509Certificate(otherCerts.caPem).publicKey)).toBe(false);
    expect(signer.keyUsage).toEqual(['1.3.6.1.5.5.7.3.4', '1.3.6.1.5.5.7.3.36']);
    expect(signer.subject).toMatch(/^CN=Likeness Studio render signer [0-9a-f]{8}\nO=Likeness Studio \(self-issued\)$/);
    expect(ca.subject).toMatch(/^CN=Likeness Studio install CA [0-9a-f]{8}\nO=Likeness Studio \(self-issued\)$/);
    expect(new Date(signer.validFrom).toISOString()).toBe('2025-06-15T00:00:00.000Z');
    expect(new Date(signer.validTo).toISOString()).toBe('2035-06-15T00:00:00.000Z');
  });

  it('keeps the signing key in WebCrypto, matching the signing certificate', async () => {
    const data = new TextEncoder().encode('claim');
    const signature = await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, certs.signerKey, data);
    const publicKey = new X509Certificate(certs.signerPem).publicKey.export({ format: 'der', type: 'spki' });
    const key = await webcrypto.subtle.importKey('spki', publicKey, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    expect(await webcrypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature, data)).toBe(true);
    expect(certs.signerKey.extractable).toBe(false);
  });

  it('refuses a seed that is not 32 bytes', async () => {
    await expect(installCertificates(new Uint8Array(16), INSTALLED)).rejects.toThrow(/32 bytes/);
  });
});

describe('deterministic ECDSA and COSE', () => {
  it('matches the RFC 6979 P-256/SHA-256 test vector', () => {
    const key = 0xc9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721n;
    expect(Buffer.from(signDeterministic(key, new TextEncoder().encode('sample'))).toString('hex')).toBe(
      'efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8',
    );
  });

  it('pads the COSE_Sign1 to exactly the reserved size, whatever the size', async () => {
    const cert = new Uint8Array(600).fill(7);
    const sign = () => Promise.resolve(new Uint8Array(64).fill(1));
    for (const size of [700, 720, 900, 1000, 1624, 66_000]) {
      const cose = await coseSign1(new Uint8Array([0xa0]), [cert], sign, size);
      expect(cose.length).toBe(size);
      expect(cose[0]).toBe(0xd2); // tag 18
    }
    await expect(coseSign1(new Uint8Array([0xa0]), [cert], sign, 650)).rejects.toThrow(/does not fit/);
  });

  it('encodes CBOR lengths at their boundaries', () => {
    expect(Buffer.from(encodeCbor(-7)).toString('hex')).toBe('26');
    expect(Buffer.from(encodeCbor(new Uint8Array(24))).subarray(0, 2).toString('hex')).toBe('5818');
    expect(Buffer.from(encodeCbor('a'.repeat(256))).subarray(0, 3).toString('hex')).toBe('790100');
  });
});

describe('the manifest', () => {
  it('names the studio at the version in package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { productName: string; version: string };
    expect(CLAIM_GENERATOR).toEqual({ name: pkg.productName, version: pkg.version });
  });

  it('refuses a render record it could not read back', () => {
    expect(() => manifestDefinition({ ...render, mark: 'xyz' })).toThrow(/mark is not 16 hex characters/);
    expect(() => manifestDefinition({ ...render, receiptId: '12' })).toThrow(/receiptId/);
  });
});

describe('embedded in an MP4', () => {
  it('round-trips: valid, AI-generated, the render record intact, trusted under the install CA', async () => {
    const report = await readProvenance(signedMp4, 'video/mp4', { trustAnchorsPem: [certs.caPem] });
    expect(report).toMatchObject({ present: true, valid: true, problems: [], aiGenerated: true, trustedByAnchor: true });
    expect(report.render).toEqual(render);
    expect(report.signer?.subject).toMatch(/^CN=Likeness Studio render signer [0-9a-f]{8}, O=Likeness Studio \(self-issued\)$/);
    expect(report.signer?.issuer).toMatch(/^CN=Likeness Studio install CA [0-9a-f]{8}, O=Likeness Studio \(self-issued\)$/);
  });

  it('reports another install CA as untrusted, not invalid', async () => {
    const elsewhere = await readProvenance(signedMp4, 'video/mp4', { trustAnchorsPem: [otherCerts.caPem] });
    expect(elsewhere).toMatchObject({ present: true, valid: true, problems: [], trustedByAnchor: false });
    const noAnchors = await readProvenance(signedMp4, 'video/mp4');
    expect(noAnchors).toMatchObject({ valid: true, trustedByAnchor: false });
  });

  it('still decodes in ffmpeg', () => {
    const file = join(dir, 'signed.mp4');
    writeFileSync(file, signedMp4);
    const run = spawnSync(ffmpeg, ['-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('is invalid, naming the hash mismatch, once one media byte changes', async () => {
    const tampered = signedMp4.slice();
    const at = mdatPayload(tampered) + 100;
    tampered[at] = (tampered[at] ?? 0) ^ 0x01;
    const report = await readProvenance(tampered, 'video/mp4', { trustAnchorsPem: [certs.caPem] });
    expect(report).toMatchObject({ present: true, valid: false, trustedByAnchor: false });
    expect(report.problems).toEqual([expect.stringMatching(/^assertion\.bmffHash\.mismatch: /)]);
  });

  it('calls a truncated file truncated', async () => {
    const cut = signedMp4.subarray(0, signedMp4.length - 1000);
    expect(bmffTruncation(cut)).toMatch(/"mdat" box at byte \d+ needs \d+ bytes but only \d+ remain/);
    await expect(readProvenance(cut, 'video/mp4')).rejects.toThrow(ProvenanceReadError);
    await expect(readProvenance(cut, 'video/mp4')).rejects.toThrow(/truncated or damaged/);
    await expect(readProvenance(signedMp4.subarray(0, 3000), 'video/mp4')).rejects.toThrow(/truncated or damaged/);
  });

  it('finds nothing in a file without a manifest', async () => {
    expect(await readProvenance(mp4, 'video/mp4')).toEqual({ present: false, valid: false, problems: [], aiGenerated: false, trustedByAnchor: false });
  });

  it('signs an MP4 over the 50 MiB past which c2pa-wasm streams its input and stalls', async () => {
    // A second, zero-filled mdat box: hashed like media, which is what stalled the streaming path.
    const padding = 51 * 1024 * 1024;
    const big = new Uint8Array(mp4.length + padding);
    big.set(mp4);
    new DataView(big.buffer).setUint32(mp4.length, padding);
    big.set(new TextEncoder().encode('mdat'), mp4.length + 4);
    const signed = await signVideo(big, 'video/mp4', render, certs);
    expect(await readProvenance(signed, 'video/mp4', { trustAnchorsPem: [certs.caPem] })).toMatchObject({ valid: true, trustedByAnchor: true });
  });

  it('refuses a file too large for c2pa-wasm before it gets there', async () => {
    const huge = new Uint8Array(C2PA_INPUT_LIMIT + 1);
    huge.set(mp4.subarray(0, 8));
    await expect(signVideo(huge, 'video/mp4', render, certs)).rejects.toThrow(/at most 512 MB/);
  });

  it('refuses to sign bytes that are not an MP4', async () => {
    await expect(signVideo(webm, 'video/mp4', render, certs)).rejects.toThrow(/not a video\/mp4 file/);
  });
});

describe('in a .c2pa sidecar', () => {
  let sidecar: Uint8Array;

  beforeAll(async () => {
    sidecar = await signSidecar(webm, 'video/webm', render, certs);
  });

  it('round-trips for a WebM, leaving the video untouched', async () => {
    const report = await readProvenance(webm, 'video/webm', { sidecar, trustAnchorsPem: [certs.caPem] });
    expect(report).toMatchObject({ present: true, valid: true, problems: [], aiGenerated: true, trustedByAnchor: true });
    expect(report.render).toEqual(render);
  });

  it('fails for a tampered WebM or for another file', async () => {
    const tampered = webm.slice();
    tampered[tampered.length - 200] = (tampered[tampered.length - 200] ?? 0) ^ 0x01;
    const report = await readProvenance(tampered, 'video/webm', { sidecar, trustAnchorsPem: [certs.caPem] });
    expect(report).toMatchObject({ present: true, valid: false, trustedByAnchor: false });
    expect(report.problems).toEqual([expect.stringMatching(/^assertion\.dataHash\.mismatch: /)]);
    expect((await readProvenance(mp4, 'video/mp4', { sidecar })).valid).toBe(false);
  });

  it('reports a WebM without its sidecar as carrying no manifest', async () => {
    const report = await readProvenance(webm, 'video/webm');
    expect(report).toMatchObject({ present: false, valid: false });
    expect(report.problems).toEqual([expect.stringMatching(/sidecar/)]);
  });

  it('works for an MP4 too, untrusted under another CA', async () => {
    const mp4Sidecar = await signSidecar(mp4, 'video/mp4', render, certs);
    expect(await readProvenance(mp4, 'video/mp4', { sidecar: mp4Sidecar, trustAnchorsPem: [otherCerts.caPem] })).toMatchObject({
      valid: true,
      trustedByAnchor: false,
    });
  });

  it('rejects a sidecar that is not a manifest store', async () => {
    await expect(readProvenance(webm, 'video/webm', { sidecar: new TextEncoder().encode('not c2pa') })).rejects.toThrow(ProvenanceReadError);
  });
});
