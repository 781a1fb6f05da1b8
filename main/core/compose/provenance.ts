// A render's C2PA provenance: the install's certificates derived from the unlocked identity (so no new secret is stored), the manifest embedded in MP4 or written as a .c2pa sidecar; main process.
import { hkdfSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BaseWallet, getBytes } from 'ethers';
import type { ComposeOutput } from '../../contract/compose.js';
import { writeFileAtomic } from '../store/atomic.js';
import { type InstallCertificates, installCertificates } from './c2pa/certificates.js';
import type { RenderProvenance } from './c2pa/manifest.js';
import { signSidecar, signVideo } from './c2pa/sign.js';

/** The certificates' validity is counted from this fixed date, so the same identity always yields the same certificates. */
export const CERTIFICATE_EPOCH = new Date('2025-01-01T00:00:00Z');

/** Where the install CA's certificate (public) is kept, so verifying needs no unlocked identity. */
export function installCaPath(home: string): string {
  return join(home, 'identity', 'c2pa-ca.pem');
}

/** The install's CA and signing certificate, derived from the identity's key; the CA certificate is kept in the home for verifying. */
export async function certificatesFor(wallet: BaseWallet, home: string): Promise<InstallCertificates> {
  const seed = new Uint8Array(hkdfSync('sha256', getBytes(wallet.privateKey), 'likeness-studio', 'c2pa install certificates v1', 32));
  const certs = await installCertificates(seed, CERTIFICATE_EPOCH);
  const path = installCaPath(home);
  if (!existsSync(path) || readFileSync(path, 'utf8') !== certs.caPem) writeFileAtomic(path, certs.caPem);
  return certs;
}

/** The install CA this studio signs with, when it has signed anything: the trust anchor its own verifications use. */
export function installAnchors(home: string): string[] {
  const path = installCaPath(home);
  return existsSync(path) ? [readFileSync(path, 'utf8')] : [];
}

/**
 * The file with its manifest: embedded in MP4; for WebM and M4A (which this C2PA build does not embed into), the
 * file unchanged and a detached manifest store bound to its bytes.
 */
export async function sealProvenance(path: string, kind: ComposeOutput['format'], render: RenderProvenance, certs: InstallCertificates): Promise<{ bytes: Uint8Array; sidecar: Uint8Array | null }> {
  const bytes = new Uint8Array(await readFile(path));
  if (kind === 'mp4') return { bytes: await signVideo(bytes, 'video/mp4', render, certs), sidecar: null };
  return { bytes, sidecar: await signSidecar(bytes, kind === 'webm' ? 'video/webm' : 'video/mp4', render, certs) };
}

/** The media type the C2PA reader is told for a file, from its extension. */
export function c2paFormatOf(path: string): string {
  return path.toLowerCase().endsWith('.webm') ? 'video/webm' : 'video/mp4';
}
