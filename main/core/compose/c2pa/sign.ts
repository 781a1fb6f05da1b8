// C2PA: signs a rendered video, embedding the manifest in an MP4 or writing a detached .c2pa manifest store (render workers).
import { webcrypto, X509Certificate } from 'node:crypto';
import type { InstallCertificates } from './certificates.js';
import { coseReserveSize, coseSign1 } from './cose.js';
import { manifestDefinition, type RenderProvenance } from './manifest.js';
import { c2paSettings } from './settings.js';
import { type ClaimSigner, signDetached, signEmbedded } from './wasm.js';

export type SidecarFormat = 'video/mp4' | 'video/webm';

/**
 * The type c2pa-rs is told a detached asset has. It has no handler for it (nor for WebM), so it binds the claim to the
 * whole file by a plain c2pa.hash.data with no exclusions: the one hard binding that readProvenance can check against
 * the media itself, since c2pa-wasm cannot validate a detached store together with its asset.
 */
const DETACHED_FORMAT = 'application/octet-stream';

/** x5chain carries the signing certificate only: the CA is the trust anchor, which verifiers supply themselves. */
function claimSigner(certs: InstallCertificates): ClaimSigner {
  const chain = [new Uint8Array(new X509Certificate(certs.signerPem).raw)];
  const reserveSize = coseReserveSize(chain);
  const es256 = async (toBeSigned: Uint8Array) =>
    new Uint8Array(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, certs.signerKey, toBeSigned));
  return { reserveSize, sign: (claim) => coseSign1(claim, chain, es256, reserveSize) };
}

function looksLike(input: Uint8Array, format: SidecarFormat): boolean {
  if (format === 'video/mp4') return Buffer.from(input.subarray(4, 8)).toString('latin1') === 'ftyp';
  return Buffer.from(input.subarray(0, 4)).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]));
}

function checkInput(input: Uint8Array, format: SidecarFormat): void {
  if (!looksLike(input, format)) throw new TypeError(`These bytes are not a ${format} file; nothing was signed.`);
}

/** The MP4 with the manifest embedded in a uuid box after ftyp, bound by a BMFF hash; players skip the box. */
export async function signVideo(input: Uint8Array, format: 'video/mp4', manifest: RenderProvenance, certs: InstallCertificates): Promise<Uint8Array> {
  checkInput(input, format);
  return signEmbedded(manifestDefinition(manifest), c2paSettings([certs.caPem]), claimSigner(certs), format, input);
}

/** A detached manifest store to ship beside the file as `<name>.c2pa`; the file itself is not changed. */
export async function signSidecar(input: Uint8Array, format: SidecarFormat, manifest: RenderProvenance, certs: InstallCertificates): Promise<Uint8Array> {
  checkInput(input, format);
  return signDetached(manifestDefinition(manifest), c2paSettings([certs.caPem]), claimSigner(certs), DETACHED_FORMAT, input);
}
