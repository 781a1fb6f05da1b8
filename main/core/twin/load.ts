// Reads a twin from its OCI layout without trusting any of it: every small document is size-checked, hashed, parsed
// with limits and required to be in the exact canonical form we write, so any change shows; main process and CLI.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { computeAddress, getAddress } from 'ethers';
import type { z } from 'zod';
import { LikenessError } from '../../contract/errors.js';
import type { ErrorCode } from '../../contract/errors.js';
import { recoverKeyGrantSigner, recoverManifestSigner, recoverRulesSigner } from './identity/eip712.js';
import {
  DESCRIPTOR_MEDIA_TYPE,
  envelopeDigest,
  indexEntry,
  JSON_LIMITS,
  jsonBytes,
  keyPayloadSchema,
  PART_ANNOTATION,
  PART_MEDIA_TYPE,
  REF_NAME_ANNOTATION,
  REFERRER_KINDS,
  referrerManifest,
  rulesPayloadSchema,
  signaturePayloadSchema,
  TWIN_REF_NAME,
  twinDescriptorSchema,
  twinManifest,
} from './format.js';
import type { KeyPayload, ReferrerKind, RulesPayload, SignaturePayload, TwinDescriptor } from './format.js';
import { parseJsonLimited } from './oci/json-limits.js';
import { EMPTY_DESCRIPTOR, isDigest, parseIndex, parseManifest } from './oci/types.js';
import type { Descriptor, ImageIndex, ImageManifest } from './oci/types.js';
import { rulesDigest } from './rules/canonical.js';
import type { TwinRules } from './rules/schema.js';

export const OCI_LAYOUT_BYTES = '{"imageLayoutVersion":"1.0.0"}';

/** One thing wrong with a twin, naming the part it is in. */
export interface TwinProblem {
  part: string;
  message: string;
}

export interface Referrer<P> {
  entry: Descriptor;
  manifest: ImageManifest;
  payloadDescriptor: Descriptor;
  payload: P;
}

export interface LoadedTwin {
  dir: string;
  manifestEntry: Descriptor;
  manifest: ImageManifest;
  manifestDigest: string;
  descriptor: TwinDescriptor;
  signatures: Referrer<SignaturePayload>[];
  keys: Referrer<KeyPayload>[];
  rules: Referrer<RulesPayload>[];
}

export interface CurrentRules {
  version: number;
  rules: TwinRules;
  rulesDigest: string;
  /** ISO time the version was signed; the descriptor's creation time for version 1. */
  issuedAt: string;
}

/** Thrown where an operation needs a sound twin and found problems. */
export class TwinError extends LikenessError {
  constructor(
    readonly problems: TwinProblem[],
    message = `This twin failed its checks: ${problems.map((p) => `${p.part}: ${p.message}`).join('; ')}`,
    code: ErrorCode = 'conflict',
  ) {
    super(code, message);
    this.name = 'TwinError';
  }
}

export function blobFile(dir: string, digest: string): string {
  return join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length));
}

class Problem extends Error {
  constructor(
    readonly part: string,
    message: string,
  ) {
    super(message);
  }
}

function fail(part: string, message: string): never {
  throw new Problem(part, message);
}

/**
 * A small blob: exactly the descriptor's size and digest, read whole (it is bounded by JSON_LIMITS). Read
 * synchronously: a twin's documents are a few hundred bytes each, and a thread-pool round trip per open, stat and
 * read made loading a twin with twenty grants take most of a key grant's time.
 */
function readSmallBlob(dir: string, descriptor: Descriptor, part: string): Uint8Array {
  if (!isDigest(descriptor.digest)) fail(part, `"${descriptor.digest}" is not a sha256 digest`);
  if (descriptor.size > JSON_LIMITS.maxBytes) fail(part, `${descriptor.size} bytes is more than a twin's documents may be`);
  let fd: number;
  try {
    fd = openSync(blobFile(dir, descriptor.digest), 'r');
  } catch {
    fail(part, `blob ${descriptor.digest} is missing`);
  }
  let bytes: Uint8Array;
  try {
    const { size } = fstatSync(fd);
    if (size !== descriptor.size) fail(part, `is ${size} bytes, its descriptor says ${descriptor.size}`);
    bytes = new Uint8Array(size);
    let offset = 0;
    while (offset < size) {
      const read = readSync(fd, bytes, offset, size - offset, offset);
      if (read === 0) break;
      offset += read;
    }
  } finally {
    closeSync(fd);
  }
  const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (actual !== descriptor.digest) fail(part, `its content hashes to ${actual}, not ${descriptor.digest}`);
  return bytes;
}

