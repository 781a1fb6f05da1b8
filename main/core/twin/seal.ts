// Seals a twin: encrypts each part as a stream into a fresh OCI layout, writes the public descriptor and manifest,
// signs the manifest and wraps the content key for the owner; main process (job worker) and CLI.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BaseWallet } from 'ethers';
import { fsyncDirectory } from '../store/atomic.js';
import { createEncryptStream } from './crypto/chunked-gcm.js';
import { newContentKey } from './crypto/envelope.js';
import { signManifest } from './identity/eip712.js';
import { DESCRIPTOR_MEDIA_TYPE, indexEntry, jsonBytes, PART_ANNOTATION, PART_MEDIA_TYPE, TWIN_REF_NAME, twinManifest } from './format.js';
import type { ModelCard, PartName, TwinDescriptor } from './format.js';
import { writeTwinIndex } from './index-file.js';
import { OciLayout } from './oci/layout.js';
import { MANIFEST_MEDIA_TYPE } from './oci/types.js';
import type { Descriptor } from './oci/types.js';
import { keyGrantPayload, writeReferrer } from './referrers.js';
import { rulesDigest } from './rules/canonical.js';
import type { TwinRules } from './rules/schema.js';

export interface PartSource {
  name: PartName;
  /** Opened once, read as a stream: parts may be larger than memory. */
  open: () => Readable;
}

export interface SealInput {
  name: string;
  rules: TwinRules;
  consent: TwinDescriptor['consent'];
  models: ModelCard[];
  parts: readonly PartSource[];
  owner: BaseWallet;
  /** Other recipients to wrap the content key for at once (compressed or uncompressed secp256k1 public keys). */
  recipients?: readonly string[];
  chunkSize?: number;
  now?: Date;
  /** Reports bytes of plaintext sealed so far. */
  onProgress?: (bytes: number) => void;
}

export interface SealedTwin {
  dir: string;
  manifestDigest: string;
}

/** A staging folder beside the target, so the final rename stays on one file system. */
export function stagingDir(target: string, purpose: string): string {
  return join(dirname(target), `.${basename(target)}.${purpose}-${randomBytes(4).toString('hex')}`);
}

/** Moves a finished staging folder into place; whatever was there before is removed only after the move. */
export async function replaceDir(staging: string, target: string): Promise<void> {
  const previous = existsSync(target) ? stagingDir(target, 'old') : undefined;
  if (previous) await rename(target, previous);
  try {
    await rename(staging, target);
  } catch (error) {
    if (previous) await rename(previous, target);
    throw error;
  }
  fsyncDirectory(dirname(target));
  if (previous) await rm(previous, { recursive: true, force: true });
}

/** Encrypts every part under `contentKey` into the layout and adds the descriptor, manifest, signature and key grants. */
export async function sealInto(layout: OciLayout, dir: string, input: SealInput, contentKey: Uint8Array): Promise<string> {
  const now = input.now ?? new Date();
  const createdAt = now.toISOString();
  const layers: Descriptor[] = [];
  let sealedBytes = 0;
  for (const part of input.parts) {
    const cipher = createEncryptStream(contentKey, input.chunkSize ? { chunkSize: input.chunkSize } : {});
    const source = part.open();
    source.on('data', (chunk: Buffer) => {
      sealedBytes += chunk.length;
      input.onProgress?.(sealedBytes);
    });
    source.on('error', (error) => cipher.destroy(error));
    const stored = await layout.putBlob(source.pipe(cipher), PART_MEDIA_TYPE);
    await cipher.result;
    layers.push({ mediaType: PART_MEDIA_TYPE, digest: stored.digest, size: stored.size, annotations: { [PART_ANNOTATION]: part.name } });
  }
  const descriptor: TwinDescriptor = {
    schema: 'likeness.twin/v1',
    name: input.name,
    owner: input.owner.address,
    createdAt,
    rules: input.rules,
    rulesDigest: rulesDigest(input.rules),
    consent: input.consent,
    models: input.models,
    parts: input.parts.map((part, i) => ({ name: part.name, digest: layers[i]!.digest, size: layers[i]!.size })),
  };
  const config = await layout.putBlob(jsonBytes(descriptor), DESCRIPTOR_MEDIA_TYPE);
  const manifest = twinManifest({ mediaType: DESCRIPTOR_MEDIA_TYPE, digest: config.digest, size: config.size }, layers, createdAt);
  const manifestBytes = jsonBytes(manifest);
  await layout.putBlob(manifestBytes, MANIFEST_MEDIA_TYPE);
  const entry = indexEntry(manifestBytes, manifest, TWIN_REF_NAME);
  writeTwinIndex(dir, [entry]);
  const subject = { mediaType: entry.mediaType, digest: entry.digest, size: entry.size };
  const signature = await signManifest(input.owner, entry.digest, input.owner.address);
  await writeReferrer(dir, 'signature', { schema: 'likeness.twin-signature/v1', manifestDigest: entry.digest, owner: input.owner.address, signature }, subject, input.owner.address);
  const recipients = [input.owner.signingKey.compressedPublicKey, ...(input.recipients ?? [])];
  for (const recipient of recipients) {
    await writeReferrer(dir, 'key', await keyGrantPayload(input.owner, entry.digest, contentKey, recipient, now), subject, input.owner.address);
  }
  return entry.digest;
}

/**
 * Seals a new twin at `dir` (which must not exist yet). Everything is written into a staging folder first,
 * so a crash or a failed part leaves no half-sealed twin behind.
 */
export async function sealTwin(dir: string, input: SealInput): Promise<SealedTwin> {
  if (existsSync(dir)) throw new Error(`${dir} already exists; a twin is sealed into a new folder`);
  if (input.parts.length === 0) throw new Error('a twin needs at least one part to seal');
  if (new Set(input.parts.map((p) => p.name)).size !== input.parts.length) throw new Error('a twin holds each part once; two parts have the same name');
  const staging = stagingDir(dir, 'sealing');
  try {
    const layout = await OciLayout.create(staging);
    const manifestDigest = await sealInto(layout, staging, input, newContentKey());
    await replaceDir(staging, dir);
    return { dir, manifestDigest };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
