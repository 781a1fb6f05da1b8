// The twin container's names and shapes: media types, annotations, the public descriptor and the signed referrer payloads (pure; main process and CLI).
// FORMAT.md beside this file is the prose version; a change here is a change there.
import { createHash } from 'node:crypto';
import { getAddress } from 'ethers';
import { z } from 'zod';
import { TWIN_PART_NAMES } from '../../contract/models.js';
import { canonicalJson } from './rules/canonical.js';
import { twinRulesSchema } from './rules/schema.js';
import { EMPTY_DESCRIPTOR, MANIFEST_MEDIA_TYPE } from './oci/types.js';
import type { Descriptor, ImageManifest } from './oci/types.js';

export const TWIN_ARTIFACT_TYPE = 'application/vnd.likeness.twin.v1';
export const DESCRIPTOR_MEDIA_TYPE = 'application/vnd.likeness.twin.descriptor.v1+json';
/** A part's plaintext in our chunked AES-256-GCM stream (crypto/chunked-gcm.ts), not ocicrypt's format. */
export const PART_MEDIA_TYPE = 'application/vnd.likeness.twin.part.v1.lknsenc';
export const SIGNATURE_ARTIFACT_TYPE = 'application/vnd.likeness.twin.signature.v1';
export const SIGNATURE_MEDIA_TYPE = 'application/vnd.likeness.twin.signature.v1+json';
export const KEY_ARTIFACT_TYPE = 'application/vnd.likeness.twin.key.v1';
export const KEY_MEDIA_TYPE = 'application/vnd.likeness.twin.key.v1+json';
export const RULES_ARTIFACT_TYPE = 'application/vnd.likeness.twin.rules.v1';
export const RULES_MEDIA_TYPE = 'application/vnd.likeness.twin.rules.v1+json';

export const PART_ANNOTATION = 'app.likeness.twin.part';
export const CREATED_ANNOTATION = 'org.opencontainers.image.created';
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';
/** The index entry of the twin's own manifest carries this ref name; referrers carry none. */
export const TWIN_REF_NAME = 'twin';

/** Limits for every JSON document read from a twin: far above what we write, far below what could hurt. */
export const JSON_LIMITS = { maxBytes: 4 * 1024 * 1024, maxDepth: 32 } as const;

export const PART_NAMES = TWIN_PART_NAMES;
export type PartName = (typeof PART_NAMES)[number];

/** The file each part opens to. */
export const PART_FILES: Record<PartName, string> = {
  'voice-model': 'voice-model.safetensors',
  'voice-report': 'voice-report.json',
  'face-model': 'face-model.safetensors',
  'face-idle': 'face-idle.mp4',
  'face-report': 'face-report.json',
  'consent-record': 'consent-record.json',
  'consent-take': 'consent-take.webm',
};

const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a sha256 digest');
// One spelling per value: a checksummed address, lower-case signature hex. Another spelling of the same value
// would be a change no signature covers.
const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'an Ethereum address')
  .refine((value) => {
    try {
      return getAddress(value) === value;
    } catch {
      return false;
    }
  }, 'an address in its checksummed form');
// v as 27 or 28 only: ecrecover also takes EIP-155 forms of v, which would give a second spelling of one signature.
const signature = z.string().regex(/^0x[0-9a-f]{128}(1b|1c)$/, 'a 65-byte signature in lower-case hex, v 27 or 28');
const hex = (bytes: number) => z.string().regex(new RegExp(`^0x[0-9a-f]{${bytes * 2}}$`), `${bytes} bytes of hex`);

export const modelCardSchema = z
  .object({
    kind: z.enum(['voice', 'face']),
    version: z.number().int().positive(),
    createdAt: z.string(),
    /** Headline quality figures from the model's report; the full report is a sealed part. */
    figures: z.record(z.string(), z.number()),
  })
  .strict();
export type ModelCard = z.infer<typeof modelCardSchema>;

/** The public twin descriptor: the manifest's config. Anyone can read it; nothing in it is secret. */
export const twinDescriptorSchema = z
  .object({
    schema: z.literal('likeness.twin/v1'),
    name: z.string().min(1).max(200),
    owner: address,
    createdAt: z.string(),
    rules: twinRulesSchema,
    rulesDigest: digest,
    consent: z.object({ digest, language: z.string(), accepted: z.boolean(), createdAt: z.string() }).strict().nullable(),
    models: z.array(modelCardSchema),
    /** The encrypted parts, in layer order: digests of the ciphertext as stored. */
    parts: z
      .array(z.object({ name: z.enum(PART_NAMES), digest, size: z.number().int().nonnegative() }).strict())
      // Each part opens to its own file name: a second part of one name would be written over the first.
      .refine((parts) => new Set(parts.map((p) => p.name)).size === parts.length, 'names a part twice'),
  })
  .strict();