/** Parsed with limits, and only accepted in the exact canonical form we write. */
function canonicalDocument(bytes: Uint8Array, part: string): unknown {
  let value: unknown;
  try {
    value = parseJsonLimited(Buffer.from(bytes).toString('utf8'), JSON_LIMITS);
  } catch (error) {
    fail(part, `is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!Buffer.from(jsonBytes(value)).equals(Buffer.from(bytes))) fail(part, 'is not in canonical form: it was altered after sealing');
  return value;
}

function schemaParse<T>(schema: z.ZodType<T>, value: unknown, part: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) fail(part, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; '));
  return parsed.data;
}

/**
 * Signers recovered from referrer payloads, by the payload's digest. The digest was just checked against the bytes
 * it names, and those bytes hold every signed field and the signature, so the answer can never change: each payload
 * is recovered once per process (secp256k1 recovery in JS costs milliseconds; a grant re-reads every referrer).
 */
const recovered = new Map<string, string>();

/** Records what a payload we have just signed ourselves will recover to, so its next load needs no recovery. */
export function rememberSigned(payloadDigest: string, signer: string, recipient?: string): void {
  recovered.set(payloadDigest, signer);
  if (recipient !== undefined) recovered.set(`${payloadDigest}:recipient`, recipient);
}

function recoveredOnce(payloadDigest: string, recover: () => string): string {
  let signer = recovered.get(payloadDigest);
  if (signer === undefined) {
    signer = recover();
    recovered.set(payloadDigest, signer);
  }
  return signer;
}

function sameJson(a: unknown, b: unknown): boolean {
  return Buffer.from(jsonBytes(a)).equals(Buffer.from(jsonBytes(b)));
}

function short(address: string): string {
  return `${address.slice(0, 8)}…${address.slice(-4)}`;
}

function readManifest(dir: string, entry: Descriptor, part: string): ImageManifest {
  const value = canonicalDocument(readSmallBlob(dir, entry, part), part);
  try {
    return parseManifest(value);
  } catch (error) {
    fail(part, error instanceof Error ? error.message : String(error));
  }
}

function readIndex(dir: string): ImageIndex {
  let layout: string;
  try {
    layout = readFileSync(join(dir, 'oci-layout'), 'utf8');
  } catch {
    fail('oci-layout', 'is missing: this folder is not an OCI image layout');
  }
  if (layout !== OCI_LAYOUT_BYTES) fail('oci-layout', `must be exactly ${OCI_LAYOUT_BYTES}`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(dir, 'index.json'));
  } catch {
    fail('index.json', 'is missing');
  }
  if (bytes.length > JSON_LIMITS.maxBytes) fail('index.json', `${bytes.length} bytes is more than a twin's index may be`);
  try {
    return parseIndex(canonicalDocument(bytes, 'index.json'));
  } catch (error) {
    if (error instanceof Problem) throw error;
    fail('index.json', error instanceof Error ? error.message : String(error));
  }
}

const PAYLOAD_SCHEMAS = { signature: signaturePayloadSchema, key: keyPayloadSchema, rules: rulesPayloadSchema } as const;

function kindOf(artifactType: string | undefined): ReferrerKind | undefined {
  return (Object.keys(REFERRER_KINDS) as ReferrerKind[]).find((kind) => REFERRER_KINDS[kind].artifactType === artifactType);
}

export type CheckedReferrer =
  | { kind: 'signature'; referrer: Referrer<SignaturePayload> }
  | { kind: 'key'; referrer: Referrer<KeyPayload> }
  | { kind: 'rules'; referrer: Referrer<RulesPayload> };

/** Every check of one referrer on its own: its manifest, its payload and its signature. Throws a Problem naming it. */
function readReferrer(dir: string, entry: Descriptor, part: string, manifestDigest: string, subject: Descriptor, owner: string): CheckedReferrer {
  const kind = kindOf(entry.artifactType);
  if (!kind) fail(part, `has an unknown artifact type ${entry.artifactType ?? '(none)'}`);
  const referrer = readManifest(dir, entry, part);
  if (!sameJson(indexEntry(jsonBytes(referrer), referrer), entry)) fail(part, 'its index entry does not match it');
  if (referrer.subject?.digest !== manifestDigest) fail(part, `refers to ${referrer.subject?.digest ?? 'nothing'}, not this twin`);
  const payloadDescriptor = referrer.layers[0];
  if (referrer.layers.length !== 1 || !payloadDescriptor) fail(part, 'must carry exactly one payload');
  if (payloadDescriptor.mediaType !== REFERRER_KINDS[kind].mediaType) fail(part, `its payload is ${payloadDescriptor.mediaType}, not ${REFERRER_KINDS[kind].mediaType}`);
  if (!sameJson(referrerManifest(kind, payloadDescriptor, subject), referrer)) fail(part, `is not a well-formed ${kind} referrer`);
  const payload = schemaParse(PAYLOAD_SCHEMAS[kind] as z.ZodType<unknown>, canonicalDocument(readSmallBlob(dir, payloadDescriptor, part), part), part) as
    | SignaturePayload
    | KeyPayload
    | RulesPayload;
  if (payload.manifestDigest !== manifestDigest) fail(part, `is for the twin ${payload.manifestDigest}, not this one`);
  const found = { entry, manifest: referrer, payloadDescriptor };
  if (kind === 'signature') {
    const p = payload as SignaturePayload;
    const signer = recoveredOnce(payloadDescriptor.digest, () => recoverManifestSigner(manifestDigest, p.owner, p.signature));
    if (getAddress(p.owner) !== owner) fail('owner signature', `names ${short(p.owner)} as owner, but the twin's owner is ${short(owner)}`);
    if (signer !== owner) fail('owner signature', `was made by ${short(signer)}, not by the owner ${short(owner)}`);
    return { kind, referrer: { ...found, payload: p } };
  }
  if (kind === 'key') {
    const p = payload as KeyPayload;
    const keyPart = `key envelope for ${short(p.envelope.recipient)}`;
    if (recoveredOnce(`${payloadDescriptor.digest}:recipient`, () => computeAddress(p.recipientPublicKey)) !== getAddress(p.envelope.recipient)) {
      fail(keyPart, 'its public key is not its recipient');
    }
    const signer = recoveredOnce(payloadDescriptor.digest, () =>
      recoverKeyGrantSigner({ manifestDigest, recipient: p.envelope.recipient, envelopeDigest: envelopeDigest(p.envelope), grantedAt: p.grantedAt }, p.signature),
    );
    if (signer !== owner) fail(keyPart, `was granted by ${short(signer)}, not by the owner ${short(owner)}`);
    return { kind, referrer: { ...found, payload: p } };
  }
  const p = payload as RulesPayload;
  const rulesPart = `rules version ${p.version}`;
  if (rulesDigest(p.rules) !== p.rulesDigest) fail(rulesPart, 'its digest does not match its rules');
  const signer = recoveredOnce(payloadDescriptor.digest, () => recoverRulesSigner({ manifestDigest, rulesDigest: p.rulesDigest, version: p.version, issuedAt: p.issuedAt }, p.signature));
  if (signer !== getAddress(p.signer)) fail(rulesPart, `claims to be signed by ${short(p.signer)} but was signed by ${short(signer)}`);
  if (signer !== owner) fail(rulesPart, `is signed by ${short(signer)}, not by the owner ${short(owner)}: ignored`);
  return { kind, referrer: { ...found, payload: p } };
}

/**
 * Referrers checked in full before, with the files they were read from as they were then (inode, size, mtime). An
 * operation on the creator's own twin (a key grant, a rule version) reuses them when those files are untouched;
 * verification never does, so a file altered in place keeping its size and time is still caught by verify.
 */
const checkedReferrers = new Map<string, { stamp: string; found: CheckedReferrer }>();

function stampOf(dir: string, digests: readonly string[]): string | undefined {
  try {
    return digests.map((d) => {
      const stat = statSync(blobFile(dir, d));
      return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    }).join('|');
  } catch {
    return undefined;
  }
}

function reusable(dir: string, key: string, entry: Descriptor, options: LoadOptions): CheckedReferrer | undefined {
  if (!options.reuseUnchanged) return undefined;
  const cached = checkedReferrers.get(key);
  if (!cached) return undefined;
  const stamp = stampOf(dir, [entry.digest, cached.found.referrer.payloadDescriptor.digest]);
  return stamp === cached.stamp ? cached.found : undefined;
}

function remember(dir: string, key: string, entry: Descriptor, found: CheckedReferrer): CheckedReferrer {
  const stamp = stampOf(dir, [entry.digest, found.referrer.payloadDescriptor.digest]);
  if (stamp !== undefined) checkedReferrers.set(key, { stamp, found });
  return found;
}

/**
 * A referrer the owner has just signed and written in this process: taken as checked by the next loads that reuse
 * unchanged files (a run of grants), as it would be after one full read.
 */
export function rememberWritten(dir: string, checked: CheckedReferrer): void {
  const { entry, manifest } = checked.referrer;
  if (manifest.subject) remember(dir, `${dir}|${manifest.subject.digest}|${entry.digest}`, entry, checked);
}

interface CheckedCore {
  manifestEntry: Descriptor;
  manifest: ImageManifest;
  descriptor: TwinDescriptor;
}

/** The twin's manifest and descriptor, each checked against the other and against its index entry. */
function readCore(dir: string, manifestEntry: Descriptor): CheckedCore {
  const manifest = readManifest(dir, manifestEntry, 'manifest');
  if (!sameJson(indexEntry(jsonBytes(manifest), manifest, TWIN_REF_NAME), manifestEntry)) fail('index.json', "the twin manifest's entry does not match the manifest");
  if (manifest.config.mediaType !== DESCRIPTOR_MEDIA_TYPE) fail('manifest', `its config is ${manifest.config.mediaType}, not a twin descriptor`);
  const descriptor = schemaParse(twinDescriptorSchema, canonicalDocument(readSmallBlob(dir, manifest.config, 'descriptor'), 'descriptor'), 'descriptor');
  const layers = descriptor.parts.map((p) => ({ mediaType: PART_MEDIA_TYPE, digest: p.digest, size: p.size, annotations: { [PART_ANNOTATION]: p.name } }));
  const created = manifest.annotations?.['org.opencontainers.image.created'] ?? '';
  if (!sameJson(twinManifest(manifest.config, layers, created), manifest)) fail('manifest', "does not list exactly the descriptor's parts");
  if (created !== descriptor.createdAt) fail('manifest', 'its creation time differs from the descriptor');
  if (rulesDigest(descriptor.rules) !== descriptor.rulesDigest) fail('descriptor', 'its rules digest does not match its rules');
  return { manifestEntry, manifest, descriptor };
}

/** Like checkedReferrers, for the manifest and descriptor, which a key grant or a rule version never changes. */
const checkedCores = new Map<string, { stamp: string; core: CheckedCore }>();

function coreKey(dir: string, manifestEntry: Descriptor): string {
  return `${dir}|${manifestEntry.digest}`;
}

function reusableCore(dir: string, manifestEntry: Descriptor, options: LoadOptions): CheckedCore | undefined {
  if (!options.reuseUnchanged) return undefined;
  const cached = checkedCores.get(coreKey(dir, manifestEntry));
  if (!cached || !sameJson(cached.core.manifestEntry, manifestEntry)) return undefined;
  return stampOf(dir, [manifestEntry.digest, cached.core.manifest.config.digest]) === cached.stamp ? cached.core : undefined;
}

function rememberCore(dir: string, core: CheckedCore): CheckedCore {
  const stamp = stampOf(dir, [core.manifestEntry.digest, core.manifest.config.digest]);
  if (stamp !== undefined) checkedCores.set(coreKey(dir, core.manifestEntry), { stamp, core });
  return core;
}

export interface LoadOptions {
  /** Reuse referrers fully checked earlier in this process whose files are untouched since (not for verification). */
  reuseUnchanged?: boolean;
}

/**
 * Loads the twin's structure and checks everything that does not need the layers' bytes or a key: canonical
 * documents, digests of the small blobs, the manifest rebuilt from its parts, and every signature. Problems in a
 * referrer are collected and that referrer left out; problems in the twin itself are fatal.
 */
export async function loadTwin(dir: string, options: LoadOptions = {}): Promise<{ twin?: LoadedTwin; problems: TwinProblem[] }> {
  const problems: TwinProblem[] = [];
  const collect = (error: unknown) => {
    if (error instanceof Problem) problems.push({ part: error.part, message: error.message });
    else throw error;
  };
  let index: ImageIndex;
  let manifestEntry: Descriptor;
  let core: CheckedCore;
  try {
    index = readIndex(dir);
    const named = index.manifests.filter((m) => m.annotations?.[REF_NAME_ANNOTATION] === TWIN_REF_NAME);
    if (named.length !== 1) fail('index.json', named.length === 0 ? 'names no twin manifest' : 'names more than one twin manifest');
    manifestEntry = named[0]!;
    core = reusableCore(dir, manifestEntry, options) ?? rememberCore(dir, readCore(dir, manifestEntry));
  } catch (error) {
    collect(error);
    return { problems };
  }
  const { manifest, descriptor } = core;
  const manifestDigest = manifestEntry.digest;
  const owner = getAddress(descriptor.owner);
  const twin: LoadedTwin = { dir, manifestEntry, manifest, manifestDigest, descriptor, signatures: [], keys: [], rules: [] };
  const subject = { mediaType: manifestEntry.mediaType, digest: manifestEntry.digest, size: manifestEntry.size };

  for (const entry of index.manifests) {
    if (entry === manifestEntry) continue;
    const part = `referrer ${entry.digest.slice(7, 19)}`;
    try {
      const key = `${dir}|${manifestDigest}|${entry.digest}`;
      const found = reusable(dir, key, entry, options) ?? remember(dir, key, entry, readReferrer(dir, entry, part, manifestDigest, subject, owner));
      if (found.kind === 'rules' && twin.rules.some((r) => r.payload.version === found.referrer.payload.version)) fail(`rules version ${found.referrer.payload.version}`, 'appears twice');
      if (found.kind === 'signature') twin.signatures.push(found.referrer);
      else if (found.kind === 'key') twin.keys.push(found.referrer);
      else twin.rules.push(found.referrer);
    } catch (error) {
      // A signature that recovers to nothing is a finding about this referrer, like any other.
      if (error instanceof Error && !(error instanceof Problem)) problems.push({ part, message: error.message });
      else collect(error);
    }
  }
  if (index.manifests.length > 1) {
    try {
      readSmallBlob(dir, EMPTY_DESCRIPTOR, 'empty config');
    } catch (error) {
      collect(error);
    }
  }
  if (twin.signatures.length === 0 && !problems.some((p) => p.part === 'owner signature')) problems.push({ part: 'owner signature', message: 'is missing' });
  return { twin, problems };
}

/** Loads a twin an operation can rely on, or throws naming every problem. */
export async function loadSoundTwin(dir: string, options: LoadOptions = {}): Promise<LoadedTwin> {
  const { twin, problems } = await loadTwin(dir, options);
  if (!twin || problems.length > 0) throw new TwinError(problems);
  return twin;
}

/** The newest owner-signed rule version, or the descriptor's own rules. */
export function currentRules(twin: LoadedTwin): CurrentRules {
  const newest = [...twin.rules].sort((a, b) => b.payload.version - a.payload.version)[0];
  if (!newest) return { version: 1, rules: twin.descriptor.rules, rulesDigest: twin.descriptor.rulesDigest, issuedAt: twin.descriptor.createdAt };
  const p = newest.payload;
  return { version: p.version, rules: p.rules, rulesDigest: p.rulesDigest, issuedAt: new Date(p.issuedAt * 1000).toISOString() };
}
