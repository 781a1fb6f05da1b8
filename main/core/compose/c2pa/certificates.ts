// C2PA: a per-install CA and signing certificate derived from the creator's identity (main process and render workers).
import './reflect-metadata.js';
import { createHash, webcrypto } from 'node:crypto';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsageExtension,
  type Extension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectKeyIdentifierExtension,
  X509CertificateGenerator,
} from '@peculiar/x509';
import { deriveBytes, deriveScalar, importKeyPair, publicPoint, signDeterministic } from './p256.js';

export interface InstallCertificates {
  caPem: string;
  signerPem: string;
  /** The signing certificate then the CA, for handing to a verifier outside the studio. */
  chainPem: string;
  /** ES256 signing key of the signing certificate; not extractable. */
  signerKey: webcrypto.CryptoKey;
}

/** id-kp-emailProtection: the EKU c2pa-rs accepts by default; without it its verifier rejects the signer. */
const EKU_EMAIL_PROTECTION = '1.3.6.1.5.5.7.3.4';
/** id-kp-documentSigning, the EKU the C2PA 2.x certificate profile names for claim signers. */
const EKU_DOCUMENT_SIGNING = '1.3.6.1.5.5.7.3.36';
const ORGANISATION = 'Likeness Studio (self-issued)';
const VALID_YEARS = 10;
const ES256 = { name: 'ECDSA', hash: 'SHA-256' };

/** Length of the DER header (tag and length octets) of the element at `offset`, and of its content. */
function derHeader(der: Uint8Array, offset: number): { header: number; length: number } {
  const first = der[offset + 1] ?? 0;
  if (first < 0x80) return { header: 2, length: first };
  const octets = first & 0x7f;
  let length = 0;
  for (let i = 0; i < octets; i++) length = length * 256 + (der[offset + 2 + i] ?? 0);
  return { header: 2 + octets, length };
}

/** The tbsCertificate: the first element inside the Certificate SEQUENCE, exactly as it will be signed. */
function tbsCertificate(certificateDer: Uint8Array): Uint8Array {
  const start = derHeader(certificateDer, 0).header;
  const { header, length } = derHeader(certificateDer, start);
  return certificateDer.subarray(start, start + header + length);
}

interface Issue {
  serialNumber: string;
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  publicKey: webcrypto.CryptoKey;
  extensions: Extension[];
  issuerScalar: bigint;
}

/** Encodes the certificate once with a blank signature to get its tbsCertificate, then again with the deterministic signature over it. */
async function issue({ issuerScalar, ...fields }: Issue): Promise<string> {
  const common = { ...fields, signingAlgorithm: ES256 };
  const draft = await X509CertificateGenerator.create({ ...common, signature: new Uint8Array(64) });
  const signature = signDeterministic(issuerScalar, tbsCertificate(new Uint8Array(draft.rawData)));
  const certificate = await X509CertificateGenerator.create({ ...common, signature });
  return certificate.toString('pem');
}

/** A positive 16-byte serial with its top byte in 0x40..0x7f, so its DER encoding never gains or loses a leading zero. */
function serialFor(seed: Uint8Array, info: string): string {
  const bytes = deriveBytes(seed, info, 16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return Buffer.from(bytes).toString('hex');
}

/**
 * Derives the install's CA and the signing certificate under it from a 32-byte seed and the install's creation time.
 * The same seed and time always give byte-identical certificates, so nothing but the seed's source needs keeping.
 * C2PA verifiers refuse self-signed signers, so the signer is a separate end-entity certificate issued by the CA.
 */
export async function installCertificates(seed: Uint8Array, createdAt: Date): Promise<InstallCertificates> {
  if (Number.isNaN(createdAt.getTime())) throw new RangeError('The install creation time is not a valid date.');
  const caScalar = deriveScalar(seed, 'ca-key');
  const signerScalar = deriveScalar(seed, 'signer-key');
  const [ca, signer] = await Promise.all([importKeyPair(caScalar), importKeyPair(signerScalar)]);

  const caPoint = publicPoint(caScalar);
  const shortId = createHash('sha256').update(caPoint.x).update(caPoint.y).digest('hex').slice(0, 8);
  const caName = `CN=Likeness Studio install CA ${shortId}, O=${ORGANISATION}`;
  const signerName = `CN=Likeness Studio render signer ${shortId}, O=${ORGANISATION}`;
  const notBefore = new Date(Date.UTC(createdAt.getUTCFullYear(), createdAt.getUTCMonth(), createdAt.getUTCDate()));
  const notAfter = new Date(Date.UTC(createdAt.getUTCFullYear() + VALID_YEARS, createdAt.getUTCMonth(), createdAt.getUTCDate()));

  const caPem = await issue({
    serialNumber: serialFor(seed, 'ca-serial'),
    subject: caName,
    issuer: caName,
    notBefore,
    notAfter,
    publicKey: ca.publicKey,
    issuerScalar: caScalar,
    extensions: [
      new BasicConstraintsExtension(true, 0, true),
      new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
      await SubjectKeyIdentifierExtension.create(ca.publicKey),
    ],
  });
  const signerPem = await issue({
    serialNumber: serialFor(seed, 'signer-serial'),
    subject: signerName,
    issuer: caName,
    notBefore,
    notAfter,
    publicKey: signer.publicKey,
    issuerScalar: caScalar,
    extensions: [
      new BasicConstraintsExtension(false, undefined, true),
      new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true),
      new ExtendedKeyUsageExtension([EKU_EMAIL_PROTECTION, EKU_DOCUMENT_SIGNING], false),
      await SubjectKeyIdentifierExtension.create(signer.publicKey),
      await AuthorityKeyIdentifierExtension.create(ca.publicKey),
    ],
  });
  return { caPem, signerPem, chainPem: `${signerPem}\n${caPem}`, signerKey: signer.privateKey };
}