export type TwinDescriptor = z.infer<typeof twinDescriptorSchema>;

export const keyEnvelopeSchema = z
  .object({ version: z.literal(1), recipient: address, ephemeralPublicKey: hex(33), salt: hex(32), nonce: hex(12), wrappedKey: hex(48) })
  .strict();

export const signaturePayloadSchema = z
  .object({ schema: z.literal('likeness.twin-signature/v1'), manifestDigest: digest, owner: address, signature })
  .strict();
export type SignaturePayload = z.infer<typeof signaturePayloadSchema>;

export const keyPayloadSchema = z
  .object({
    schema: z.literal('likeness.twin-key/v1'),
    manifestDigest: digest,
    /** Public, so a rotation can wrap the new content key for the same recipient without asking them again. */
    recipientPublicKey: hex(33),
    envelope: keyEnvelopeSchema,
    grantedAt: z.string(),
    signature,
  })
  .strict();
export type KeyPayload = z.infer<typeof keyPayloadSchema>;

export const rulesPayloadSchema = z
  .object({
    schema: z.literal('likeness.twin-rules/v1'),
    manifestDigest: digest,
    /** The descriptor's rules are version 1; each update counts up. */
    version: z.number().int().min(2),
    /** Unix seconds. */
    issuedAt: z.number().int().nonnegative(),
    rules: twinRulesSchema,
    rulesDigest: digest,
    signer: address,
    signature,
  })
  .strict();
export type RulesPayload = z.infer<typeof rulesPayloadSchema>;

export const REFERRER_KINDS = {
  signature: { artifactType: SIGNATURE_ARTIFACT_TYPE, mediaType: SIGNATURE_MEDIA_TYPE },
  key: { artifactType: KEY_ARTIFACT_TYPE, mediaType: KEY_MEDIA_TYPE },
  rules: { artifactType: RULES_ARTIFACT_TYPE, mediaType: RULES_MEDIA_TYPE },
} as const;
export type ReferrerKind = keyof typeof REFERRER_KINDS;

export function sha256Digest(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The bytes a JSON document is stored as: canonical JSON, so the same content always has the same digest. */
export function jsonBytes(value: unknown): Uint8Array {
  return Buffer.from(canonicalJson(value), 'utf8');
}

/** What a key grant signs: the envelope's digest, so a swapped envelope breaks the owner's signature. */
export function envelopeDigest(envelope: z.infer<typeof keyEnvelopeSchema>): string {
  return sha256Digest(jsonBytes(envelope));
}

export function describe(bytes: Uint8Array, mediaType: string, extra: Pick<Descriptor, 'artifactType' | 'annotations'> = {}): Descriptor {
  return { mediaType, digest: sha256Digest(bytes), size: bytes.length, ...extra };
}

/** The twin's manifest; fully determined by its parts, so verification rebuilds it and compares bytes. */
export function twinManifest(config: Descriptor, layers: readonly Descriptor[], createdAt: string): ImageManifest {
  return {
    schemaVersion: 2,
    mediaType: MANIFEST_MEDIA_TYPE,
    artifactType: TWIN_ARTIFACT_TYPE,
    config,
    layers: [...layers],
    annotations: { [CREATED_ANNOTATION]: createdAt },
  };
}

/** A referrer: one small payload pointing at the twin's manifest by digest (OCI 1.1 `subject`). */
export function referrerManifest(kind: ReferrerKind, payload: Descriptor, subject: Descriptor): ImageManifest {
  return {
    schemaVersion: 2,
    mediaType: MANIFEST_MEDIA_TYPE,
    artifactType: REFERRER_KINDS[kind].artifactType,
    config: EMPTY_DESCRIPTOR,
    layers: [payload],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  };
}

/** The descriptor an index lists for a manifest: exactly these fields, so any other change in index.json shows. */
export function indexEntry(manifestBytes: Uint8Array, manifest: ImageManifest, refName?: string): Descriptor {
  return describe(manifestBytes, MANIFEST_MEDIA_TYPE, {
    ...(manifest.artifactType ? { artifactType: manifest.artifactType } : {}),
    ...(refName ? { annotations: { [REF_NAME_ANNOTATION]: refName } } : {}),
  });
}
